"""The OpenAPI document is a contract with integrators: the committed copy must match the code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tongban.api import openapi_document

COMMITTED = Path(__file__).resolve().parent.parent / "docs" / "openapi.json"
REGENERATE = ".venv/bin/python scripts/openapi -o docs/openapi.json"


def test_committed_openapi_document_matches_the_code():
    # given the document generated from the code and the committed one
    live = openapi_document()
    committed = COMMITTED.read_text(encoding="utf-8")
    # then they are identical, or the API changed without telling integrators
    assert live == committed, (
        f"The API's OpenAPI document differs from docs/openapi.json. If the change is intended, "
        f"regenerate it with `{REGENERATE}` and commit it with the change."
    )


@pytest.mark.django_db
def test_openapi_document_is_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    served = response.json()
    assert served["paths"] == json.loads(openapi_document())["paths"]
    assert "/api/v1/catalogue/items" in served["paths"]
    assert served["components"]["securitySchemes"] == {"AgencyCredentialBearer": {"scheme": "bearer", "type": "http"}}
