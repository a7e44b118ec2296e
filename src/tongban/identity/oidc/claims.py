"""What an ID token and the userinfo answer say about a person (ID-2), and what the consent page shows.

Claims, by the scope that releases them:

* ``openid``: ``sub`` (pairwise: a keyed hash of the account under the client's
  sector, so two agencies cannot join their records on it and the database key
  never leaves the platform), ``acr`` (``urn:tongban:level:N``),
  ``real_name_level`` (N as an integer) and ``amr`` (how the person logged in,
  when the login page recorded it);
* ``profile``: ``name``, only from level 2 (a name matched against a registry);
* ``phone``: ``phone_number`` (E.164) and ``phone_number_verified``;
* ``enterprise``: when the person acts for an enterprise (ID-4) under a grant
  still active along its whole chain: ``uscc``, ``enterprise_name``,
  ``grant_role`` and ``grant_scope`` ``{"kind", "values"}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import AbstractApplication

from tongban.core import crypto
from tongban.core.errors import TongbanError
from tongban.core.identifiers import mask_phone
from tongban.identity.models import EnterpriseGrant, GrantRole, GrantScope, OidcClient, Person, User
from tongban.identity.services.enterprise_sessions import require_active_chain

ACR_PREFIX = "urn:tongban:level:"
# The applicant login views record how the person proved who they are (RFC 8176 values: "sms", "pwd", "otp", "face").
AUTHENTICATION_METHODS_SESSION_KEY = "authentication_methods"
NAME_MINIMUM_LEVEL = 2
SUBJECT_PURPOSE = "oidc-subject"

CLAIM_SCOPES = {
    "sub": "openid",
    "acr": "openid",
    "amr": "openid",
    "real_name_level": "openid",
    "name": "profile",
    "phone_number": "phone",
    "phone_number_verified": "phone",
    "uscc": "enterprise",
    "enterprise_name": "enterprise",
    "grant_role": "enterprise",
    "grant_scope": "enterprise",
}


def acr_for(level: int) -> str:
    """The ``acr`` value of a real-name level: ``urn:tongban:level:2``."""
    return f"{ACR_PREFIX}{level}"


def sector_of(application: AbstractApplication) -> str:
    """Whose records a subject identifier may be joined in: the client's agency, else the client alone."""
    registration = OidcClient.objects.filter(application_id=application.pk).select_related("agency").first()
    if registration is not None and registration.agency is not None:
        return f"agency:{registration.agency.code}"
    return f"client:{application.client_id}"


def subject(user: User, sector: str) -> str:
    """The pairwise ``sub``: stable for one person and one sector, unrelated across sectors, never the database key."""
    # lookup_hash upper-cases its input and client ids are case-sensitive: hex keeps every sector distinct.
    return crypto.lookup_hash(SUBJECT_PURPOSE, f"{sector.encode('utf-8').hex()}|{user.pk}")


def person_of(user: User) -> Person | None:
    """The person profile of an account, or None (a staff account without one)."""
    return Person.objects.filter(user_id=user.pk).first()


def active_enterprise_grant(grant_row: EnterpriseGrant | None, user: User) -> EnterpriseGrant | None:
    """``grant_row`` if it is the user's and active along its whole chain now, else None (acting as oneself)."""
    if grant_row is None:
        return None
    fresh = (
        EnterpriseGrant.objects.select_related("enterprise", "person", "parent__parent")
        .filter(pk=grant_row.pk, person__user_id=user.pk).first()
    )
    if fresh is None:
        return None
    try:
        require_active_chain(fresh)
    except TongbanError:
        return None
    return fresh


def e164(phone: str) -> str:
    """A mainland mobile number in E.164 form (``+8613800138000``); other forms are kept as they are."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if phone.startswith("+"):
        return f"+{digits}"
    return f"+86{digits}" if len(digits) == 11 else phone


def claims_for(user: User, *, sector: str, enterprise_grant: EnterpriseGrant | None,
               authentication_methods: list[str]) -> dict[str, Any]:
    """Every claim about ``user``; the validator releases those whose scope was granted (``CLAIM_SCOPES``)."""
    person = person_of(user)
    level = person.real_name_level if person is not None else 0
    claims: dict[str, Any] = {
        "sub": subject(user, sector),
        "acr": acr_for(level),
        "real_name_level": level,
    }
    if authentication_methods:
        claims["amr"] = list(authentication_methods)
    if person is not None and level >= NAME_MINIMUM_LEVEL and person.full_name:
        claims["name"] = person.full_name
    if person is not None and person.phone_encrypted:
        claims["phone_number"] = e164(person.phone)
        claims["phone_number_verified"] = level >= 1
    grant_row = active_enterprise_grant(enterprise_grant, user)
    if grant_row is not None:
        claims.update({
            "uscc": grant_row.enterprise.uscc,
            "enterprise_name": grant_row.enterprise.name,
            "grant_role": grant_row.role,
            "grant_scope": {"kind": grant_row.scope, "values": list(grant_row.scope_values or [])},
        })
    return claims


@dataclass(frozen=True)
class SharedItem:
    """One line of the consent page: what is shared and its value as the client will receive it."""

    label: str
    value: str


def shared_items(user: User, scopes: list[str], enterprise_grant: EnterpriseGrant | None) -> list[SharedItem]:
    """What the consent page lists for ``scopes``: the holder sees their own data (the phone masked on screen)."""
    person = person_of(user)
    level = person.real_name_level if person is not None else 0
    items = [
        SharedItem(str(_("平台账号标识")), str(_("仅供该接入单位使用的匿名编号，不含您的证件号码"))),
        SharedItem(str(_("实名等级")), f"L{level}"),
    ]
    if "profile" in scopes:
        name = person.full_name if person is not None and level >= NAME_MINIMUM_LEVEL else ""
        items.append(SharedItem(str(_("姓名")), name or str(_("未实名核验，不提供"))))
    if "phone" in scopes:
        phone = person.phone if person is not None and person.phone_encrypted else ""
        items.append(SharedItem(str(_("手机号码")), mask_phone(phone) if phone else str(_("未登记，不提供"))))
    if "enterprise" in scopes:
        if enterprise_grant is None:
            items.append(SharedItem(str(_("代表企业")), str(_("您当前以个人身份办事，不提供企业信息"))))
        else:
            enterprise = enterprise_grant.enterprise
            items.append(SharedItem(str(_("代表企业")), f"{enterprise.name}（{enterprise.uscc}）"))
            items.append(SharedItem(str(_("授权角色")), str(GrantRole(enterprise_grant.role).label)))
            scope_text = str(GrantScope(enterprise_grant.scope).label)
            if enterprise_grant.scope_values:
                scope_text += "：" + "、".join(str(value) for value in enterprise_grant.scope_values)
            items.append(SharedItem(str(_("授权范围")), scope_text))
    return items
