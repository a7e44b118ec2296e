"""The licence PDF: WeasyPrint renders the fields in Chinese (Noto CJK), a verification QR code (segno),
and the issuing seal is stamped and PAdES-signed over it by the seals module (LIC-1, SEAL-1)."""

from __future__ import annotations

import datetime
import logging
from typing import Any

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from weasyprint import HTML

from tongban.identity.services import Actor
from tongban.licences.models import LicenceType
from tongban.seals.models import Seal
from tongban.seals.services import signing

# WeasyPrint logs every layout step at INFO; a licence is one page, the steps are noise in demo and worker logs.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# Where the seal goes on the A4 page (PDF points from the lower left): over the issuer's name and date.
SEAL_BOX = signing.StampBox(page=0, box=(395, 150, 535, 290))


def verify_url(number: str, verify_code: str) -> str:
    """The public page a licence's QR code opens (the code stops anyone enumerating licence numbers)."""
    path = reverse("verify:licence", kwargs={"number": number, "code": verify_code})
    return f"{settings.TONGBAN_PUBLIC_URL}{path}"


def render_html(licence_type: LicenceType, *, number: str, fields: dict[str, Any], issuer_name: str,
                issued_on: datetime.date, valid_from: datetime.date, valid_until: datetime.date | None,
                verify_code: str) -> str:
    """The licence page as HTML (public for tests and previews)."""
    titles = licence_type.field_titles()
    rows = [(title, fields[name]) for name, title in titles.items() if fields.get(name) not in (None, "")]
    qr = segno.make(verify_url(number, verify_code), error="m")
    return render_to_string("licences/licence_pdf.html", {
        "licence_type": licence_type, "number": number, "rows": rows, "issuer_name": issuer_name,
        "issued_on": issued_on, "valid_from": valid_from, "valid_until": valid_until,
        "qr_data_uri": qr.png_data_uri(scale=6, border=1),
    })


def signed_pdf(actor: Actor, seal: Seal, html: str, *, number: str) -> bytes:
    """Render and PAdES-sign with the seal, its image stamped in :data:`SEAL_BOX`."""
    pdf = HTML(string=html).write_pdf()
    return signing.sign_pdf(actor, seal, pdf, reference=number, reason="电子证照签发", stamp=SEAL_BOX,
                            field_name="IssuerSeal")
