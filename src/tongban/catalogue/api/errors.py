"""API-only error codes and the HTTP status of every refusal the catalogue API can give."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tongban.agencies.services import AgencyError
from tongban.catalogue.errors import CatalogueError
from tongban.core.errors import ErrorCode
from tongban.identity.errors import IdentityError


class CatalogueApiError(ErrorCode):
    """Refusals only the API gives (candidates for ``catalogue/errors.py``)."""

    REQUEST_NOT_FOUND = ("CATALOGUE_REQUEST_NOT_FOUND", _("事项申请 {request_id} 不存在"))
    NO_DRAFT = ("CATALOGUE_NO_DRAFT", _("事项 {code} 没有待提交的草稿版本，请先导入办事指南"))
    FIELD_REQUIRED = ("CATALOGUE_FIELD_REQUIRED", _("申请“{kind}”须填写 {field_name}"))
    BODY_TOO_LARGE = (
        "CATALOGUE_BODY_TOO_LARGE",
        _("请求体超过 {limit} 字节：请分批提交，或由平台运营方使用命令行 tongban catalogue import 导入"),
    )


# HTTP status of each refusal the catalogue API can give; anything else is 400,
# or 422 for a list of problems (tongban.api).
ERROR_STATUS: dict[ErrorCode, int] = {
    CatalogueError.ITEM_NOT_FOUND: 404,
    CatalogueError.AGENCY_NOT_FOUND: 404,
    CatalogueApiError.REQUEST_NOT_FOUND: 404,
    IdentityError.LOGIN_REQUIRED: 401,
    AgencyError.TOKEN_INVALID: 401,
    IdentityError.ROLE_REQUIRED: 403,
    IdentityError.AGENCY_OUT_OF_SCOPE: 403,
    AgencyError.AGENCY_MISMATCH: 403,
    CatalogueError.REQUEST_PENDING: 409,
    CatalogueError.REQUEST_KIND_NOT_ALLOWED: 409,
    CatalogueError.REQUEST_WRONG_STATE: 409,
    CatalogueError.REQUEST_STALE: 409,
    CatalogueError.VERSION_FROZEN: 409,
    CatalogueError.DRAFT_EXISTS: 409,
    CatalogueApiError.NO_DRAFT: 409,
    AgencyError.IDEMPOTENCY_KEY_REUSED: 409,
    CatalogueError.SITUATION_UNKNOWN: 422,
    CatalogueError.MAINTENANCE_TOO_LATE: 422,
    CatalogueError.MAINTENANCE_WINDOW_INVALID: 422,
    CatalogueError.ANNOUNCEMENT_REQUIRED: 422,
    CatalogueError.REASON_REQUIRED: 422,
    CatalogueApiError.FIELD_REQUIRED: 422,
    CatalogueApiError.BODY_TOO_LARGE: 413,
}
