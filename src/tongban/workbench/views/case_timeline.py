"""A case's timeline (CaseEvent rows) with its actions and states in words."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tongban.cases.models import CaseEvent, CaseState

ACTION_LABELS: dict[str, str | Promise] = {
    "draft_started": _("开始填报"),
    "submitted": _("提交申请"),
    "pre_reviewed": _("预审通过"),
    "accepted": _("受理"),
    "refused": _("不予受理"),
    "correction_requested": _("一次性告知补正"),
    "correction_answered": _("提交补正"),
    "review_started": _("开始审查"),
    "approved": _("准予许可"),
    "denied": _("不予许可"),
    "result_issued": _("出具结果"),
    "delivered": _("送达"),
    "concluded": _("办结"),
    "withdrawn": _("申请人撤回"),
}


@dataclass(frozen=True)
class TimelineEntry:
    """One timeline row as the page shows it."""

    event: CaseEvent
    action: str | Promise
    state: str | Promise


def _state_label(value: str) -> str | Promise:
    return CaseState(value).label if value in CaseState.values else value


def timeline(events: Iterable[CaseEvent]) -> list[TimelineEntry]:
    """The events in order with readable action and state names (unknown actions show their code)."""
    return [TimelineEntry(event, ACTION_LABELS.get(event.action, event.action), _state_label(event.to_state))
            for event in events]
