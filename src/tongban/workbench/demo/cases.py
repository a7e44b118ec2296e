"""Demo cases: the demo applicants' applications at several stages, filed and handled through the real services.

Forms are filled from each version's JSON Schema with plausible values;
materials are generated one-page PDFs stored through the documents service
(content-checked and hashed like any upload); licence-replaceable materials are
fetched from the applicant's licences with consent. The police officers handle them, so the workbench queues and
"我的办件" have something to show.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from tongban.cases.models import Case, Channel
from tongban.cases.services import applications, documents, handling
from tongban.catalogue.models import ServiceItem
from tongban.core.errors import TongbanError
from tongban.identity.models import Person, User
from tongban.workbench.demo.payments import pay_through_sandbox

# A minimal, valid one-page PDF: the documents service checks the content, not just the extension.
_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _value(key: str, schema: dict[str, Any], person: Person) -> Any:
    known = {"applicant_name": person.full_name, "id_number": person.document_number, "mobile": person.phone,
             "contact_mobile": person.phone}
    if key in known and known[key]:
        return known[key]
    if "enum" in schema:
        return schema["enum"][0]
    if schema.get("format") == "date":
        return "2026-06-01"
    return {"integer": 1, "number": 1, "boolean": True}.get(schema.get("type", "string"), "示例")


def _file(person: Person, case: Case) -> None:
    for material in case.version.materials_for(case.situation_answers):
        if material.licence_type:
            try:  # the applicant's own licence from the wallet, with consent (LIC-2); else a scanned copy
                applications.use_licence(person.user, case, material.code, consent=True)
                continue
            except TongbanError as error:
                if error.code != "LICENCE_NONE_HELD":
                    raise
        upload = SimpleUploadedFile(f"{material.code}.pdf", _PDF + material.name.encode(), "application/pdf")
        version = documents.store_upload(person, upload, title=material.name, material_name=material.name)
        applications.attach_document(person.user, case, material.code, version)


def _apply(person: Person, item: ServiceItem) -> Case:
    case = applications.start_draft(person.user, item, channel=Channel.PC)
    schema = case.version.form_schema or {}
    form = {key: _value(key, spec, person) for key, spec in schema.get("properties", {}).items()}
    case = applications.save_draft(person.user, case, form_data=form, situation_answers={})
    _file(person, case)
    return applications.submit(person.user, case)


def _open_to_persons_online(item: ServiceItem) -> bool:
    """Items an L2 person can apply for online: the demo's applicants are at L2 and L3."""
    version = item.published_version
    return version is not None and version.required_real_name_level <= 2 and version.online_depth != "counter" and (
        "person" in version.applicant_kinds and bool(version.form_schema))


def create_cases(applicants: dict[str, Person], officer: User, approver: User) -> list[Case]:
    """Five applications of the police items: waiting, corrected, under review, concluded, refused."""
    items = [item for item in ServiceItem.objects.filter(
        agency__path__startswith=officer.role_assignments.get().agency.path, status="in_service",
    ).select_related("published_version").order_by("pk") if _open_to_persons_online(item)][:2]
    zhang, li = applicants["13800138000"], applicants["13800138001"]
    waiting = _apply(zhang, items[0])
    correcting = _apply(li, items[0])
    material = correcting.version.materials_for({})[0]
    handling.request_correction(officer, correcting, items=[(material.code, "照片模糊，请重新上传清晰的扫描件")])
    reviewing = _apply(zhang, items[-1])
    handling.accept(officer, reviewing)
    handling.start_review(officer, reviewing)
    done = _apply(li, items[-1])
    handling.accept(officer, done)
    handling.decide(approver, done, approve=True, reasons="符合申领条件")
    pay_through_sandbox(done)  # a fee-bearing item waits for its fee (PAY-1)
    handling.issue_result(officer, done)
    handling.deliver(officer, done, method="electronic")
    handling.conclude(officer, done)
    refused = _apply(zhang, items[0])
    handling.refuse(officer, refused, reasons="申请人已持有有效证件，无需重复申领")
    return [waiting, correcting, reviewing, done, refused]
