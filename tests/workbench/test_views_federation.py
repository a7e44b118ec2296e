"""The platform operator's page for other regions' identity providers (ID-5): list, add, edit, disable, refusals."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.factories import staff
from tests.workbench.test_views_support import ACTORS, ANONYMOUS, ELSEWHERE, agencies, log_in, page_messages
from tongban.core.models import AuditEvent
from tongban.identity.federation import client as federation_client
from tongban.identity.federation import services
from tongban.identity.models import ExternalProvider, StaffRole

pytestmark = pytest.mark.django_db

LIST = reverse("workbench:federation")
CREATE = reverse("workbench:federation_create")


def _post_data(**changes: Any) -> dict[str, Any]:
    data = {
        "slug": "zhejiang", "name": "浙江政务服务网", "issuer": "https://id.zjzwfw.example.gov.cn",
        "client_id": "tongban-shanghai", "client_secret": "s3cret-value", "scopes": "openid profile",
        "id_number_claim": "id_number", "name_claim": "name", "level_claim": "acr", "is_enabled": "on",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def _provider(**changes: Any) -> ExternalProvider:
    data = _post_data(**changes)
    data["is_enabled"] = bool(data.get("is_enabled"))
    return services.create_provider(None, **data)


def _state() -> list[Any]:
    return [*ExternalProvider.objects.order_by("pk").values_list(
        "slug", "name", "issuer", "client_secret_encrypted", "is_enabled"
    ), AuditEvent.objects.count()]


@pytest.fixture
def operator(client):  # noqa: ANN001 - Django test client
    tree = agencies()
    user = staff(StaffRole.PLATFORM_OPERATOR, tree.city)
    client.force_login(user)
    return user


def test_operator_adds_a_provider_id_5(client, operator):
    """ID-5: the operator adds Zhejiang's provider; the secret is stored encrypted and never shown again."""
    # when the operator submits the form
    response = client.post(CREATE, _post_data(), follow=True)

    # then the provider is listed with the callback URL to register at Zhejiang
    provider = ExternalProvider.objects.get()
    assert (provider.slug, provider.name, provider.is_enabled) == ("zhejiang", "浙江政务服务网", True)
    assert federation_client.client_secret(provider) == "s3cret-value"
    assert page_messages(response) == ["已保存外省市认证源：浙江政务服务网"]
    page = response.content.decode()
    assert "http://testserver/account/federation/zhejiang/callback/" in page
    assert "s3cret-value" not in page and provider.client_secret_encrypted not in page


def test_refused_configuration_is_shown_on_the_form_and_nothing_is_saved_id_5(client, operator):
    """ID-5: a plain-http issuer is refused with its code on the issuer field."""
    # given the state before
    before = _state()

    # when the operator submits a plain-http issuer
    response = client.post(CREATE, _post_data(issuer="http://id.zjzwfw.example.gov.cn"))

    # then the form shows the refusal on the field and nothing is saved
    assert response.status_code == 200
    assert response.context["refusal"].code == "IDENTITY_FEDERATION_ISSUER_INVALID"
    assert "IDENTITY_FEDERATION_ISSUER_INVALID" in str(response.context["form"].errors["issuer"])
    assert _state() == before


def test_edit_keeps_slug_and_blank_secret_id_5(client, operator):
    """ID-5: editing changes the settings; the slug (in the callback URL) and a blank secret are kept."""
    # given a provider
    provider = _provider()
    secret = provider.client_secret_encrypted

    # when the operator edits it, trying to change the slug, leaving the secret empty
    edit = reverse("workbench:federation_edit", args=[provider.pk])
    assert client.get(edit).status_code == 200
    response = client.post(edit, _post_data(slug="other", name="浙里办", client_secret=""))

    # then the name changed, slug and secret did not
    assert response.status_code == 302 and response["Location"] == LIST
    provider.refresh_from_db()
    assert (provider.slug, provider.name, provider.client_secret_encrypted) == ("zhejiang", "浙里办", secret)


def test_disable_and_enable_from_the_list_id_5(client, operator):
    """ID-5: the list's buttons disable a provider and enable it again."""
    # given a provider
    provider = _provider()
    toggle = reverse("workbench:federation_enabled", args=[provider.pk])

    # when the operator disables it, then it is disabled and listed so
    client.post(toggle, {"enabled": "0"})
    provider.refresh_from_db()
    assert provider.is_enabled is False
    assert "已停用" in client.get(LIST).content.decode()

    # when the operator enables it again, then it is enabled
    response = client.post(toggle, {"enabled": "1"}, follow=True)
    provider.refresh_from_db()
    assert provider.is_enabled is True
    assert page_messages(response) == ["已启用：浙江政务服务网"]


# The platform operator's role is platform-wide (held at any agency it covers the platform), so "the right role
# elsewhere" is simply the operator and is tested above.
@pytest.mark.parametrize("actor", [actor for actor in ACTORS if actor not in (StaffRole.PLATFORM_OPERATOR, ELSEWHERE)])
def test_only_platform_operators_reach_the_pages_id_5(client, actor):
    """ID-5: anonymous visitors go to the login page; every other role (and staff elsewhere) is refused."""
    # given a provider and the visitor
    tree = agencies()
    provider = _provider()
    log_in(client, actor, StaffRole.PLATFORM_OPERATOR, tree)
    before = _state()
    edit = reverse("workbench:federation_edit", args=[provider.pk])
    toggle = reverse("workbench:federation_enabled", args=[provider.pk])

    # when they try every page and every change
    responses = [
        client.get(LIST), client.get(CREATE), client.get(edit),
        client.post(CREATE, _post_data(slug="jiangsu")), client.post(edit, _post_data(name="改名")),
        client.post(toggle, {"enabled": "0"}),
    ]

    # then nothing is shown or changed
    expected = 302 if actor == ANONYMOUS else 403
    assert [response.status_code for response in responses] == [expected] * 6
    assert _state() == before
