"""Callbacks a higher layer registers with logistics (a plain registry, not Django signals).

Logistics may not import cases, yet a delivered result shipment concludes the
case's delivery step. The cases app registers its handler here when it is
ready (``CasesConfig.ready``); :mod:`tongban.logistics.services.tracking` calls
every handler inside the transaction that records the delivery, so the case
and the shipment change together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tongban.logistics.models import Shipment

ResultDelivered = Callable[["Shipment"], None]
_result_delivered: list[ResultDelivered] = []


def on_result_delivered(callback: ResultDelivered) -> None:
    """Call ``callback(shipment)`` whenever a result shipment is signed for (registered once per callback)."""
    if callback not in _result_delivered:
        _result_delivered.append(callback)


def result_delivered_callbacks() -> list[ResultDelivered]:
    """The registered handlers, in registration order."""
    return list(_result_delivered)
