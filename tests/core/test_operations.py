"""Operational endpoints and the production-mode safety checks of the settings."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.factories import AgencyFactory, published_item
from tongban.identity.oidc.keys import generate_pem

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_readyz_reports_the_database_engine(client, on_postgresql):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "postgresql" if on_postgresql else "sqlite"}


def test_metrics_exposes_catalogue_gauges_in_prometheus_text(client):
    published_item(AgencyFactory())
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    lines = response.content.decode().splitlines()
    assert "tongban_up 1" in lines
    assert 'tongban_catalogue_items{status="in_service"} 1.0' in lines
    assert "tongban_catalogue_overdue_requests 0.0" in lines


def test_security_headers_are_set(client):
    response = client.get("/healthz")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def _settings_in_subprocess(**env: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("TONGBAN_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import tongban.settings"], env=environment, capture_output=True, text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TONGBAN_MODE": "production", "TONGBAN_ALLOWED_HOSTS": "gov.example"}, "TONGBAN_SECRET_KEY"),
        ({"TONGBAN_MODE": "production", "TONGBAN_SECRET_KEY": "x" * 60, "TONGBAN_ALLOWED_HOSTS": "a"},
         "TONGBAN_SECRET_KEY"),
        ({"TONGBAN_MODE": "production", "TONGBAN_SECRET_KEY": "k3y-Z" * 12, "TONGBAN_DEBUG": "1",
          "TONGBAN_ALLOWED_HOSTS": "a"}, "TONGBAN_DEBUG"),
        ({"TONGBAN_MODE": "production", "TONGBAN_SECRET_KEY": "k3y-Z" * 12}, "TONGBAN_ALLOWED_HOSTS"),
        ({"TONGBAN_MODE": "staging"}, "TONGBAN_MODE"),
        ({"TONGBAN_MODE": "production", "TONGBAN_SECRET_KEY": "k3y-Z" * 12, "TONGBAN_ALLOWED_HOSTS": "a"},
         "TONGBAN_FIELD_KEYS"),
        ({"TONGBAN_MODE": "production", "TONGBAN_SECRET_KEY": "k3y-Z" * 12, "TONGBAN_ALLOWED_HOSTS": "a",
          "TONGBAN_FIELD_KEYS": "k1:" + "A" * 44, "TONGBAN_LOOKUP_KEY": "B" * 44}, "real adapters"),
    ],
)
def test_production_mode_refuses_insecure_settings(env, message):
    result = _settings_in_subprocess(**env)
    assert result.returncode == 1
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_production_mode_starts_with_safe_settings():
    result = _settings_in_subprocess(
        TONGBAN_MODE="production", TONGBAN_SECRET_KEY="s3cr3t-Value-" * 5, TONGBAN_ALLOWED_HOSTS="gov.example",
        TONGBAN_DATABASE_URL="postgres://postgres@127.0.0.1:5432/tongban",
        TONGBAN_FIELD_KEYS="k1:" + "A" * 44, TONGBAN_LOOKUP_KEY="B" * 44, TONGBAN_ALLOW_SANDBOX_ADAPTERS="1",
        TONGBAN_OIDC_PRIVATE_KEY=generate_pem(),
    )
    assert (result.returncode, result.stderr) == (0, "")
