"""Error codes: every refusal carries a stable code and a message in the user's language.

Each module defines its own enum of codes by subclassing :class:`ErrorCode`;
services raise :class:`TongbanError` with a member of it. Views and the API turn
the error into a form error, a message or a JSON body ``{"code", "message",
"field"}`` – they never invent their own wording.
"""

from __future__ import annotations

import enum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class ErrorCode(enum.Enum):
    """Base for per-module error enums; a member's value is ``(code, message template)``.

    The code is a stable identifier for integrators (``CATALOGUE_PROMISED_OVER_STATUTORY``);
    the template is a lazily translated string with ``{name}`` placeholders.
    """

    def __init__(self, code: str, template: str | Promise) -> None:
        self.code = code
        self.template = template

    def format(self, **params: Any) -> str:
        """The message in the active language, with its parameters filled in."""
        return str(self.template).format(**params)


class TongbanError(Exception):
    """A refusal: the use case did not happen and nothing was changed."""

    def __init__(self, error: ErrorCode, *, field: str | None = None, **params: Any) -> None:
        self.error = error
        self.field = field
        self.params = params
        super().__init__(f"{error.code}: {error.format(**params)}")

    @property
    def code(self) -> str:
        return self.error.code

    @property
    def message(self) -> str:
        return self.error.format(**self.params)

    def as_dict(self) -> dict[str, Any]:
        """The JSON body the API returns for this refusal."""
        return {"code": self.code, "message": self.message, "field": self.field}


class ValidationProblems(TongbanError):
    """Several problems found at once (bulk import, guide completeness): all are reported together."""

    def __init__(self, error: ErrorCode, problems: list[dict[str, Any]], **params: Any) -> None:
        super().__init__(error, count=len(problems), **params)
        self.problems = problems

    def as_dict(self) -> dict[str, Any]:
        body = super().as_dict()
        body["problems"] = self.problems
        return body


class CoreError(ErrorCode):
    """Why a kernel service (working-day calendar, identifiers) refused."""

    CALENDAR_YEAR_UNKNOWN = (
        "CORE_CALENDAR_YEAR_UNKNOWN",
        _("{year}年的工作日历尚未录入，无法计算工作日，请联系平台运营人员补充"),
    )
    CALENDAR_YEAR_ALREADY_KNOWN = ("CORE_CALENDAR_YEAR_ALREADY_KNOWN", _("{year}年的工作日历已经存在"))
    CALENDAR_YEAR_OUT_OF_RANGE = ("CORE_CALENDAR_YEAR_OUT_OF_RANGE", _("年份{year}超出可录入的范围"))
    CALENDAR_DAY_NAME_INVALID = (
        "CORE_CALENDAR_DAY_NAME_INVALID",
        _("请填写节假日或调休的名称（不超过{max_length}个字）"),
    )
    CALENDAR_DAY_NOT_EXCEPTION = (
        "CORE_CALENDAR_DAY_NOT_EXCEPTION",
        _("{date}按周一至周五的规则本来就是{kind}，无需登记为例外日"),
    )
    DATE_FORMAT = ("CORE_DATE_FORMAT", _("日期“{value}”格式不正确，应为 YYYY-MM-DD"))
    WORKDAY_COUNT_INVALID = (
        "CORE_WORKDAY_COUNT_INVALID",
        _("工作日天数“{value}”不正确，应为不小于 0 的整数"),
    )
    ID_NUMBER_FORMAT = ("CORE_ID_NUMBER_FORMAT", _("身份证号码应为18位，前17位为数字，最后一位为数字或X"))
    ID_NUMBER_REGION = ("CORE_ID_NUMBER_REGION", _("身份证号码的地址码“{region}”不正确"))
    ID_NUMBER_BIRTH_DATE = ("CORE_ID_NUMBER_BIRTH_DATE", _("身份证号码中的出生日期“{birth_date}”不正确"))
    ID_NUMBER_CHECKSUM = ("CORE_ID_NUMBER_CHECKSUM", _("身份证号码校验位不正确，请核对后重新输入"))
    USCC_FORMAT = (
        "CORE_USCC_FORMAT",
        _("统一社会信用代码应为18位，由数字和除I、O、S、V、Z以外的大写字母组成"),
    )
    USCC_CHECKSUM = ("CORE_USCC_CHECKSUM", _("统一社会信用代码校验位不正确，请核对后重新输入"))
