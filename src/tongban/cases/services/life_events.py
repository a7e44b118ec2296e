"""Life events (一件事, ITEM-11): one application that becomes one sub-case per item, handled by each agency.

The applicant starts the event once; the first item's case is the main case and
every other item gets a sub-case pointing to it. Answers, form fields and
materials given once are shared with every sub-case whose guide asks for them
(same form field name, same material name), and the bundle is submitted in one
transaction: all sub-cases are filed, or none.
"""

from __future__ import annotations

from django.db import transaction

from tongban.cases.errors import CaseError
from tongban.cases.models import Case, CaseState, DocumentVersion
from tongban.cases.services import applications
from tongban.catalogue.models import LifeEvent
from tongban.core.errors import TongbanError


def bundle(main: Case) -> list[Case]:
    """The main case followed by its sub-cases, in the life event's order."""
    return [main, *main.sub_cases.order_by("id")]


@transaction.atomic
def start_life_event(actor: applications.Actor, event: LifeEvent, *, channel: str) -> Case:
    """Open drafts for every item of a published life event; returns the main case."""
    if not event.is_published:
        raise TongbanError(CaseError.ITEM_NOT_ACCEPTING, name=event.name, reason="")
    main: Case | None = None
    for entry in event.entries.select_related("item").order_by("position"):
        case = applications.start_draft(actor, entry.item, channel=channel)
        case.life_event = event
        case.parent = main
        case.save(update_fields=["life_event", "parent"])
        main = main or case
    assert main is not None
    return main


@transaction.atomic
def save_bundle(actor: applications.Actor, main: Case, *, form_data: dict | None = None,
                situation_answers: dict[str, list[str]] | None = None) -> list[Case]:
    """One form for the bundle: each sub-case keeps the fields its own schema defines."""
    cases = bundle(main)
    for case in cases:
        fields = None
        if form_data is not None:
            known = set((case.version.form_schema or {}).get("properties", {}))
            fields = {key: value for key, value in form_data.items() if key in known}
        answers = None
        if situation_answers is not None:
            codes = set(case.version.situation_questions.values_list("code", flat=True))
            answers = {key: value for key, value in situation_answers.items() if key in codes}
        applications.save_draft(actor, case, form_data=fields, situation_answers=answers)
    return cases


@transaction.atomic
def attach_to_bundle(actor: applications.Actor, main: Case, material_name: str, version: DocumentVersion) -> int:
    """One set of materials: attach the document to every case of the bundle whose guide asks for it by name."""
    attached = 0
    for case in bundle(main):
        for material in case.version.materials_for(case.situation_answers):
            if material.name == material_name:
                applications.attach_document(actor, case, material.code, version)
                attached += 1
    if not attached:
        raise TongbanError(CaseError.MATERIAL_NOT_IN_GUIDE, code=material_name)
    return attached


@transaction.atomic
def submit_bundle(actor: applications.Actor, main: Case) -> list[Case]:
    """File every case of the bundle together; any refusal leaves all of them drafts."""
    if main.parent_id is not None or main.state != CaseState.DRAFT:
        raise TongbanError(CaseError.WRONG_STATE, state=CaseState(main.state).label, action="提交一件事")
    return [applications.submit(actor, case) for case in bundle(main)]
