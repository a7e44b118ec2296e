"""Agency-system callbacks: one reported transition becomes one call of the case state machine (PLAT-3).

The handling service is called with ``actor=None`` (the platform acting for the
agency system, whose credential the API has matched to the case's handling
agency); it locks the case, checks the state and the expected lock version,
records, notifies, publishes and audits like any other transition.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tongban.cases.api.errors import CONFLICTS, CaseConflict
from tongban.cases.api.schemas import TransitionIn
from tongban.cases.errors import ExchangeError
from tongban.cases.models import Case
from tongban.cases.services import handling
from tongban.core.errors import TongbanError


def _required(payload: TransitionIn, name: str) -> Any:
    value = getattr(payload, name)
    if value is None or value == "" or value == []:
        raise TongbanError(ExchangeError.FIELD_REQUIRED, field=name, action=payload.action, field_name=name)
    return value


def _accept(case: Case, payload: TransitionIn, lock: int | None) -> None:
    handling.accept(None, case, expected_lock=lock)


def _refuse(case: Case, payload: TransitionIn, lock: int | None) -> None:
    handling.refuse(None, case, reasons=_required(payload, "reasons"), expected_lock=lock)


def _request_correction(case: Case, payload: TransitionIn, lock: int | None) -> None:
    items = [(item.code, item.reason) for item in _required(payload, "items")]
    handling.request_correction(None, case, items=items, note=payload.note, expected_lock=lock)


def _start_review(case: Case, payload: TransitionIn, lock: int | None) -> None:
    handling.start_review(None, case, expected_lock=lock)


def _decide(case: Case, payload: TransitionIn, lock: int | None) -> None:
    handling.decide(None, case, approve=_required(payload, "approve"), reasons=_required(payload, "reasons"),
                    effective_on=payload.effective_on, expires_on=payload.expires_on, expected_lock=lock)


def _issue_result(case: Case, payload: TransitionIn, lock: int | None) -> None:
    handling.issue_result(None, case, expected_lock=lock)


def _deliver(case: Case, payload: TransitionIn, lock: int | None) -> None:
    handling.deliver(None, case, method=_required(payload, "method"), expected_lock=lock)


def _conclude(case: Case, payload: TransitionIn, lock: int | None) -> None:
    handling.conclude(None, case, expected_lock=lock)


ACTIONS: dict[str, Callable[[Case, TransitionIn, int | None], None]] = {
    "accept": _accept,
    "refuse": _refuse,
    "request_correction": _request_correction,
    "start_review": _start_review,
    "decide": _decide,
    "issue_result": _issue_result,
    "deliver": _deliver,
    "conclude": _conclude,
}


def perform(case: Case, payload: TransitionIn) -> Case:
    """Run the reported transition inside the caller's transaction; returns the case as it now stands.

    The agency system's own reference is stored first, under the row lock, so the
    event the transition publishes already carries it; a refusal rolls both back.
    A refusal because of the case's state answers with that state (409).
    """
    locked = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
    if payload.agency_reference is not None and payload.agency_reference != locked.agency_system_reference:
        locked.agency_system_reference = payload.agency_reference.strip()
        locked.save(update_fields=["agency_system_reference"])
    try:
        ACTIONS[payload.action](locked, payload, payload.expected_lock_version)
    except TongbanError as refusal:
        if refusal.error in CONFLICTS:
            raise CaseConflict(refusal, Case.objects.get(pk=case.pk)) from refusal
        raise
    return Case.objects.get(pk=case.pk)
