"""Enumerations of the catalogue; their values appear in the import format and the API."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemType(models.TextChoices):
    """Item types of ITEM-1: the administrative-power types and public service."""

    LICENSING = "licensing", _("行政许可")
    CONFIRMATION = "confirmation", _("行政确认")
    ADJUDICATION = "adjudication", _("行政裁决")
    BENEFIT = "benefit", _("行政给付")
    REWARD = "reward", _("行政奖励")
    FILING = "filing", _("行政备案")
    OTHER_POWER = "other_power", _("其他行政权力")
    PUBLIC_SERVICE = "public_service", _("公共服务")

    @property
    def code_prefix(self) -> str:
        """The two digits that open a basic code of this type."""
        return f"{list(ItemType).index(self) + 1:02d}"

    @property
    def is_administrative_power(self) -> bool:
        return self != ItemType.PUBLIC_SERVICE


class PublicServiceField(models.TextChoices):
    """Fields of public-service items (ITEM-1)."""

    EDUCATION = "education", _("教育")
    EMPLOYMENT = "employment", _("就业")
    SOCIAL_INSURANCE = "social_insurance", _("社会保险")
    HEALTH = "health", _("医疗卫生")
    ELDERLY_CARE = "elderly_care", _("养老服务")
    SOCIAL_SERVICES = "social_services", _("社会服务")
    HOUSING = "housing", _("住房保障")
    CULTURE_SPORT = "culture_sport", _("文化体育")
    DISABILITY = "disability", _("残疾人服务")
    OTHER = "other", _("其他公共服务")


class ItemStatus(models.TextChoices):
    """Where an implementation stands in its life."""

    DRAFT = "draft", _("未上线")
    IN_SERVICE = "in_service", _("运行中")
    SUSPENDED = "suspended", _("已暂停")
    TERMINATED = "terminated", _("已终止")


class VersionState(models.TextChoices):
    """A guide version is edited as a draft, then frozen for good once it enters the lifecycle."""

    DRAFT = "draft", _("草稿")
    IN_REVIEW = "in_review", _("审核中")
    PUBLISHED = "published", _("现行")
    SUPERSEDED = "superseded", _("已被替代")
    REJECTED = "rejected", _("未通过")


class LimitUnit(models.TextChoices):
    """Units a guide states a time limit in; real guides use all three."""

    WORKING_DAYS = "working_days", _("工作日")
    CALENDAR_DAYS = "calendar_days", _("自然日")
    ON_THE_SPOT = "on_the_spot", _("当场办结")


class HandlingKind(models.TextChoices):
    """即办件 are concluded on the spot; 承诺件 within the promised limit."""

    ON_THE_SPOT = "on_the_spot", _("即办件")
    PROMISED = "promised", _("承诺件")


class OnlineDepth(models.TextChoices):
    """How far the item can be handled online."""

    FULL_ONLINE = "full_online", _("全程网办")
    ONLINE_PREREVIEW = "online_prereview", _("网上预审")
    COUNTER = "counter", _("窗口办理")


class IntegrationMode(models.IntegerChoices):
    """PLAT-3: mode 2 is handled inside the platform; mode 3 in the agency's own system."""

    PLATFORM = 2, _("模式二：平台内办理")
    AGENCY_SYSTEM = 3, _("模式三：对接部门业务系统")


class ApplicantKind(models.TextChoices):
    """Who may apply."""

    PERSON = "person", _("自然人")
    FOREIGNER = "foreigner", _("外国人")
    ENTERPRISE = "enterprise", _("法人及其他组织")


class RealNameLevel(models.IntegerChoices):
    """The real-name level an item demands of its applicant (identity issue fills the levels in)."""

    L1 = 1, _("L1 手机验证")
    L2 = 2, _("L2 实名核验")
    L3 = 3, _("L3 实人认证")
    L4 = 4, _("L4 线下核验")


class MaterialSource(models.TextChoices):
    """Where a material comes from (来源渠道)."""

    APPLICANT = "applicant", _("申请人自备")
    GOVERNMENT = "government", _("政府部门核发")
    OTHER_ORGANISATION = "other_organisation", _("其他机构出具")
    AGENCY_FORM = "agency_form", _("本机关提供（申请表）")


class MaterialMedium(models.TextChoices):
    """The form a material is submitted in."""

    ORIGINAL = "original", _("原件")
    COPY = "copy", _("复印件")
    ORIGINAL_AND_COPY = "original_and_copy", _("原件和复印件")
    ELECTRONIC = "electronic", _("电子材料")


class ResultKind(models.TextChoices):
    """What the applicant receives at the end."""

    LICENCE = "licence", _("证照")
    APPROVAL_DOCUMENT = "approval_document", _("批准文书")
    CERTIFICATE = "certificate", _("证明")
    PAYMENT = "payment", _("给付")
    FILING_RECEIPT = "filing_receipt", _("备案回执")
    OTHER = "other", _("其他")


class DeliveryMethod(models.TextChoices):
    """How the result reaches the applicant."""

    PICKUP = "pickup", _("窗口领取")
    COURIER = "courier", _("快递送达")
    ELECTRONIC = "electronic", _("电子送达")


class LifeEventKind(models.TextChoices):
    """ITEM-11: personal events (≥ 3 situations) and enterprise life-cycle events (≥ 3 items)."""

    PERSONAL = "personal", _("个人一件事")
    ENTERPRISE = "enterprise", _("企业一件事")
