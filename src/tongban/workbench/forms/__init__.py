"""Workbench forms: guide drafts (``guide``), lifecycle actions (``actions``) and queue filters (``queues``)."""
