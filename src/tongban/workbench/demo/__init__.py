"""Demo data: a Shanghai-like agency tree, staff for every role, and a catalogue at every lifecycle stage.

``load_demo()`` is what ``tongban demo`` and ``tongban serve`` call; the data
lives in this package as plain Python (``agencies``, ``staff``, ``items_*``,
``life_events``) and goes into the database through the platform's services.
"""

from tongban.workbench.demo.loader import DemoSummary, describe, describe_accounts, load_demo

__all__ = ["DemoSummary", "describe", "describe_accounts", "load_demo"]
