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
