"""The seal registry: agency seals made by the operator, applications by enterprises and persons, approval,
suspension and revocation (SEAL-1, SEAL-2)."""

from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from tongban.agencies.models import Agency
from tongban.core import audit
from tongban.core.adapters import adapter
from tongban.core.errors import TongbanError
from tongban.identity.models import Enterprise, EnterpriseGrant, GrantRole, Person, StaffRole, User
from tongban.identity.services import Actor, actor_label, holds_role, require_role
from tongban.identity.services.persons import person_of
from tongban.seals import ca, images
from tongban.seals.errors import SealError
from tongban.seals.keystore import DEFAULT_ALGORITHM, check_algorithm
from tongban.seals.models import AGENCY_KINDS, Seal, SealKind, SealStatus

APPLICATION_LEVEL = 2  # a seal binds legally: registry-verified identity at least
CAPTION = {SealKind.AGENCY_OFFICIAL: "", SealKind.AGENCY_BUSINESS: "业务专用章", SealKind.ENTERPRISE: ""}


def _image(kind: str, name: str, caption: str = "") -> bytes:
    if kind == SealKind.PERSONAL:
        return images.name_stamp(name)
    return images.round_seal(name, caption or CAPTION.get(SealKind(kind), ""))


def _audit(action: str, actor: Actor, seal: Seal, **data: object) -> None:
    audit.record(f"seals.seal.{action}", actor=actor if isinstance(actor, User) else None,
                 agency_id=seal.agency_id, obj=seal, data={"kind": seal.kind, "status": seal.status, **data})


def _activate(seal: Seal) -> None:
    """Create the seal's key in the key store and its certificate under the platform CA."""
    store = adapter("seal_key_store")
    seal.key_id = store.generate(seal.algorithm)
    now = timezone.now()
    serial = x509.random_serial_number()  # the key id is the key store's business (an HSM's may not be hex)
    holder = seal.holder_label or seal.name
    certificate = ca.authority().issue(
        store.public_key(seal.key_id), common_name=seal.name, organisation=holder, serial=serial, not_before=now,
    )
    seal.certificate_pem = certificate.public_bytes(serialization.Encoding.PEM).decode()
    seal.certificate_serial = format(serial, "x")
    seal.status = SealStatus.ACTIVE
    seal.activated_at = now
    seal.status_changed_at = now


@transaction.atomic
def create_agency_seal(actor: Actor, agency: Agency, *, kind: str = SealKind.AGENCY_OFFICIAL, name: str = "",
                       caption: str = "", algorithm: str = DEFAULT_ALGORITHM) -> Seal:
    """The operator makes an agency's seal (公章 or 业务专用章); it is active at once (SEAL-1)."""
    if actor is not None:
        require_role(actor, StaffRole.PLATFORM_OPERATOR)
    if kind not in AGENCY_KINDS:
        raise TongbanError(SealError.OWNER_INVALID, kind=kind)
    check_algorithm(algorithm)
    seal = Seal(kind=kind, name=(name or agency.name).strip(), agency=agency, algorithm=algorithm,
                applied_by_label=actor_label(actor), applied_at=timezone.now(), decided_by_label=actor_label(actor))
    seal.image_png = _image(kind, seal.name, caption)
    _activate(seal)
    seal.save()
    _audit("created", actor, seal, name=seal.name)
    return seal


def _enterprise_managers(enterprise: Enterprise) -> QuerySet[EnterpriseGrant]:
    return EnterpriseGrant.objects.active().filter(
        enterprise=enterprise, role__in=[GrantRole.LEGAL_REPRESENTATIVE, GrantRole.ADMINISTRATOR]
    )


def _manages(person: Person, enterprise: Enterprise) -> bool:
    return _enterprise_managers(enterprise).filter(person=person).exists()


@transaction.atomic
def apply(actor: Actor, *, kind: str, enterprise: Enterprise | None = None,
          algorithm: str = DEFAULT_ALGORITHM) -> Seal:
    """An enterprise (its legal representative or an administrator) or a person applies online (SEAL-2)."""
    person = person_of(actor)
    if person.real_name_level < APPLICATION_LEVEL:
        raise TongbanError(SealError.LEVEL_TOO_LOW, required=APPLICATION_LEVEL, current=person.real_name_level)
    check_algorithm(algorithm)
    if kind == SealKind.ENTERPRISE:
        if enterprise is None or not _manages(person, enterprise):
            raise TongbanError(SealError.ENTERPRISE_NOT_HELD)
        seal = Seal(kind=kind, name=enterprise.name, enterprise=enterprise)
        pending = Seal.objects.filter(enterprise=enterprise, status=SealStatus.PENDING)
    elif kind == SealKind.PERSONAL and enterprise is None:
        seal = Seal(kind=kind, name=person.full_name or str(person), person=person)
        pending = Seal.objects.filter(person=person, kind=kind, status=SealStatus.PENDING)
    else:
        raise TongbanError(SealError.OWNER_INVALID, kind=kind)
    if pending.exists():
        raise TongbanError(SealError.DUPLICATE_PENDING)
    seal.algorithm = algorithm
    seal.applied_by_label = actor_label(actor)
    seal.applied_at = timezone.now()
    seal.image_png = _image(kind, seal.name)
    seal.save()
    _audit("applied", actor, seal, name=seal.name)
    return seal


def _locked(seal: Seal, allowed: set[str], action: str) -> Seal:
    seal = Seal.objects.select_for_update().get(pk=seal.pk)
    if seal.status not in allowed:
        raise TongbanError(SealError.WRONG_STATUS, name=seal.name, status=seal.get_status_display(), action=action)
    return seal


@transaction.atomic
def approve(actor: Actor, seal: Seal) -> Seal:
    """The operator approves an application: the key and certificate are made and the seal is active."""
    require_role(actor, StaffRole.PLATFORM_OPERATOR)
    seal = _locked(seal, {SealStatus.PENDING}, "审核")
    seal.decided_by_label = actor_label(actor)
    _activate(seal)
    seal.save()
    _audit("approved", actor, seal)
    return seal


@transaction.atomic
def reject(actor: Actor, seal: Seal, reason: str) -> Seal:
    """The operator turns an application down, saying why."""
    require_role(actor, StaffRole.PLATFORM_OPERATOR)
    if not reason.strip():
        raise TongbanError(SealError.REASON_REQUIRED, field="reason")
    seal = _locked(seal, {SealStatus.PENDING}, "审核")
    seal.status, seal.status_reason = SealStatus.REJECTED, reason.strip()[:200]
    seal.decided_by_label, seal.status_changed_at = actor_label(actor), timezone.now()
    seal.save()
    _audit("rejected", actor, seal, reason=seal.status_reason)
    return seal


def _require_manager(actor: Actor, seal: Seal) -> None:
    """The operator manages every seal; a holder manages their own personal or enterprise seal (SEAL-2)."""
    if holds_role(actor, StaffRole.PLATFORM_OPERATOR):
        return
    if seal.kind in AGENCY_KINDS:
        require_role(actor, StaffRole.PLATFORM_OPERATOR)
    person = person_of(actor)
    owns = seal.person_id == person.pk if seal.kind == SealKind.PERSONAL else (
        seal.enterprise is not None and _manages(person, seal.enterprise))
    if not owns:
        raise TongbanError(SealError.NOT_YOUR_SEAL)


def _change(actor: Actor, seal: Seal, allowed: set[str], to_status: str, action: str, verb: str,
            reason: str) -> Seal:
    _require_manager(actor, seal)
    if to_status != SealStatus.ACTIVE and not reason.strip():
        raise TongbanError(SealError.REASON_REQUIRED, field="reason")
    seal = _locked(seal, allowed, verb)
    seal.status, seal.status_reason = to_status, reason.strip()[:200]
    seal.status_changed_at = timezone.now()
    seal.save()
    _audit(action, actor, seal, reason=seal.status_reason)
    return seal


@transaction.atomic
def suspend(actor: Actor, seal: Seal, reason: str) -> Seal:
    """Stop a seal for a while (lost device, dispute); it signs nothing until reinstated."""
    return _change(actor, seal, {SealStatus.ACTIVE}, SealStatus.SUSPENDED, "suspended", "暂停", reason)


@transaction.atomic
def reinstate(actor: Actor, seal: Seal) -> Seal:
    """Bring a suspended seal back into use."""
    return _change(actor, seal, {SealStatus.SUSPENDED}, SealStatus.ACTIVE, "reinstated", "恢复", "")


@transaction.atomic
def revoke(actor: Actor, seal: Seal, reason: str) -> Seal:
    """Revoke a seal for good; documents it signed before stay valid, new signatures are refused."""
    return _change(actor, seal, {SealStatus.ACTIVE, SealStatus.SUSPENDED}, SealStatus.REVOKED, "revoked",
                   "注销", reason)


def seals_of(person: Person) -> QuerySet[Seal]:
    """The person's own signatures and the seals of the enterprises they manage (SEAL-2)."""
    enterprises = EnterpriseGrant.objects.active().filter(
        person=person, role__in=[GrantRole.LEGAL_REPRESENTATIVE, GrantRole.ADMINISTRATOR]
    ).values("enterprise_id")
    return Seal.objects.filter(Q(person=person) | Q(enterprise_id__in=enterprises)).order_by("-applied_at")


def agency_seal(agency: Agency) -> Seal | None:
    """The active seal an agency signs its results with: its business seal if it has one, else its official seal."""
    seals = list(Seal.objects.filter(agency=agency, status=SealStatus.ACTIVE).order_by("-activated_at"))
    business = [s for s in seals if s.kind == SealKind.AGENCY_BUSINESS]
    chosen = business or seals
    return chosen[0] if chosen else None
