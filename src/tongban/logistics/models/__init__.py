"""Models of the logistics module: address book, delivery choices, shipments, their event log, work items."""

from tongban.logistics.models.addresses import Address, DeliveryPreference
from tongban.logistics.models.choices import (
    ACTIVE_STATES,
    TERMINAL_STATES,
    Direction,
    EventOutcome,
    ResultDeliveryMethod,
    ShipmentState,
    WorkItemKind,
    WorkItemResolution,
)
from tongban.logistics.models.sandbox import SandboxOrder, SandboxTrack
from tongban.logistics.models.shipments import Shipment, ShipmentEvent, WorkItem

__all__ = [
    "ACTIVE_STATES", "TERMINAL_STATES", "Address", "DeliveryPreference", "Direction", "EventOutcome",
    "ResultDeliveryMethod", "SandboxOrder", "SandboxTrack", "Shipment", "ShipmentEvent", "ShipmentState", "WorkItem",
    "WorkItemKind", "WorkItemResolution",
]
