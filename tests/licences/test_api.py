"""The licences and seals API: agency systems issue and revoke (LIC-1), anyone verifies (LIC-3, SEAL-1)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.licences.builders import id_card, issuers
from tests.seals.builders import applicant
from tongban.agencies.services import issue_credential
from tongban.licences.models import Licence, LicenceSource
from tongban.licences.services import show

pytestmark = pytest.mark.django_db


def _bearer(agency):  # type: ignore[no-untyped-def]
    _credential, token = issue_credential(agency, "发证系统")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_lic_1_an_agency_system_issues_with_an_idempotency_key_and_revokes():
    """LIC-1: POST /api/v1/licences/issue signs with the calling agency's seal; a retry returns the same licence."""
    agencies = issuers()
    holder = applicant()
    api, headers = Client(), _bearer(agencies.police)
    body = {"licence_type": "resident_id_card", "holder": {"id_number": holder.document_number},
            "fields": {"sex": "男", "address": "上海市黄浦区"}, "idempotency_key": "police-0001"}
    first = api.post("/api/v1/licences/issue", body, content_type="application/json", **headers)
    assert first.status_code == 201, first.content
    number = first.json()["number"]
    again = api.post("/api/v1/licences/issue", body, content_type="application/json", **headers)
    assert (again.status_code, again.json()["number"]) == (201, number)
    licence = Licence.objects.get()
    assert (licence.source, licence.holder_person) == (LicenceSource.AGENCY_SYSTEM, holder)

    revoked = api.post(f"/api/v1/licences/{number}/revoke", {"reason": "信息有误"}, content_type="application/json",
                       **headers)
    assert revoked.json()["status"] == "revoked"


def test_lic_1_the_api_refuses_bad_fields_unknown_holders_other_agencies_and_anonymous_callers():
    """LIC-1 (bad input): schema violation 400, unknown holder 404, wrong agency 403, no credential 401."""
    agencies = issuers()
    holder = applicant()
    api = Client()
    body = {"licence_type": "resident_id_card", "holder": {"id_number": holder.document_number},
            "fields": {"sex": "未知"}, "idempotency_key": "k1"}
    bad = api.post("/api/v1/licences/issue", body, content_type="application/json", **_bearer(agencies.police))
    assert (bad.status_code, bad.json()["code"]) == (400, "LICENCE_FIELDS_INVALID")
    unknown = api.post("/api/v1/licences/issue", {**body, "holder": {"id_number": "110101199001011234"}},
                       content_type="application/json", **_bearer(agencies.police))
    assert (unknown.status_code, unknown.json()["code"]) == (404, "LICENCE_HOLDER_UNKNOWN")
    wrong = api.post("/api/v1/licences/issue", {**body, "fields": {}}, content_type="application/json",
                     **_bearer(agencies.market))
    assert (wrong.status_code, wrong.json()["code"]) == (403, "LICENCE_AGENCY_NOT_ISSUER")
    assert api.post("/api/v1/licences/issue", body, content_type="application/json").status_code == 401
    assert Licence.objects.count() == 0


def test_lic_3_the_public_api_verifies_a_show_token_and_refuses_a_used_up_one(settings):
    """LIC-3: GET /api/v1/licences/show/<token> answers the masked essentials; after the last use, 410."""
    settings.TONGBAN_SHOW_TOKEN_MAX_USES = 1
    agencies = issuers()
    holder = applicant()
    licence = id_card(holder, agencies.police)
    token = show.create_token(holder.user, licence).token
    api = Client()
    answer = api.get(f"/api/v1/licences/show/{token}")
    assert answer.status_code == 200
    assert (answer.json()["number"], answer.json()["status"], answer.json()["uses_left"]) == (
        licence.number, "valid", 0)
    assert holder.document_number not in answer.content.decode()
    replay = api.get(f"/api/v1/licences/show/{token}")
    assert (replay.status_code, replay.json()["code"]) == (410, "LICENCE_TOKEN_USED_UP")


def test_seal_1_the_public_api_verifies_a_pdf_and_publishes_the_root():
    """SEAL-1: POST /api/v1/seals/verify/pdf; GET /api/v1/seals/ca.pem."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    agencies = issuers()
    licence = id_card(applicant(), agencies.police)
    api = Client()
    answer = api.post("/api/v1/seals/verify/pdf", {"file": SimpleUploadedFile("l.pdf", bytes(licence.pdf))})
    assert answer.status_code == 200 and answer.json()["valid"] is True
    garbage = api.post("/api/v1/seals/verify/pdf", {"file": SimpleUploadedFile("l.pdf", b"junk")})
    assert (garbage.status_code, garbage.json()["code"]) == (422, "SEAL_PDF_UNREADABLE")
    assert api.get("/api/v1/seals/ca.pem").content.startswith(b"-----BEGIN CERTIFICATE-----")
