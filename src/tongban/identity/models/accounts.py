"""Accounts and agency-scoped staff roles."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """Every account of the platform. Applicants have a :class:`Person` profile; staff hold roles.

    One person may be both (a civil servant is also a citizen); the staff side
    needs a second factor, the applicant side a real-name level.
    """

    display_name = models.CharField(_("姓名"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")

    def __str__(self) -> str:
        return self.display_name or self.username


class StaffRole(models.TextChoices):
    """Workbench roles (PLAT-4). A role is always held at one agency."""

    AGENCY_ADMIN = "agency_admin", _("单位管理员")
    CATALOGUE_AUTHORITY = "catalogue_authority", _("审改部门")
    CIVIL_AFFAIRS_REVIEWER = "civil_affairs_reviewer", _("民政审核")
    PLATFORM_OPERATOR = "platform_operator", _("平台运营（大数据中心）")
    SUPERVISOR = "supervisor", _("监督考核（市政府办公厅）")
    COUNTER_STAFF = "counter_staff", _("窗口人员")
    CASE_OFFICER = "case_officer", _("受理审查人员")
    APPROVER = "approver", _("审批决定人员")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")


class RoleAssignment(models.Model):
    """A staff member holds ``role`` at ``agency``; the role covers that agency and its whole subtree."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("角色"), max_length=32, choices=StaffRole.choices)
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="role_assignments"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "agency"], name="identity_role_once_per_agency")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.agency}"
