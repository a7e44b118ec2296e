"""The wallet (/licences/), my seals (/seals/) and the operator's trust page (LIC-1, LIC-3, SEAL-2, LIC-4)."""

from __future__ import annotations

import re

import pytest

from tests.licences.builders import OtherRegion, id_card, issuers
from tests.portal.case_pages import logged_in
from tests.seals.builders import applicant, operator
from tongban.licences.models import TrustedIssuer
from tongban.seals.models import Seal, SealStatus

pytestmark = pytest.mark.django_db


def test_lic_3_the_wallet_lists_my_licences_serves_the_pdf_and_shows_a_qr_code():
    """LIC-1 / LIC-3: the holder sees the licence, downloads its signed PDF and makes a show QR code."""
    agencies = issuers()
    holder = applicant()
    licence = id_card(holder, agencies.police)
    client = logged_in(holder)
    page = client.get("/licences/")
    assert page.status_code == 200 and licence.number in page.content.decode()
    pdf = client.get(f"/licences/{licence.number}/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    shown = client.post(f"/licences/{licence.number}/show/")
    body = shown.content.decode()
    assert shown.status_code == 200 and "<svg" in body
    url = re.search(r"/verify/show/[^<\s\"]+/", body).group(0)
    assert logged_in(applicant(name="王芳")).get(url).status_code == 200


def test_lic_3_another_person_cannot_download_my_pdf_or_show_my_licence():
    """LIC-3: the wallet is the holder's only."""
    agencies = issuers()
    licence = id_card(applicant(), agencies.police)
    stranger = logged_in(applicant(name="王芳"))
    assert stranger.get(f"/licences/{licence.number}/pdf/").status_code == 404
    assert stranger.post(f"/licences/{licence.number}/show/").status_code == 302
    assert licence.show_tokens.count() == 0


def test_seal_2_a_person_applies_on_the_seals_page_and_the_operator_approves_in_the_workbench(client):
    """SEAL-2: application online, approval on the workbench trust page, then the holder suspends it."""
    person = applicant()
    portal = logged_in(person)
    assert portal.post("/seals/apply/").status_code == 302
    seal = Seal.objects.get(person=person)
    assert seal.status == SealStatus.PENDING

    client.force_login(operator())
    page = client.get("/workbench/trust/")
    assert page.status_code == 200 and "张伟" in page.content.decode()
    client.post(f"/workbench/trust/seals/{seal.pk}/approve/")
    seal.refresh_from_db()
    assert seal.status == SealStatus.ACTIVE
    assert portal.get(f"/seals/{seal.pk}/image.png")["Content-Type"] == "image/png"
    portal.post(f"/seals/{seal.pk}/suspend/", {"reason": "外出"})
    seal.refresh_from_db()
    assert seal.status == SealStatus.SUSPENDED


def test_lic_4_the_operator_keeps_the_trust_list_on_the_workbench_and_others_are_refused(client):
    """LIC-4: the operator adds a key on the trust page; a case officer gets 403 and nothing changes."""
    from tests.factories import AgencyFactory, staff
    from tongban.identity.models import StaffRole

    zhejiang = OtherRegion()
    client.force_login(staff(StaffRole.CASE_OFFICER, AgencyFactory()))
    form = {"key_id": zhejiang.key_id, "region": "浙江", "name": zhejiang.name,
            "public_key_pem": zhejiang.public_key_pem}
    assert client.post("/workbench/trust/issuers/", form).status_code == 403
    assert TrustedIssuer.objects.count() == 0
    client.force_login(operator())
    assert client.post("/workbench/trust/issuers/", form).status_code == 302
    assert TrustedIssuer.objects.get().key_id == zhejiang.key_id
