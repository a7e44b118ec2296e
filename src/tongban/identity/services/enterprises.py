"""Enterprise accounts and the chain of delegated authority over them (ID-4).

An enterprise is registered by its legal representative, checked against the
legal-person registry adapter by USCC and by the keyed hash of the
representative's document number (never by name). Registration creates the
root grant (legal representative, all items, no expiry). From there authority
flows down one level at a time: the legal representative grants administrators,
administrators grant operators, operators grant nothing. A grant's scope never
exceeds its parent's (see :mod:`enterprise_scopes`), nor does its expiry;
revoking a grant revokes everything granted under it.

Every change is one transaction with an audit event; refusals are
:class:`TongbanError` and change nothing. Events of things done through a grant
carry ``data["acting_for"]`` (the USCC) and ``data["grant_id"]``
(:func:`acting_audit_data`).

Acting "as the enterprise" lives in :mod:`enterprise_sessions`
(``act_as`` / ``stop_acting`` / ``current_grant``, re-exported here). **Later
modules that create things while a person acts for an enterprise (cases,
payments, …) must store the ``grant_id`` of ``current_grant(request)`` on what
they create, call :func:`authorise` before an enterprise applies for an item,
and put :func:`acting_audit_data` into their own audit events.**
"""

from __future__ import annotations

import datetime
import hmac
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.core import audit, crypto
from tongban.core.adapters import adapter
from tongban.core.errors import TongbanError
from tongban.core.identifiers import validate_uscc
from tongban.identity.adapters.base import EnterpriseStatus, RegistryUnavailable
from tongban.identity.errors import IdentityError
from tongban.identity.models import DocumentType, Enterprise, EnterpriseGrant, GrantRole, GrantScope, Person
from tongban.identity.services.enterprise_queries import GrantRow, my_grants, visible_grants
from tongban.identity.services.enterprise_scopes import (
    ItemTypeOf,
    check_items_known,
    check_within,
    covers,
    normalise_scope,
)
from tongban.identity.services.enterprise_sessions import (
    act_as,
    acting_audit_data,
    current_grant,
    require_active_chain,
    require_person,
    stop_acting,
)

__all__ = [
    "CHILD_ROLE",
    "REQUIRED_LEVEL",
    "GrantRow",
    "act_as",
    "acting_audit_data",
    "authorise",
    "current_grant",
    "grant",
    "my_grants",
    "register_enterprise",
    "revoke",
    "stop_acting",
    "visible_grants",
]

# Real-name level every member of an enterprise needs: name and document number verified (ID-1 L2).
REQUIRED_LEVEL = 2
# Who may grant which role: one level down, and operators grant nothing.
STATUS_LABELS = {
    EnterpriseStatus.ACTIVE: _("存续"), EnterpriseStatus.REVOKED: _("吊销"), EnterpriseStatus.CANCELLED: _("注销"),
}
CHILD_ROLE: dict[str, GrantRole] = {
    GrantRole.LEGAL_REPRESENTATIVE: GrantRole.ADMINISTRATOR, GrantRole.ADMINISTRATOR: GrantRole.OPERATOR,
}


def _require_level(person: Person, who: str) -> None:
    if person.real_name_level < REQUIRED_LEVEL or not person.document_number_hash:
        raise TongbanError(
            IdentityError.ENTERPRISE_LEVEL_REQUIRED, level=REQUIRED_LEVEL, who=who, current=person.real_name_level
        )


def _same_document(person: Person, document_number: str) -> bool:
    """Whether the registry's document number is the person's, compared by keyed hash in constant time.

    The registry gives the number without its kind (a resident ID, or a foreign
    representative's passport), so it is hashed under the person's own document type.
    """
    if not document_number or not person.document_type:
        return False
    expected = crypto.lookup_hash(f"document:{person.document_type}", document_number)
    return hmac.compare_digest(expected, person.document_number_hash)


@transaction.atomic
def register_enterprise(person: Person | None, uscc: str, name: str) -> Enterprise:
    """Register the enterprise ``uscc`` with ``person`` as its verified legal representative (ID-4).

    Refuses a person below level 2, a malformed USCC (``CORE_USCC_*``), a USCC
    already registered, one the registry does not know or lists as inactive, a
    name other than the registered one, and anyone but the registered legal
    representative. Creates the enterprise and its root grant.
    """
    person = require_person(person)
    _require_level(person, who="您")
    code = validate_uscc(uscc)
    name = " ".join((name or "").split())
    if not name:
        raise TongbanError(IdentityError.ENTERPRISE_NAME_REQUIRED, field="name")
    if Enterprise.objects.filter(uscc=code).exists():
        raise TongbanError(IdentityError.ENTERPRISE_ALREADY_REGISTERED, field="uscc", uscc=code)
    try:
        record = adapter("legal_person_registry").lookup(code)
    except RegistryUnavailable:
        raise TongbanError(IdentityError.ENTERPRISE_REGISTRY_UNAVAILABLE) from None
    if record is None:
        raise TongbanError(IdentityError.ENTERPRISE_UNKNOWN, field="uscc", uscc=code)
    if record.status != EnterpriseStatus.ACTIVE:
        status = STATUS_LABELS.get(record.status, str(record.status))
        raise TongbanError(IdentityError.ENTERPRISE_NOT_ACTIVE, field="uscc", name=record.name, status=status)
    if name != " ".join(record.name.split()):
        raise TongbanError(IdentityError.ENTERPRISE_NAME_MISMATCH, field="name", registered=record.name)
    # Compare the representative's document number by keyed hash, never names.
    if not _same_document(person, record.legal_representative_id_number):
        raise TongbanError(IdentityError.NOT_LEGAL_REPRESENTATIVE, field="uscc")
    now = timezone.now()
    try:
        with transaction.atomic():
            enterprise = Enterprise.objects.create(
                uscc=code, name=record.name, legal_representative=person,
                registry_reference=record.reference, verified_at=now,
            )
    except IntegrityError:
        # Someone registered the same USCC between the check and the insert.
        raise TongbanError(IdentityError.ENTERPRISE_ALREADY_REGISTERED, field="uscc", uscc=code) from None
    root = EnterpriseGrant.objects.create(
        enterprise=enterprise, person=person, role=GrantRole.LEGAL_REPRESENTATIVE, scope=GrantScope.ALL_ITEMS,
        scope_values=[], parent=None, granted_at=now, granted_by_label=record.reference or "法人库核验",
    )
    audit.record(
        "identity.enterprise.registered", actor=person.user, obj=enterprise,
        data={**acting_audit_data(root), "registry_reference": record.reference},
    )
    return enterprise


def _find_grantee(phone_or_document: str) -> Person | None:
    """The active person registered with this phone number or document number (looked up by keyed hash)."""
    value = crypto.normalise(phone_or_document or "")
    if not value:
        return None
    document_hashes = [crypto.lookup_hash(f"document:{kind}", value) for kind in DocumentType.values]
    matches = Person.objects.filter(
        Q(phone_hash=crypto.lookup_hash("phone", value)) | Q(document_number_hash__in=document_hashes),
        user__is_active=True,
    ).order_by("pk")
    return matches.first()


def _locked_held_grant(actor: Person, held: EnterpriseGrant) -> EnterpriseGrant:
    """The actor's own grant, locked and checked active along its whole chain."""
    locked = EnterpriseGrant.objects.select_for_update(of=("self",)).select_related(
        "enterprise", "parent__parent"
    ).filter(pk=held.pk).first()
    if locked is None or locked.person_id != actor.pk:
        raise TongbanError(IdentityError.GRANT_NOT_HOLDER)
    require_active_chain(locked)
    return locked


def _check_expiry(parent: EnterpriseGrant, expires_at: datetime.datetime | None) -> None:
    if expires_at is not None and expires_at <= timezone.now():
        raise TongbanError(IdentityError.GRANT_EXPIRY_IN_PAST, field="expires_at")
    if parent.expires_at is not None and (expires_at is None or expires_at > parent.expires_at):
        raise TongbanError(
            IdentityError.GRANT_EXPIRY_AFTER_PARENT, field="expires_at",
            parent_expires_at=f"{timezone.localtime(parent.expires_at):%Y-%m-%d %H:%M}",
        )


@transaction.atomic
def grant(
    actor_person: Person | None,
    parent_grant: EnterpriseGrant,
    grantee_phone_or_document: str,
    role: str,
    scope: str,
    scope_values: Iterable[str] | None = None,
    expires_at: datetime.datetime | None = None,
    *,
    item_type_of: ItemTypeOf | None = None,
) -> EnterpriseGrant:
    """Delegate part of ``parent_grant`` (held by ``actor_person``) to the person with that phone or document.

    The role is the one below the parent's (:data:`CHILD_ROLE`); the scope lies
    within the parent's; the expiry is in the future and not after the
    parent's; the grantee is an active person at level 2 other than the actor
    without another active grant under the same parent. ``item_type_of`` maps an
    implementation code to its item type (None when unknown); see
    :mod:`enterprise_scopes`.
    """
    actor = require_person(actor_person)
    parent = _locked_held_grant(actor, parent_grant)
    allowed = CHILD_ROLE.get(GrantRole(parent.role))
    if role != allowed:
        role_label = GrantRole(role).label if role in GrantRole.values else role
        raise TongbanError(
            IdentityError.GRANT_ROLE_NOT_ALLOWED, field="role", granter=GrantRole(parent.role).label, role=role_label
        )
    values = normalise_scope(scope, scope_values)
    if scope == GrantScope.ITEMS:
        check_items_known(values, item_type_of)
    check_within(parent.scope, parent.scope_values, scope, values, item_type_of)
    _check_expiry(parent, expires_at)
    grantee = _find_grantee(grantee_phone_or_document)
    if grantee is None:
        raise TongbanError(IdentityError.GRANTEE_UNKNOWN, field="grantee")
    if grantee.pk == actor.pk:
        raise TongbanError(IdentityError.GRANT_TO_SELF, field="grantee")
    _require_level(grantee, who="被授权人")
    if EnterpriseGrant.objects.active().filter(parent=parent, person=grantee).exists():
        raise TongbanError(IdentityError.GRANT_DUPLICATE, field="grantee")
    created = EnterpriseGrant.objects.create(
        enterprise=parent.enterprise, person=grantee, role=role, scope=scope, scope_values=values, parent=parent,
        granted_at=timezone.now(), granted_by_label=str(actor)[:120], expires_at=expires_at,
    )
    audit.record(
        "identity.grant.created", actor=actor.user, obj=created,
        data={
            **acting_audit_data(parent), "parent_id": parent.pk, "grantee_person_id": grantee.pk, "role": role,
            "scope": scope, "scope_values": values, "expires_at": expires_at.isoformat() if expires_at else None,
        },
    )
    return created


def _ancestors(grant_row: EnterpriseGrant) -> list[EnterpriseGrant]:
    chain = []
    current = grant_row.parent
    while current is not None:
        chain.append(current)
        current = current.parent
    return chain


@transaction.atomic
def revoke(actor_person: Person | None, target: EnterpriseGrant, reason: str) -> list[int]:
    """Revoke ``target`` and every grant under it; returns the ids revoked (ID-4).

    Only the holder of an active grant above ``target`` in its chain may revoke
    it (so the legal representative's root grant cannot be revoked here). All
    rows are locked level by level before any changes.
    """
    actor = require_person(actor_person)
    locked = EnterpriseGrant.objects.select_for_update(of=("self",)).select_related(
        "enterprise", "parent__parent"
    ).filter(pk=target.pk).first()
    if locked is None or not any(
        ancestor.person_id == actor.pk and ancestor.is_active for ancestor in _ancestors(locked)
    ):
        raise TongbanError(IdentityError.REVOKE_NOT_ALLOWED)
    holder_grant = next(ancestor for ancestor in _ancestors(locked) if ancestor.person_id == actor.pk)
    if locked.revoked_at is not None:
        raise TongbanError(IdentityError.GRANT_REVOKED)
    reason = " ".join((reason or "").split())
    if not reason:
        raise TongbanError(IdentityError.REVOKE_REASON_REQUIRED, field="reason")
    revoked_ids = [locked.pk]
    frontier = [locked.pk]
    while frontier:
        frontier = list(
            EnterpriseGrant.objects.select_for_update()
            .filter(parent_id__in=frontier, revoked_at__isnull=True).order_by("pk").values_list("pk", flat=True)
        )
        revoked_ids.extend(frontier)
    EnterpriseGrant.objects.filter(pk__in=revoked_ids).update(revoked_at=timezone.now(), revoked_reason=reason[:200])
    audit.record(
        "identity.grant.revoked", actor=actor.user, obj=locked,
        data={**acting_audit_data(holder_grant), "revoked_ids": revoked_ids, "reason": reason[:200]},
    )
    return revoked_ids


def authorise(grant_row: EnterpriseGrant, implementation_code: str, item_type: str) -> None:
    """Refuse unless ``grant_row`` is active along its chain and its scope covers the item (ID-4).

    The acceptance module calls this before an enterprise applies; ``item_type``
    is the catalogue item type of ``implementation_code``.
    """
    current = EnterpriseGrant.objects.select_related("enterprise", "parent__parent").filter(pk=grant_row.pk).first()
    if current is None:
        raise TongbanError(IdentityError.GRANT_REVOKED)
    require_active_chain(current)
    if not covers(current.scope, current.scope_values, implementation_code, item_type):
        raise TongbanError(IdentityError.GRANT_SCOPE_NOT_COVERED, item=implementation_code)
