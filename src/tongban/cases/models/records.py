"""Records that outlive the workflow: correction notices, decisions, commitments and their verification."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.cases.models.cases import Case


class CorrectionNotice(models.Model):
    """A one-time correction notice (一次性告知, CASE-3): every defect at once, each tied to a guide material."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="correction_notices")
    issued_at = models.DateTimeField(_("告知时间"))
    issued_by_label = models.CharField(max_length=120)
    note = models.TextField(_("说明"), blank=True)
    answered_at = models.DateTimeField(_("补正时间"), null=True, blank=True)

    class Meta:
        ordering = ["case_id", "issued_at", "id"]
        verbose_name = _("一次性告知书")
        verbose_name_plural = _("一次性告知书")

    def __str__(self) -> str:
        return f"{self.case} {self.issued_at:%Y-%m-%d}"


class CorrectionItem(models.Model):
    """One defective or missing material named in a notice, with what is wrong."""

    notice = models.ForeignKey(CorrectionNotice, on_delete=models.CASCADE, related_name="items")
    guide_material = models.ForeignKey("catalogue.Material", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("补正要求"), max_length=300)

    def __str__(self) -> str:
        return f"{self.guide_material}: {self.reason}"


class DecisionOutcome(models.TextChoices):
    APPROVED = "approved", _("准予")
    DENIED = "denied", _("不予准予")
    REFUSED = "refused", _("不予受理")


class Decision(models.Model):
    """A decision record: the outcome with its dates and reasons and, against the applicant, the remedies.

    Administrative reconsideration may be applied for within 60 days and
    litigation brought within 6 months of learning of the decision (行政复议法
    第二十条, 行政诉讼法 第四十六条); the deadlines are stored with the notice.
    """

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="decision")
    outcome = models.CharField(_("决定"), max_length=16, choices=DecisionOutcome.choices)
    decided_on = models.DateField(_("决定日期"))
    effective_on = models.DateField(_("生效日期"), null=True, blank=True)
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)
    reasons = models.TextField(_("理由"))
    decided_by_label = models.CharField(max_length=120)
    remedy_notice = models.TextField(_("救济途径告知"), blank=True)
    reconsideration_deadline = models.DateField(_("行政复议期限"), null=True, blank=True)
    litigation_deadline = models.DateField(_("行政诉讼期限"), null=True, blank=True)

    class Meta:
        verbose_name = _("决定")
        verbose_name_plural = _("决定")

    def __str__(self) -> str:
        return f"{self.case} {self.get_outcome_display()}"


class Commitment(models.Model):
    """A notice-and-commitment (告知承诺, CASE-8): signed instead of the named proofs."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="commitment")
    text = models.TextField(_("承诺内容"))
    replaced_materials = models.ManyToManyField("catalogue.Material", related_name="+")
    signed_at = models.DateTimeField(_("签署时间"))
    signed_by_label = models.CharField(max_length=120)

    def __str__(self) -> str:
        return f"{self.case} 承诺"


class VerificationState(models.TextChoices):
    OPEN = "open", _("待核查")
    CONFIRMED = "confirmed", _("核查属实")
    BREACHED = "breached", _("承诺不实")


class PostVerificationTask(models.Model):
    """The agency's duty to verify a commitment afterwards, with its own deadline."""

    commitment = models.OneToOneField(Commitment, on_delete=models.CASCADE, related_name="verification")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="verification_tasks")
    due_on = models.DateField(_("核查期限"))
    state = models.CharField(max_length=16, choices=VerificationState.choices, default=VerificationState.OPEN)
    finding = models.TextField(_("核查结论"), blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.commitment.case} 核查"
