"""The holder's wallet (LIC-1, LIC-3): their licences, other regions' licences gathered under their ID number,
and every use; plus the holder check shared by the other services."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tongban.core.errors import TongbanError
from tongban.identity.models import EnterpriseGrant, GrantRole, Person
from tongban.identity.services import Actor
from tongban.identity.services.persons import person_of
from tongban.licences.errors import LicenceError
from tongban.licences.models import ForeignLicence, Licence, LicenceUse


def _managed_enterprises(person: Person) -> QuerySet[EnterpriseGrant, int]:
    return EnterpriseGrant.objects.active().filter(
        person=person, role__in=[GrantRole.LEGAL_REPRESENTATIVE, GrantRole.ADMINISTRATOR]
    ).values_list("enterprise_id", flat=True)


def licences_of(person: Person) -> QuerySet[Licence]:
    """The person's licences and those of the enterprises they represent or administer, newest first."""
    return Licence.objects.filter(
        Q(holder_person=person) | Q(holder_enterprise_id__in=_managed_enterprises(person))
    ).select_related("licence_type", "holder_enterprise").order_by("-issued_at")


def foreign_licences_of(person: Person) -> QuerySet[ForeignLicence]:
    """Other regions' licences matched to the person by the keyed hash of their ID number (LIC-4)."""
    if not person.document_number_hash:
        return ForeignLicence.objects.none()
    return ForeignLicence.objects.filter(holder_id_hash=person.document_number_hash).select_related(
        "issuer").order_by("-imported_at")


def own_licence(actor: Actor, licence: Licence | str) -> Licence:
    """The licence if the acting person holds it (or administers the holding enterprise); else refused."""
    person = person_of(actor)
    number = licence if isinstance(licence, str) else licence.number
    found = licences_of(person).filter(number=number).first()
    if found is None:
        raise TongbanError(LicenceError.NOT_YOUR_LICENCE)
    return found


def uses_of(licence: Licence) -> QuerySet[LicenceUse]:
    """The licence's use history, newest first."""
    return licence.uses.order_by("-used_at")
