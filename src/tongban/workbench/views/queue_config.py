"""The review queues: which role works which request stages."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tongban.catalogue.models import RequestState
from tongban.identity.models import StaffRole


@dataclass(frozen=True)
class Queue:
    """One role's worklist: the request states waiting for that role."""

    slug: str
    title: str | Promise
    role: StaffRole
    states: tuple[RequestState, ...]


QUEUES: dict[str, Queue] = {
    queue.slug: queue
    for queue in (
        Queue("civil-affairs", _("民政审核队列"), StaffRole.CIVIL_AFFAIRS_REVIEWER,
              (RequestState.AWAITING_CIVIL_AFFAIRS,)),
        Queue("authority", _("审改部门审核队列"), StaffRole.CATALOGUE_AUTHORITY, (RequestState.AWAITING_AUTHORITY,)),
        Queue("operator", _("平台运营队列"), StaffRole.PLATFORM_OPERATOR,
              (RequestState.AWAITING_TEST, RequestState.AWAITING_PUBLICATION, RequestState.AWAITING_EXECUTION)),
    )
}
QUEUE_OF_ROLE = {queue.role: queue for queue in QUEUES.values()}
