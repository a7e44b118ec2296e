"""Request and response schemas of the catalogue API (they make up its OpenAPI document)."""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Schema

from tongban.catalogue.models import RequestKind


class ErrorOut(Schema):
    """A refusal: stable code, message in the request's language, the offending field."""

    code: str
    message: str
    field: str | None = None


class ProblemOut(Schema):
    """One problem of a document, at its JSON path."""

    path: str
    code: str
    message: str


class ProblemsOut(ErrorOut):
    """A refusal listing every problem found."""

    problems: list[ProblemOut] = []


class LimitOut(Schema):
    """A time limit: value (None when on the spot) and unit (working_days, calendar_days, on_the_spot)."""

    value: int | None
    unit: str


class ItemSummary(Schema):
    """A listed item as search results show it."""

    implementation_code: str
    basic_code: str
    name: str
    agency_code: str
    agency_name: str
    item_type: str
    status: str
    online_depth: str
    in_person_trips: int
    handling_kind: str
    promised_limit: LimitOut
    statutory_limit: LimitOut | None
    is_citywide: bool


class ItemPage(Schema):
    """One page of items and the number of matches in all."""

    total: int
    limit: int
    offset: int
    items: list[ItemSummary]


class MaterialList(Schema):
    """The exact material list for the given situation answers, materials in the exchange format."""

    implementation_code: str
    version: int
    answers: list[str]
    materials: list[dict[str, Any]]


class LifeEventItemOut(Schema):
    implementation_code: str
    name: str
    agency_name: str


class LifeEventOut(Schema):
    """A published life event (一件事, ITEM-11)."""

    code: str
    name: str
    name_en: str
    kind: str
    description: str
    situations: list[dict[str, Any]]
    lead_agency_name: str
    promised_limit_working_days: int
    items: list[LifeEventItemOut]


class OneTripItem(ItemSummary):
    """An item on the "at most one trip" list (ITEM-10): its process and materials too."""

    process_steps: list[dict[str, Any]]
    materials: list[dict[str, Any]]


class OneTripPage(Schema):
    total: int
    limit: int
    offset: int
    items: list[OneTripItem]


class ImportReportOut(Schema):
    """What an import wrote: every item became a draft version."""

    items: int
    new_items: int
    new_drafts: int
    replaced_drafts: int
    implementation_codes: list[str]


class RequestIn(Schema):
    """A lifecycle request. ``open``/``change`` file the item's draft; maintenance needs its window;
    urgent suspension needs the public announcement."""

    kind: RequestKind
    reason: str
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    announcement_title: str = ""
    announcement_body: str = ""


class StepOut(Schema):
    action: str
    from_state: str
    to_state: str
    actor_label: str
    note: str
    occurred_at: datetime.datetime
    due_on: datetime.date | None


class RequestOut(Schema):
    """A lifecycle request with its history; ``due_on`` is when the current stage is due."""

    id: int
    kind: str
    state: str
    implementation_code: str
    version: int | None
    reason: str
    filed_at: datetime.datetime
    stage_started_on: datetime.date
    due_on: datetime.date | None
    window_starts_on: datetime.date | None
    window_ends_on: datetime.date | None
    test_passed: bool | None
    decision_note: str
    completed_at: datetime.datetime | None
    steps: list[StepOut]
