"""Enumerations of the case module; their values appear in the API and the webhooks."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """PLAT-1: where the application came in."""

    PC = "pc", _("PC 门户")
    MOBILE = "mobile", _("移动端")
    KIOSK = "kiosk", _("自助终端")
    COUNTER = "counter", _("窗口代办")
    AGENCY_SYSTEM = "agency_system", _("部门业务系统")


class CaseState(models.TextChoices):
    """The life of a case (DESIGN.md "The main flow")."""

    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    PRE_REVIEWED = "pre_reviewed", _("预审通过")
    CORRECTION_REQUESTED = "correction_requested", _("待补正")
    ACCEPTED = "accepted", _("已受理")
    REFUSED = "refused", _("不予受理")
    UNDER_REVIEW = "under_review", _("审查中")
    APPROVED = "approved", _("准予许可")
    DENIED = "denied", _("不予许可")
    AWAITING_PAYMENT = "awaiting_payment", _("待缴费")
    FEE_PAID = "fee_paid", _("已缴费")
    RESULT_ISSUED = "result_issued", _("已出证")
    DELIVERED = "delivered", _("已送达")
    CONCLUDED = "concluded", _("已办结")
    WITHDRAWN = "withdrawn", _("已撤回")


FINAL_STATES = {CaseState.REFUSED, CaseState.CONCLUDED, CaseState.WITHDRAWN}
# The applicant may withdraw until the agency has decided.
WITHDRAWABLE_STATES = {
    CaseState.DRAFT, CaseState.SUBMITTED, CaseState.PRE_REVIEWED, CaseState.CORRECTION_REQUESTED,
    CaseState.ACCEPTED, CaseState.UNDER_REVIEW,
}


class MaterialProvision(models.TextChoices):
    """How a material of the guide was provided (CASE-5, CASE-8)."""

    UPLOADED = "uploaded", _("上传")
    FROM_LIBRARY = "from_library", _("材料库复用")
    FETCHED_LICENCE = "fetched_licence", _("电子证照调取")
    FETCHED_SHARED_DATA = "fetched_shared_data", _("数据共享获取")
    COMMITMENT = "commitment", _("告知承诺")
    PAPER_AT_COUNTER = "paper_at_counter", _("窗口收取纸质材料")


class RetentionClass(models.TextChoices):
    """Archive retention periods the archive module applies to a case's result."""

    PERMANENT = "permanent", _("永久")
    THIRTY_YEARS = "30y", _("30年")
    TEN_YEARS = "10y", _("10年")


class DeadlineStatus(models.TextChoices):
    """Where a running limit stands; stored, not recomputed on every read."""

    ON_TIME = "on_time", _("正常")
    WARNING = "warning", _("预警")
    OVERDUE = "overdue", _("超期")
    PAUSED = "paused", _("暂停计时（补正中）")
    NONE = "none", _("无时限")
