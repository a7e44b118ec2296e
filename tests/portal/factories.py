"""Builders for the portal and search tests.

Single items go through the real guide and lifecycle services
(``tests.factories.published_item``), so they are indexed the way production
indexes them. ``bulk_catalogue`` writes thousands of items straight to the
tables for the scale tests and then rebuilds the index.
"""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from django.utils import timezone

from tests.factories import AgencyFactory, make_uscc, published_item
from tongban.agencies.models import Agency
from tongban.catalogue.models import (
    Announcement,
    AnnouncementKind,
    BasicItem,
    ItemVersion,
    LifeEvent,
    Material,
    ServiceItem,
)
from tongban.catalogue.models.choices import (
    HandlingKind,
    IntegrationMode,
    ItemStatus,
    LifeEventKind,
    LimitUnit,
    MaterialMedium,
    MaterialSource,
    OnlineDepth,
    ResultKind,
    VersionState,
)
from tongban.catalogue.search import rebuild_index
from tongban.catalogue.services.life_events import save_life_event

_bulk_serials = itertools.count(1)

# Tests run at a fixed instant inside the seeded working-day calendar (2026 is its last year),
# so lifecycle due dates and announcement windows do not depend on the day the suite runs.
FIXED_NOW = datetime.datetime(2026, 6, 1, 2, 0, tzinfo=datetime.UTC)


def listed_item(name: str, agency: Agency | None = None, **changes: Any) -> ServiceItem:
    """A published, indexed item called ``name``; ``changes`` override guide fields (or ``item_type``)."""
    return published_item(agency, name=name, **changes)


def announcement(item: ServiceItem | None = None, *, agency: Agency | None = None, title: str = "系统维护公告",
                 kind: str = AnnouncementKind.GENERAL, days_ago: int = 0, ends_in_days: int | None = None,
                 body: str = "公告正文") -> Announcement:
    """An announcement published ``days_ago`` days ago, ending ``ends_in_days`` from today (None: open-ended)."""
    today = timezone.localdate()
    return Announcement.objects.create(
        kind=kind,
        item=item,
        agency=agency or item.agency,  # type: ignore[union-attr]
        title=title,
        body=body,
        published_at=timezone.now() - datetime.timedelta(days=days_ago),
        ends_on=None if ends_in_days is None else today + datetime.timedelta(days=ends_in_days),
    )


def life_event(code: str, name: str, items: list[ServiceItem], *, publish: bool = True,
               kind: str = LifeEventKind.PERSONAL) -> LifeEvent:
    """A life event saved through the catalogue service (three situations, so personal events pass)."""
    return save_life_event(
        None,
        code=code,
        name=name,
        kind=LifeEventKind(kind),
        description=f"{name}：一次告知、一表申请、一次受理。",
        lead_agency=items[0].agency,
        item_codes=[item.implementation_code for item in items],
        situations=[{"code": "S1", "label": "本市户籍"}, {"code": "S2", "label": "非本市户籍"},
                    {"code": "S3", "label": "港澳台居民"}],
        promised_limit_working_days=5,
        publish=publish,
    )


_WORDS = ["居住证", "营业执照", "出生医学证明", "社保卡", "驾驶证", "公积金", "养老金", "残疾人证", "护照", "船员证"]


def bulk_catalogue(count: int, agency: Agency | None = None) -> list[ServiceItem]:
    """``count`` listed items with three materials each, written in bulk, then the index rebuilt."""
    agency = agency or AgencyFactory(uscc=make_uscc(900000 + next(_bulk_serials)))
    start = next(_bulk_serials) * 100000
    basics = BasicItem.objects.bulk_create(
        BasicItem(basic_code=f"01{start + n:07d}000", name=f"{_WORDS[n % 10]}业务办理{n}", item_type="licensing",
                  legal_basis="《中华人民共和国行政许可法》")
        for n in range(count)
    )
    items = ServiceItem.objects.bulk_create(
        ServiceItem(implementation_code=f"{basic.basic_code}{agency.uscc}01", basic_item=basic, agency=agency,
                    status=ItemStatus.IN_SERVICE)
        for basic in basics
    )
    versions = ItemVersion.objects.bulk_create(
        ItemVersion(item=item, number=1, state=VersionState.PUBLISHED, conditions="材料齐全",
                    eligible_applicants="本市居民",
                    applicant_kinds=["person"], process_steps=[{"name": "申请"}, {"name": "办结"}],
                    handling_kind=HandlingKind.PROMISED, promised_limit_value=5,
                    promised_limit_unit=LimitUnit.WORKING_DAYS, result_name="批准文书",
                    result_kind=ResultKind.APPROVAL_DOCUMENT, delivery_methods=["electronic"],
                    online_depth=OnlineDepth.FULL_ONLINE, in_person_trips=n % 3,
                    integration_mode=IntegrationMode.PLATFORM, published_at=timezone.now())
        for n, item in enumerate(items)
    )
    Material.objects.bulk_create(
        Material(version=version, code=f"M{m}", position=m, name=f"{_WORDS[(n + m) % 10]}复印件",
                 source=MaterialSource.APPLICANT, medium=MaterialMedium.COPY)
        for n, version in enumerate(versions)
        for m in range(3)
    )
    for item, version in zip(items, versions, strict=True):
        item.published_version = version
    ServiceItem.objects.bulk_update(items, ["published_version"], batch_size=500)
    rebuild_index()
    return items
