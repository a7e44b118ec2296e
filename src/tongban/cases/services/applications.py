"""Applying (CASE-1, CASE-5, CASE-6, CASE-8, PLAT-1, ITEM-13): drafts, materials, commitment, submission.

The applicant (or counter staff on the applicant's behalf) starts a draft for a
published item, fills the form generated from the version's JSON Schema,
answers the situation questions, provides each material the answers call for
(upload, reuse from the library, fetched by the platform, or a commitment),
and submits. Submission checks everything at once and starts the clock.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from tongban.agencies.models import Agency, AgencyLevel
from tongban.cases.errors import CaseError
from tongban.cases.models import (
    Case,
    CaseMaterial,
    CaseState,
    Channel,
    Commitment,
    DocumentVersion,
    MaterialProvision,
    PostVerificationTask,
)
from tongban.cases.services import deadlines
from tongban.cases.services.events import record_event
from tongban.cases.services.form_problems import form_problems
from tongban.catalogue.models import ItemVersion, Material, ServiceItem
from tongban.catalogue.models.choices import OnlineDepth
from tongban.catalogue.services.lifecycle import accepting_refusal_reason
from tongban.core import audit
from tongban.core.errors import TongbanError, ValidationProblems
from tongban.core.workdays import add_workdays
from tongban.identity.models import EnterpriseGrant, Person, StaffRole, User
from tongban.identity.services import Actor, actor_label, holds_role, require_role
from tongban.identity.services.enterprises import authorise
from tongban.licences.services import uses as licence_uses

POST_VERIFICATION_DAYS = 20  # working days the agency has to verify a commitment afterwards


def new_case_number() -> str:
    """``TB`` + date + 8 random base-32 characters: unguessable, sortable by day, no central counter."""
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    return f"TB{timezone.localdate():%Y%m%d}" + "".join(secrets.choice(alphabet) for _ in range(8))


def _person_of(actor: Actor) -> Person:
    person = getattr(actor, "person", None) if actor is not None and actor.is_authenticated else None
    if person is None:
        raise TongbanError(CaseError.NOT_A_PERSON)
    return person


def _check_item(item: ServiceItem, applicant: Person, loaded: ItemVersion | None = None) -> None:
    # The case's own version is usually the published one: no need to read it again.
    version = loaded if loaded is not None and loaded.pk == item.published_version_id else item.published_version
    reason = accepting_refusal_reason(item)
    if item.agency.is_cut_off:
        raise TongbanError(CaseError.AGENCY_CUT_OFF, agency=item.agency.name, reason=item.agency.cut_off_reason)
    if reason is not None or version is None:
        raise TongbanError(CaseError.ITEM_NOT_ACCEPTING, name=item.name, reason=reason or "")
    if applicant.real_name_level < version.required_real_name_level:
        raise TongbanError(CaseError.LEVEL_TOO_LOW, required=version.required_real_name_level,
                           current=applicant.real_name_level)


def _check_window(actor: Actor, item: ServiceItem, window: Agency | None) -> None:
    """Counter filing: a comprehensive window files items of the agencies it covers; any street/town window
    files citywide personal items (ITEM-13, CASE-7)."""
    if window is None:
        raise TongbanError(CaseError.WINDOW_REQUIRED, field="window")
    require_role(actor, StaffRole.COUNTER_STAFF, window)
    covers_item = window.covers(item.agency)
    citywide_here = item.published_version is not None and item.published_version.is_citywide and (
        window.level == AgencyLevel.STREET
    )
    if not (covers_item or citywide_here):
        raise TongbanError(CaseError.NOT_CITYWIDE, name=item.name, agency=window.name)


def _prefill(schema: dict[str, Any], applicant: Person) -> dict[str, Any]:
    """Fill the form fields the profile knows, by their conventional names."""
    known = {"applicant_name": applicant.full_name, "name": applicant.full_name,
             "id_number": applicant.document_number, "phone": applicant.phone}
    return {key: value for key, value in known.items() if value and key in schema.get("properties", {})}


@transaction.atomic
def start_draft(actor: Actor, item: ServiceItem, *, channel: str, applicant: Person | None = None,
                window: Agency | None = None, enterprise_grant: EnterpriseGrant | None = None) -> Case:
    """Open a draft application under the item's published version.

    Online channels apply for the logged-in person; the counter channel applies
    for ``applicant`` on their behalf at ``window`` (CASE-6: no prior booking).
    An enterprise applies through a grant whose scope covers the item (ID-4).
    """
    item = ServiceItem.objects.select_related("agency", "published_version", "basic_item").get(pk=item.pk)
    if channel == Channel.COUNTER:
        _check_window(actor, item, window)
        if applicant is None:
            raise TongbanError(CaseError.NOT_A_PERSON)
    else:
        applicant = _person_of(actor)
        window = None
        if item.published_version is not None and item.published_version.online_depth == OnlineDepth.COUNTER:
            raise TongbanError(CaseError.COUNTER_ONLY, name=item.name)
    _check_item(item, applicant)
    if enterprise_grant is not None:
        if enterprise_grant.person_id != applicant.pk:
            raise TongbanError(CaseError.NOT_YOUR_CASE, number="—")
        authorise(enterprise_grant, item.implementation_code, item.basic_item.item_type)
    version = item.published_version
    assert version is not None
    case = Case.objects.create(
        number=new_case_number(), item=item, version=version, applicant=applicant, channel=channel,
        enterprise_grant=enterprise_grant, enterprise=enterprise_grant.enterprise if enterprise_grant else None,
        accepting_agency=window, handling_agency=item.agency, filed_by_label=actor_label(actor),
        form_data=_prefill(version.form_schema, applicant),
    )
    record_event(case, "draft_started", "", actor, note=str(Channel(channel).label))
    return case


def own_case(actor: Actor, case: Case) -> Case:
    """The case, locked, if ``actor`` is its applicant (or the counter staff who filed it at their window)."""
    # One statement loads what every applicant-side step reads (item, its agency and basic item, the published
    # version, the handling agency, the applicant, a signed commitment); only the case row is locked.
    locked = (
        Case.objects.select_for_update(of=("self",))
        .select_related("version", "item__agency", "item__basic_item", "handling_agency", "applicant", "commitment")
        .get(pk=case.pk)
    )
    person = getattr(actor, "person", None) if actor is not None and actor.is_authenticated else None
    if person is not None and locked.applicant_id == person.pk:
        return locked
    if locked.channel == Channel.COUNTER and locked.accepting_agency is not None and holds_role(
        actor, StaffRole.COUNTER_STAFF, locked.accepting_agency
    ):
        return locked
    raise TongbanError(CaseError.NOT_YOUR_CASE, number=case.number)


def _editable(case: Case) -> None:
    if case.state not in (CaseState.DRAFT, CaseState.CORRECTION_REQUESTED):
        raise TongbanError(CaseError.WRONG_STATE, state=CaseState(case.state).label, action="修改申请")


@transaction.atomic
def save_draft(actor: Actor, case: Case, *, form_data: dict[str, Any] | None = None,
               situation_answers: dict[str, list[str]] | None = None) -> Case:
    """Keep what the applicant typed; nothing is checked until submission."""
    case = own_case(actor, case)
    _editable(case)
    if form_data is not None:
        case.form_data = form_data
    if situation_answers is not None:
        case.situation_answers = {key: list(values) for key, values in situation_answers.items()}
        # Materials the new answers no longer call for leave the case (they stay in the library).
        applicable = [material.pk for material in case.version.materials_for(case.situation_answers)]
        case.materials.exclude(guide_material_id__in=applicable).delete()
    case.save(update_fields=["form_data", "situation_answers"])
    return case


def _guide_material(case: Case, code: str) -> Material:
    material = case.version.materials.filter(code=code).first()
    if material is None:
        raise TongbanError(CaseError.MATERIAL_NOT_IN_GUIDE, code=code)
    applicable = {m.pk for m in case.version.materials_for(case.situation_answers)}
    if material.pk not in applicable:
        raise TongbanError(CaseError.MATERIAL_NOT_APPLICABLE, name=material.name)
    return material


def _provide(case: Case, material: Material, provision: str, *, version: DocumentVersion | None = None,
             reference: str = "") -> CaseMaterial:
    row, _created = CaseMaterial.objects.update_or_create(
        case=case, guide_material=material,
        defaults={"provision": provision, "document_version": version, "reference": reference},
    )
    return row


@transaction.atomic
def attach_document(actor: Actor, case: Case, material_code: str, version: DocumentVersion) -> CaseMaterial:
    """Provide a guide material with a document version from the applicant's own library (upload or reuse)."""
    case = own_case(actor, case)
    _editable(case)
    material = _guide_material(case, material_code)
    document = version.document
    own = document.owner_id == case.applicant_id
    enterprise_owned = case.enterprise_id is not None and document.enterprise_id == case.enterprise_id
    if not (own or enterprise_owned):
        raise TongbanError(CaseError.NOT_YOUR_CASE, number=case.number)
    provision = MaterialProvision.UPLOADED if version.case_uses.count() == 0 else MaterialProvision.FROM_LIBRARY
    return _provide(case, material, provision, version=version)


@transaction.atomic
def mark_fetched(actor: Actor, case: Case, material_code: str, reference: str) -> CaseMaterial:
    """The platform fetches the material (a licence or shared data replaces it, ITEM-9, CASE-5).

    The licence and data modules fill ``reference`` when they land; the guide
    decides whether fetching is possible at all.
    """
    case = own_case(actor, case)
    _editable(case)
    material = _guide_material(case, material_code)
    if material.licence_type:
        provision = MaterialProvision.FETCHED_LICENCE
    elif material.shared_data_resource:
        provision = MaterialProvision.FETCHED_SHARED_DATA
    else:
        raise TongbanError(CaseError.NOT_FETCHABLE, name=material.name)
    return _provide(case, material, provision, reference=reference)


@transaction.atomic
def use_licence(actor: Actor, case: Case, material_code: str, *, consent: bool) -> CaseMaterial:
    """Use the applicant's own valid licence for a material, with their consent (LIC-2, CASE-5).

    The licences module finds the licence (the applicant's, the enterprise's the
    case is filed for, or another region's gathered under the applicant's ID
    number), records the consent and the use with the case number, and its
    number becomes the material's reference; nothing is uploaded.
    """
    case = own_case(actor, case)
    _editable(case)
    material = _guide_material(case, material_code)
    if not material.licence_type:
        raise TongbanError(CaseError.NOT_FETCHABLE, name=material.name)
    number = licence_uses.use_for_case(actor, material.licence_type, case_number=case.number,
                                       material_code=material.code, consent=consent, enterprise=case.enterprise)
    return mark_fetched(actor, case, material_code, number)


@transaction.atomic
def sign_commitment(actor: Actor, case: Case, material_codes: list[str], text: str) -> Commitment:
    """Sign a commitment instead of the named proofs where the guide allows it (CASE-8)."""
    case = own_case(actor, case)
    _editable(case)
    if not text.strip():
        raise TongbanError(CaseError.COMMITMENT_TEXT_REQUIRED, field="text")
    materials = [_guide_material(case, code) for code in material_codes]
    for material in materials:
        if not material.commitment_allowed:
            raise TongbanError(CaseError.COMMITMENT_NOT_ALLOWED, name=material.name)
        _provide(case, material, MaterialProvision.COMMITMENT)
    commitment, _created = Commitment.objects.update_or_create(
        case=case, defaults={"text": text.strip(), "signed_at": timezone.now(), "signed_by_label": actor_label(actor)}
    )
    # Signing again for another material adds to the commitment; nothing signed is taken back.
    commitment.replaced_materials.add(*materials)
    return commitment


def _form_problems(case: Case) -> list[dict[str, Any]]:
    return form_problems(case.version.form_schema, case.form_data)


@transaction.atomic
def submit(actor: Actor, case: Case) -> Case:
    """Check the form and the material list at once, then file the case and start its limit (CASE-2)."""
    case = own_case(actor, case)
    if case.state != CaseState.DRAFT:
        raise TongbanError(CaseError.WRONG_STATE, state=CaseState(case.state).label, action="提交")
    _check_item(case.item, case.applicant, case.version)
    problems = _form_problems(case)
    if problems:
        raise ValidationProblems(CaseError.FORM_INVALID, problems)
    provided = set(case.materials.values_list("guide_material_id", flat=True))
    missing = [m for m in case.version.materials_for(case.situation_answers) if m.is_required and m.pk not in provided]
    if missing:
        raise TongbanError(CaseError.MATERIALS_MISSING, count=len(missing), names="、".join(m.name for m in missing))
    now = timezone.now()
    today = timezone.localdate()
    case.state = CaseState.SUBMITTED
    case.submitted_at = now
    if case.version.online_depth == OnlineDepth.ONLINE_PREREVIEW:
        deadlines.start(case, "pre_review", add_workdays(today, deadlines.PRE_REVIEW_DAYS))
    else:
        deadlines.start(case, "acceptance", add_workdays(today, deadlines.ACCEPTANCE_DAYS))
    case.lock_version += 1
    # Only what submission changes: a full-row UPDATE of every column costs more to build than to run.
    case.save(update_fields=["state", "submitted_at", "due_step", "due_on", "warning_on", "paused_on",
                             "deadline_status", "lock_version"])
    commitment = getattr(case, "commitment", None)
    if commitment is not None:
        PostVerificationTask.objects.create(commitment=commitment, agency=case.handling_agency,
                                            due_on=add_workdays(today, POST_VERIFICATION_DAYS))
    record_event(case, "submitted", CaseState.DRAFT, actor, notify_title="申请已提交",
                 notify_body=f"您的办件 {case.number}（{case.item.name}）已提交。")
    audit.record("cases.case.submitted", actor=actor if isinstance(actor, User) else None,
                 agency_id=case.handling_agency_id, obj=case,
                 data={"channel": case.channel, "item": case.item.implementation_code, "version": case.version.number,
                       "acting_for": case.enterprise.uscc if case.enterprise else None})
    return case
