"""Work items of failed and returned deliveries (LOG-1): re-ship to a corrected address, or switch to pickup.

Officers and counter staff of the handling agency (or above it) resolve its
work items; the platform operator sees and resolves them all. Resolving locks
the work item and its shipment, so two staff acting at once cannot both re-ship.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from tongban.agencies.models import Agency
from tongban.core import audit
from tongban.core.errors import TongbanError
from tongban.identity.models import StaffRole
from tongban.identity.services import Actor, actor_label, agencies_where, holds_role, require_role
from tongban.logistics.errors import LogisticsError
from tongban.logistics.models import (
    DeliveryPreference,
    Direction,
    ResultDeliveryMethod,
    Shipment,
    WorkItem,
    WorkItemResolution,
)
from tongban.logistics.services import shipments
from tongban.logistics.services.addresses import AddressInput

HANDLING_ROLES = (StaffRole.CASE_OFFICER, StaffRole.COUNTER_STAFF)


def _require_staff(actor: Actor, agency: Agency) -> None:
    if actor is None:
        return  # the platform itself (shell, jobs)
    if holds_role(actor, StaffRole.PLATFORM_OPERATOR):
        return
    if any(holds_role(actor, role, agency) for role in HANDLING_ROLES):
        return
    require_role(actor, StaffRole.CASE_OFFICER, agency)  # raises with the precise reason


def visible_work_items(actor: Actor, *, open_only: bool = True) -> QuerySet[WorkItem]:
    """The work items the actor may see: their agencies' subtrees, or all for the platform operator."""
    items = WorkItem.objects.select_related("shipment", "agency").order_by("-created_at", "-id")
    if open_only:
        items = items.filter(is_open=True)
    if actor is None or holds_role(actor, StaffRole.PLATFORM_OPERATOR):
        return items
    scope = Q(pk__in=[])
    for role in HANDLING_ROLES:
        for agency in agencies_where(actor, role):
            scope |= Q(agency__path__startswith=agency.path)
    return items.filter(scope)


def _locked(actor: Actor, work_item_id: int) -> tuple[WorkItem, Shipment]:
    item = WorkItem.objects.select_for_update().select_related("agency").filter(pk=work_item_id).first()
    if item is None:
        raise TongbanError(LogisticsError.WORK_ITEM_CLOSED)
    _require_staff(actor, item.agency)
    if not item.is_open:
        raise TongbanError(LogisticsError.WORK_ITEM_CLOSED)
    shipment = Shipment.objects.select_for_update().select_related("person", "agency").get(pk=item.shipment_id)
    return item, shipment


def _resolve(actor: Actor, item: WorkItem, resolution: str) -> None:
    item.is_open = False
    item.resolved_at = timezone.now()
    item.resolved_by_label = actor_label(actor)
    item.resolution = resolution
    item.save(update_fields=["is_open", "resolved_at", "resolved_by_label", "resolution"])
    audit.record("logistics.work_item.resolved", actor=actor, agency_id=item.agency_id, obj=item,
                 data={"shipment": item.shipment_id, "resolution": resolution})


@transaction.atomic
def reship(actor: Actor, work_item_id: int, destination: AddressInput) -> Shipment:
    """Send the parcel again to a corrected (validated) address; the old shipment is cancelled if still running."""
    item, old = _locked(actor, work_item_id)
    shipments.cancel(old, source="staff", reason=f"{actor_label(actor)} 更正地址重新寄递")
    new = shipments.create_shipment(actor, case_number=old.case_number, direction=old.direction, person=old.person,
                                    agency=old.agency, destination=destination, replaces=old)
    _resolve(actor, item, WorkItemResolution.RESHIPPED)
    return new


@transaction.atomic
def switch_to_pickup(actor: Actor, work_item_id: int) -> WorkItem:
    """Give up the courier: the result waits at the window (or the applicant brings the materials)."""
    item, shipment = _locked(actor, work_item_id)
    shipments.cancel(shipment, source="staff", reason=f"{actor_label(actor)} 改为窗口领取")
    if shipment.direction == Direction.RESULT_OUT:
        DeliveryPreference.objects.filter(case_number=shipment.case_number).update(
            method=ResultDeliveryMethod.PICKUP, address=None)
    _resolve(actor, item, WorkItemResolution.SWITCHED_TO_PICKUP)
    return item
