"""Licences used as application materials (LIC-2, CASE-5): with the holder's consent, recorded with the case.

Cases calls :func:`use_for_case` when the applicant chooses "use my licence"
for a material whose guide names a licence type; the applicant uploads
nothing. The holder's valid licence of the type is found (their own, an
enterprise's they act for, or another region's gathered under their ID
number), the consent and use are recorded, and its number goes back to cases
as the material's reference.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tongban.core.errors import TongbanError
from tongban.identity.models import Enterprise
from tongban.identity.services import Actor, actor_label
from tongban.identity.services.persons import person_of
from tongban.licences.errors import LicenceError
from tongban.licences.models import HolderKind, Licence, LicenceType, LicenceUse, LicenceUsePurpose
from tongban.licences.services.wallet import foreign_licences_of


def _unexpired(today: datetime.date) -> Q:
    return Q(valid_until__isnull=True) | Q(valid_until__gte=today)


@transaction.atomic
def use_for_case(actor: Actor, licence_type_code: str, *, case_number: str, material_code: str, consent: bool,
                 enterprise: Enterprise | None = None) -> str:
    """Record the holder's consented use of their valid licence of the type for a case; returns its number."""
    person = person_of(actor)
    if not consent:
        raise TongbanError(LicenceError.CONSENT_REQUIRED, field="consent")
    today, now = timezone.localdate(), timezone.now()
    held_by_enterprise = LicenceType.objects.filter(code=licence_type_code, holder_kind=HolderKind.ENTERPRISE).exists()
    if not held_by_enterprise:
        enterprise = None  # a person's licence (e.g. the ID card) is the applicant's own even when filing for a firm
    holder = Q(holder_enterprise=enterprise) if enterprise is not None else Q(holder_person=person)
    licence = (Licence.objects.filter(holder, licence_type__code=licence_type_code, revoked_at__isnull=True)
               .filter(_unexpired(today)).order_by("-issued_at").first())
    use = LicenceUse(purpose=LicenceUsePurpose.CASE_MATERIAL, case_number=case_number[:32],
                     material_code=material_code[:16], consented_at=now, actor_label=actor_label(actor), used_at=now)
    if licence is not None:
        use.licence = licence
        use.save()
        return licence.number
    foreign = None
    if enterprise is None:
        foreign = (foreign_licences_of(person).filter(licence_type_code=licence_type_code)
                   .filter(_unexpired(today), issuer__withdrawn_at__isnull=True).first())
    if foreign is not None:
        use.foreign_licence = foreign
        use.save()
        return f"{foreign.issuer.key_id}/{foreign.number}"
    name = LicenceType.objects.filter(code=licence_type_code).values_list("name", flat=True).first()
    raise TongbanError(LicenceError.NONE_HELD, type=name or licence_type_code)
