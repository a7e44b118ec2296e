"""The courier adapter interface (LOG-1): create an order, cancel it, query its tracks; events are pushed signed.

A deployment names its courier in ``TONGBAN_ADAPTERS["courier"]``; the
shipment services ask for the role, never for a class. Each courier signs the
events it pushes to ``/channels/couriers/<code>/events`` with its own secret
(``TONGBAN_COURIER_SECRETS[code]``), see :mod:`tongban.logistics.couriers.signing`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Protocol


class CourierUnavailable(Exception):
    """The courier refused or did not answer; the order may be retried with the same idempotency key."""


@dataclass(frozen=True)
class OrderRequest:
    """What a courier needs to pick up and deliver one parcel."""

    idempotency_key: str
    recipient: str
    phone: str
    address: str
    reference: str  # our case number, printed on the waybill


@dataclass(frozen=True)
class Track:
    """One tracking event as the courier reports it (pushed or queried)."""

    event_id: str
    waybill_number: str
    status: str
    occurred_at: datetime.datetime
    location: str = ""


class Courier(Protocol):
    """A courier company's API."""

    code: str

    def create_order(self, request: OrderRequest) -> str:
        """Place the order and return the waybill number; the same key returns the same waybill."""
        ...

    def cancel(self, waybill_number: str) -> None:
        """Cancel a parcel not yet delivered."""
        ...

    def query_tracks(self, waybill_number: str) -> list[Track]:
        """Every tracking event of the parcel so far, oldest first."""
        ...
