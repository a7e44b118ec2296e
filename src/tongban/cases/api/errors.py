"""HTTP status of every refusal the case-exchange API can give, and the conflict answer with the case's state."""

from __future__ import annotations

from typing import Any

from tongban.agencies.services import AgencyError
from tongban.cases.errors import CaseError, DocumentError, ExchangeError
from tongban.cases.models import Case
from tongban.core.errors import ErrorCode, TongbanError

# Anything not listed is 400, or 422 for a list of problems (tongban.api).
ERROR_STATUS: dict[ErrorCode, int] = {
    ExchangeError.CASE_NOT_FOUND: 404,
    ExchangeError.MATERIAL_NOT_FOUND: 404,
    ExchangeError.SUBSCRIPTION_NOT_FOUND: 404,
    ExchangeError.AGENCY_CUT_OFF: 403,
    ExchangeError.NOT_MODE_THREE: 409,
    ExchangeError.IDEMPOTENCY_KEY_REQUIRED: 428,
    ExchangeError.TOO_MANY_SUBSCRIPTIONS: 409,
    ExchangeError.URL_INVALID: 422,
    ExchangeError.EVENT_TYPE_UNKNOWN: 422,
    ExchangeError.ITEM_NOT_OWN: 422,
    ExchangeError.FIELD_REQUIRED: 422,
    CaseError.WRONG_STATE: 409,
    CaseError.STALE: 409,
    CaseError.REASON_REQUIRED: 422,
    CaseError.CORRECTION_EMPTY: 422,
    CaseError.CORRECTION_DUPLICATE: 422,
    CaseError.CORRECTION_NOT_CHANGED: 422,
    CaseError.MATERIAL_NOT_IN_GUIDE: 422,
    DocumentError.ACCESS_DENIED: 404,
    AgencyError.IDEMPOTENCY_KEY_INVALID: 400,
    AgencyError.IDEMPOTENCY_KEY_REUSED: 409,
}

# Refusals that mean "the case is not where you think it is": the answer carries its current state.
CONFLICTS = {CaseError.WRONG_STATE, CaseError.STALE}


class CaseConflict(TongbanError):
    """A transition refused because of the case's state: 409 with the state and lock version to resynchronise."""

    http_status = 409

    def __init__(self, refusal: TongbanError, case: Case) -> None:
        super().__init__(refusal.error, field=refusal.field, **refusal.params)
        self.case_state = case.state
        self.lock_version = case.lock_version

    def as_dict(self) -> dict[str, Any]:
        body = super().as_dict()
        body["case_state"] = self.case_state
        body["lock_version"] = self.lock_version
        return body
