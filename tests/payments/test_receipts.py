"""PAY-1: each payment gets an electronic receipt: a PDF signed (PAdES) through the receipt_signer adapter."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from tests.factories import AgencyFactory, staff
from tests.payments.builders import an_order, deliver_all, pay_at_sandbox
from tongban.core.errors import TongbanError
from tongban.identity.models import StaffRole
from tongban.payments.models import EventKind
from tongban.payments.services import receipts
from tongban.payments.signing import receipt_certificate

pytestmark = pytest.mark.django_db


def test_pay_1_the_receipt_is_a_signed_pdf_that_validates(client):
    """PAY-1: the receipt's PAdES signature is intact and made with the platform receipt certificate."""
    order = an_order()
    pay_at_sandbox(order)
    deliver_all(client)
    assert receipts.issue_due() == 1
    order.refresh_from_db()
    pdf = bytes(order.receipt_pdf)
    [signature] = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.serialization import Encoding

    trusted = asn1_x509.Certificate.load(receipt_certificate().public_bytes(Encoding.DER))
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[trusted]))
    assert (status.intact, status.valid, status.trusted, status.coverage.name) == (True, True, True, "ENTIRE_FILE")
    assert order.receipt_number == "RC" + order.number[2:]
    assert order.events.filter(kind=EventKind.RECEIPT_ISSUED).count() == 1
    # issuing again changes nothing
    assert receipts.issue_due() == 0


def test_pay_1_an_unpaid_order_has_no_receipt():
    """PAY-1: no receipt before payment."""
    order = an_order()
    with pytest.raises(TongbanError) as refused:
        receipts.receipt_pdf(order.payer.user, order.number)
    assert refused.value.code == "PAYMENTS_RECEIPT_NOT_AVAILABLE"


def test_pay_1_staff_of_another_agency_cannot_download_the_receipt(client):
    """PAY-1: the collecting agency's staff may; another agency's officer gets a 404."""
    agency = AgencyFactory()
    order = an_order()
    order.agency = agency
    order.save(update_fields=["agency"])
    pay_at_sandbox(order)
    deliver_all(client)
    client.force_login(staff(StaffRole.CASE_OFFICER, AgencyFactory()))
    assert client.get(reverse("workbench:payment_receipt", args=[order.number])).status_code == 404
    client.force_login(staff(StaffRole.CASE_OFFICER, agency))
    response = client.get(reverse("workbench:payment_receipt", args=[order.number]))
    assert (response.status_code, response.content[:4]) == (200, b"%PDF")


def test_pay_1_seal_1_the_receipt_is_sealed_by_the_collecting_agency(client):
    """PAY-1, SEAL-1: an agency with an electronic seal seals its receipts; they verify under the platform CA."""
    from tongban.seals.models import SealUse
    from tongban.seals.services import registry
    from tongban.seals.services.signing import verify_pdf

    # given an order collected by an agency that has a business seal
    agency = AgencyFactory(name="上海市公安局")
    seal = registry.create_agency_seal(None, agency)
    order = an_order()
    order.agency = agency
    order.save(update_fields=["agency"])

    # when it is paid and its receipt issued
    pay_at_sandbox(order)
    deliver_all(client)
    assert receipts.issue_due() == 1
    order.refresh_from_db()

    # then the receipt verifies as signed by the agency's seal, and the seal's use is logged
    verification = verify_pdf(bytes(order.receipt_pdf))
    assert (verification.valid, verification.seal_id) == (True, seal.pk)
    assert SealUse.objects.filter(seal=seal, reference=f"电子票据 {order.receipt_number}").count() == 1
    # and a one-byte change breaks it
    tampered = bytearray(order.receipt_pdf)
    tampered[len(tampered) // 2] ^= 0x01
    assert verify_pdf(bytes(tampered)).valid is False
