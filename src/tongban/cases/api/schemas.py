"""Request and response schemas of the case-exchange API (they make up its OpenAPI document)."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from ninja import Field, Schema

from tongban.catalogue.api.schemas import ErrorOut

TransitionAction = Literal[
    "accept", "refuse", "request_correction", "start_review", "decide", "issue_result", "deliver", "conclude",
]


class SubscriptionIn(Schema):
    """A webhook registration: where to POST, which events (empty: all), which items of the agency (empty: all)."""

    url: str = Field(..., max_length=200)
    event_types: list[str] = []
    item_codes: list[str] = []


class SubscriptionOut(Schema):
    """A registered webhook; ``secret`` is present only in the answer that created it."""

    id: int
    url: str
    event_types: list[str]
    item_codes: list[str]
    created_at: datetime.datetime
    secret: str | None = None


class MaterialOut(Schema):
    """A material of the case: its guide code, how it was provided and, for a file, its hash and download path."""

    code: str
    name: str
    provision: str
    reference: str
    sha256: str | None
    download_url: str | None


class CaseOut(Schema):
    """A case as the agency system sees it (the same object as a webhook's ``case``)."""

    number: str
    item_code: str
    item_name: str
    version_number: int
    integration_mode: int
    state: str
    lock_version: int
    channel: str
    submitted_at: str | None
    due_on: str | None
    agency_reference: str
    applicant: dict[str, Any]
    form_data: dict[str, Any]
    materials: list[MaterialOut]


class CasePage(Schema):
    """One page of the agency's cases, newest first."""

    count: int
    results: list[CaseOut]


class CorrectionItemIn(Schema):
    """A material of the guide to correct, and what is wrong with it (CASE-3)."""

    code: str
    reason: str


class TransitionIn(Schema):
    """A transition the agency system performed on its side; fields beyond ``action`` as the action needs them.

    ``refuse`` and ``decide`` need ``reasons``; ``decide`` needs ``approve``;
    ``request_correction`` needs ``items``; ``deliver`` needs ``method``.
    """

    action: TransitionAction
    expected_lock_version: int | None = None
    agency_reference: str | None = Field(None, max_length=100)
    reasons: str = ""
    approve: bool | None = None
    effective_on: datetime.date | None = None
    expires_on: datetime.date | None = None
    items: list[CorrectionItemIn] = []
    note: str = ""
    method: str = ""


class TransitionOut(Schema):
    """Where the case stands after the transition."""

    number: str
    action: str
    state: str
    lock_version: int
    agency_reference: str
    due_on: str | None


class ConflictOut(ErrorOut):
    """A transition the case's state does not allow (wrong state, stale lock version, out of order)."""

    case_state: str | None = None
    lock_version: int | None = None
