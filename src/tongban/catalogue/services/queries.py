"""Read-side queries for the public portal: guides, the one-trip list, life events, announcements.

Each function loads what its page shows in a fixed, small number of queries
(select_related / prefetch_related), so page cost does not grow with the
number of materials, questions or items listed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tongban.catalogue.errors import CatalogueError
from tongban.catalogue.models import (
    Announcement,
    ItemVersion,
    LifeEvent,
    LifeEventItem,
    Material,
    ServiceItem,
    SituationQuestion,
)
from tongban.catalogue.models.choices import ApplicantKind, DeliveryMethod, LimitUnit
from tongban.catalogue.search import LISTED_STATUSES, listed_items
from tongban.catalogue.search.errors import QueryError
from tongban.catalogue.services import lifecycle
from tongban.core.errors import TongbanError
from tongban.payments.services import fees as fee_rules


@dataclass(frozen=True)
class GuideOption:
    """One answer to a situation question, and whether the visitor chose it."""

    code: str
    label: str
    key: str
    selected: bool


@dataclass(frozen=True)
class GuideQuestion:
    """A situation question as the guide form shows it."""

    code: str
    text: str
    allows_several: bool
    options: list[GuideOption]

    @property
    def field_name(self) -> str:
        """The GET parameter carrying the answer (prefixed so it cannot clash with other parameters)."""
        return f"s_{self.code}"


@dataclass(frozen=True)
class GuideMaterial:
    """A material of the selected list, with the situation answers that call for it."""

    material: Material
    situations: list[str]


@dataclass(frozen=True)
class Fee:
    """A fee as the guide prints it."""

    name: str
    amount: str
    basis: str


@dataclass(frozen=True)
class Guide:
    """Everything the guide page of one item shows, for the visitor's situation answers (ITEM-2)."""

    item: ServiceItem
    version: ItemVersion
    questions: list[GuideQuestion]
    answers: dict[str, list[str]]
    materials: list[GuideMaterial]
    material_total: int
    fees: list[Fee]
    promised_limit: str
    statutory_limit: str
    applicant_kinds: list[str]
    delivery_methods: list[str]
    refusal_reason: str | None
    announcements: list[Announcement] = field(default_factory=list)

    @property
    def is_accepting(self) -> bool:
        """New applications are taken today."""
        return self.refusal_reason is None


def describe_limit(value: int | None, unit: str) -> str:
    """A limit in words of the active language: "5个工作日", "30个自然日", "当场办结", or "无"."""
    if not unit:
        return _("无")
    if unit == LimitUnit.ON_THE_SPOT:
        return str(LimitUnit.ON_THE_SPOT.label)
    count = value or 0
    if unit == LimitUnit.CALENDAR_DAYS:
        return ngettext("%(count)d个自然日", "%(count)d个自然日", count) % {"count": count}
    return ngettext("%(count)d个工作日", "%(count)d个工作日", count) % {"count": count}


def describe_fee(data: Mapping[str, object]) -> Fee:
    """One fee entry of the exchange format (``amount_fen`` in fen, or a ``rule``) in words."""
    amount_fen = data.get("amount_fen")
    if isinstance(amount_fen, int):
        amount = _("%(yuan)s元") % {"yuan": f"{amount_fen / 100:.2f}"}
    else:
        amount = fee_rules.describe_rule(data.get("rule")) or _("按规定标准收取")
    return Fee(name=str(data.get("name", "")), amount=amount, basis=str(data.get("basis") or ""))


def published_item(implementation_code: str) -> ServiceItem:
    """The listed item with this implementation code and its whole published guide, or TongbanError.

    Materials, situation questions and their options are prefetched, so
    :func:`guide` runs no further query per material or question.
    """
    code = (implementation_code or "").strip().upper()
    item = (
        listed_items()
        .filter(implementation_code=code)
        .select_related("basic_item", "agency", "published_version")
        .prefetch_related(
            "published_version__materials",
            Prefetch(
                "published_version__situation_questions",
                queryset=SituationQuestion.objects.prefetch_related("options"),
            ),
        )
        .first()
    )
    if item is None:
        raise TongbanError(CatalogueError.ITEM_NOT_FOUND, code=code)
    return item


def clean_answers(questions: Iterable[SituationQuestion], answers: Mapping[str, Iterable[str]] | None
                  ) -> dict[str, list[str]]:
    """Keep only known questions and options; a single-choice question keeps its first known answer."""
    cleaned: dict[str, list[str]] = {}
    raw = answers or {}
    for question in questions:
        known = {option.code for option in question.options.all()}
        chosen = [code for code in dict.fromkeys(raw.get(question.code, ())) if code in known]
        if chosen:
            cleaned[question.code] = chosen if question.allows_several else chosen[:1]
    return cleaned


def guide(item: ServiceItem, answers: Mapping[str, Iterable[str]] | None = None) -> Guide:
    """The guide of the item's published version, its material list narrowed by the situation answers.

    ``answers`` maps question codes to chosen option codes; unknown codes are
    ignored (they come straight from the query string).
    """
    version = item.published_version
    if version is None:
        raise TongbanError(CatalogueError.ITEM_NOT_FOUND, code=item.implementation_code)
    questions = list(version.situation_questions.all())
    cleaned = clean_answers(questions, answers)
    answers_for_materials: dict[str, Iterable[str]] = dict(cleaned)
    labels = {f"{q.code}.{o.code}": o.label for q in questions for o in q.options.all()}
    materials = [
        GuideMaterial(material=m, situations=[labels[key] for key in m.situation_options if key in labels])
        for m in version.materials_for(answers_for_materials)
    ]
    return Guide(
        item=item,
        version=version,
        questions=[
            GuideQuestion(
                code=q.code,
                text=q.text,
                allows_several=q.allows_several,
                options=[
                    GuideOption(o.code, o.label, f"{q.code}.{o.code}", o.code in cleaned.get(q.code, ()))
                    for o in q.options.all()
                ],
            )
            for q in questions
        ],
        answers=cleaned,
        materials=materials,
        material_total=len(version.materials.all()),
        fees=[describe_fee(fee) for fee in version.fees if isinstance(fee, Mapping)],
        promised_limit=_("承诺时限：%(limit)s")
        % {"limit": describe_limit(version.promised_limit_value, version.promised_limit_unit)},
        statutory_limit=_("法定时限：%(limit)s")
        % {"limit": describe_limit(version.statutory_limit_value, version.statutory_limit_unit)},
        applicant_kinds=[str(ApplicantKind(kind).label) for kind in version.applicant_kinds
                         if kind in ApplicantKind.values],
        delivery_methods=[str(DeliveryMethod(method).label) for method in version.delivery_methods
                          if method in DeliveryMethod.values],
        refusal_reason=lifecycle.accepting_refusal_reason(item),
        announcements=active_announcements(item),
    )


def one_trip_list() -> QuerySet[ServiceItem]:
    """ITEM-10: listed items needing at most one trip in person, with materials, process and limits.

    A queryset so the page can paginate it; the prefetch runs once per page.
    """
    return (
        listed_items()
        .filter(published_version__in_person_trips__lte=1)
        .select_related("basic_item", "agency", "published_version")
        .prefetch_related("published_version__materials")
        .order_by("implementation_code")
    )


def _life_event_queryset() -> QuerySet[LifeEvent]:
    entries = LifeEventItem.objects.select_related(
        "item__basic_item", "item__agency", "item__published_version"
    ).order_by("position", "id")
    return (
        LifeEvent.objects.filter(is_published=True)
        .select_related("lead_agency")
        .prefetch_related(Prefetch("entries", queryset=entries))
    )


def _mark_listed(events: list[LifeEvent]) -> list[LifeEvent]:
    # The page links only items whose guide is public; the flag saves the template a rule of its own.
    for event in events:
        for entry in event.entries.all():
            listed = entry.item.status in LISTED_STATUSES and entry.item.published_version_id is not None
            entry.is_listed = listed  # type: ignore[attr-defined]
    return events


def life_events() -> list[LifeEvent]:
    """ITEM-11: published life events with their items in handling order."""
    return _mark_listed(list(_life_event_queryset().order_by("kind", "code")))


def life_event(code: str) -> LifeEvent:
    """One published life event with its items, or TongbanError when there is none."""
    event = _life_event_queryset().filter(code=code).first()
    if event is None:
        raise TongbanError(QueryError.LIFE_EVENT_NOT_FOUND, code=code)
    return _mark_listed([event])[0]


def active_announcements(item: ServiceItem | None = None, *, limit: int | None = None) -> list[Announcement]:
    """Announcements in force now, newest first: all of them, or those about ``item`` and its agency as a whole."""
    now = timezone.now()
    today: datetime.date = timezone.localdate(now)
    announcements = Announcement.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today), published_at__lte=now
    ).select_related("agency", "item__basic_item")
    if item is not None:
        announcements = announcements.filter(Q(item=item) | Q(item__isnull=True, agency_id=item.agency_id))
    announcements = announcements.order_by("-published_at", "-id")
    return list(announcements[:limit] if limit else announcements)
