"""Helpers for the tests of the applicant's case pages: clients, page text, wizard steps posted like a browser."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tongban.cases.models import Case
from tongban.identity.models import Person

PDF_BYTES = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36"


def logged_in(person: Person, user_agent: str = DESKTOP) -> Client:
    """A browser session of ``person`` on the applicant side."""
    client = Client(HTTP_USER_AGENT=user_agent)
    client.force_login(person.user)
    return client


def text(response) -> str:  # type: ignore[no-untyped-def]
    """The page's visible text with whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def pdf(name: str = "材料.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    """A real PDF upload (the browser's claimed type is deliberately generic)."""
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def step_url(case: Case, step: str) -> str:
    return f"{reverse('cases:edit', args=[case.number])}?step={step}"


def start(client: Client, implementation_code: str) -> Case:
    """Press "开始申请" and return the new draft."""
    response = client.post(reverse("cases:apply", args=[implementation_code]))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Case.objects.get(number=response["Location"].split("/")[-3])


def material_action(client: Client, case: Case, code: str, action: str, **fields: object):  # type: ignore[no-untyped-def]
    """Post one row's action on the materials step."""
    return client.post(step_url(case, "materials"), {"material": code, "action": action, **fields})
