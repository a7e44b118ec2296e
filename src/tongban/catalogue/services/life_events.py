"""Life events (一件事, ITEM-11): saved only when they bundle enough to be worth the name."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils.translation import gettext

from tongban.agencies.models import Agency
from tongban.catalogue.errors import CatalogueError
from tongban.catalogue.models import LifeEvent, LifeEventItem, ServiceItem
from tongban.catalogue.models.choices import LifeEventKind
from tongban.core import audit
from tongban.core.errors import TongbanError
from tongban.identity.models import StaffRole, User
from tongban.identity.services import require_role

MINIMUM_PERSONAL_SITUATIONS = 3
MINIMUM_ENTERPRISE_ITEMS = 3


@transaction.atomic
def save_life_event(
    actor: User | AnonymousUser | None,
    *,
    code: str,
    name: str,
    kind: LifeEventKind,
    description: str,
    lead_agency: Agency,
    item_codes: list[str],
    situations: list[dict[str, Any]],
    promised_limit_working_days: int,
    publish: bool = False,
    name_en: str = "",
) -> LifeEvent:
    """Create or replace a life event bundling items of several agencies (ITEM-11).

    Personal events must distinguish at least three situations; enterprise
    life-cycle events must bundle at least three items. The platform operator
    maintains life events.
    """
    if actor is not None:
        require_role(actor, StaffRole.PLATFORM_OPERATOR, lead_agency)
    items = {item.implementation_code: item for item in ServiceItem.objects.filter(implementation_code__in=item_codes)}
    missing = [code for code in item_codes if code not in items]
    if missing:
        raise TongbanError(CatalogueError.ITEM_NOT_FOUND, code="、".join(missing))
    if len(items) < 2:
        raise TongbanError(CatalogueError.LIFE_EVENT_TOO_SMALL, detail=gettext("一件事至少包含两个事项"))
    if kind == LifeEventKind.PERSONAL and len(situations) < MINIMUM_PERSONAL_SITUATIONS:
        raise TongbanError(CatalogueError.LIFE_EVENT_TOO_SMALL, field="situations",
                           detail=gettext("个人一件事至少需要%(count)s种办理情形")
                           % {"count": MINIMUM_PERSONAL_SITUATIONS})
    if kind == LifeEventKind.ENTERPRISE and len(items) < MINIMUM_ENTERPRISE_ITEMS:
        raise TongbanError(CatalogueError.LIFE_EVENT_TOO_SMALL, field="item_codes",
                           detail=gettext("企业一件事至少需要%(count)s个事项")
                           % {"count": MINIMUM_ENTERPRISE_ITEMS})
    event, _created = LifeEvent.objects.update_or_create(
        code=code,
        defaults={
            "name": name, "name_en": name_en, "kind": kind, "description": description,
            "situations": situations, "lead_agency": lead_agency,
            "promised_limit_working_days": promised_limit_working_days, "is_published": publish,
        },
    )
    event.entries.all().delete()
    LifeEventItem.objects.bulk_create(
        LifeEventItem(life_event=event, item=items[item_code], position=position)
        for position, item_code in enumerate(item_codes)
    )
    audit.record("catalogue.life_event.saved", actor=actor, agency_id=lead_agency.pk, obj=event,
                 data={"items": item_codes, "published": publish})
    return event
