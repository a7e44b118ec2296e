"""A request's step history with its actions and states in words."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tongban.catalogue.models import RequestState, RequestStep

ACTION_LABELS: dict[str, str | Promise] = {
    "filed": _("提交申请"),
    "civil_affairs_approved": _("民政审核同意"),
    "civil_affairs_rejected": _("民政审核不同意"),
    "authority_approved": _("审改部门同意"),
    "authority_rejected": _("审改部门不同意"),
    "test_passed": _("联调测试通过"),
    "test_failed": _("联调测试未通过"),
    "resubmitted": _("整改后重新提交测试"),
    "published": _("发布上线"),
    "executed": _("运营方执行"),
    "maintenance_scheduled": _("维护已排期并公告"),
    "urgent_suspension_acknowledged": _("运营方确认紧急暂停"),
    "withdrawn": _("撤回申请"),
}


@dataclass(frozen=True)
class StepView:
    """One history row as the page shows it."""

    step: RequestStep
    action: str | Promise
    state: str | Promise


def history(steps: Iterable[RequestStep]) -> list[StepView]:
    """The steps in order with readable action and state names (unknown actions show their code)."""
    return [
        StepView(
            step,
            ACTION_LABELS.get(step.action, step.action),
            RequestState(step.to_state).label if step.to_state in RequestState.values else step.to_state,
        )
        for step in steps
    ]
