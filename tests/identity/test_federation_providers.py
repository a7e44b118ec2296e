"""The operator's configuration of other regions' identity providers (ID-5, SEC-4): checks, secrets, permissions."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache

from tests.factories import AgencyFactory, staff
from tests.identity.factories import PersonFactory
from tongban.core.errors import TongbanError
from tongban.core.models import AuditEvent
from tongban.identity.federation import client, services
from tongban.identity.models import ExternalProvider, StaffRole

pytestmark = pytest.mark.django_db

SETTINGS: dict[str, Any] = {
    "name": "浙江政务服务网", "issuer": "https://id.zjzwfw.example.gov.cn", "client_id": "tongban-shanghai",
    "scopes": "openid profile", "id_number_claim": "id_number", "name_claim": "name", "level_claim": "acr",
}


def create(actor: Any = None, **changes: Any) -> ExternalProvider:
    arguments = {"slug": "zhejiang", "client_secret": "s3cret-value", **SETTINGS, **changes}
    return services.create_provider(actor, **arguments)


def state() -> list[tuple[Any, ...]]:
    """Everything the configuration services may change, to compare before and after a refusal."""
    rows = ExternalProvider.objects.order_by("pk").values_list(
        "slug", "name", "issuer", "client_id", "client_secret_encrypted", "scopes", "is_enabled"
    )
    return [*rows, ("events", AuditEvent.objects.count())]


def test_operator_creates_a_provider_with_the_secret_encrypted_id_5_sec_4():
    """ID-5, SEC-4: the client secret is stored encrypted under its own context and never audited."""
    # given a platform operator
    operator = staff(StaffRole.PLATFORM_OPERATOR, AgencyFactory())

    # when the operator adds Zhejiang's provider
    provider = create(operator, scopes="openid  profile openid")

    # then the provider is stored, enabled, the scopes tidied, the secret only as ciphertext
    provider.refresh_from_db()
    assert (provider.slug, provider.issuer, provider.scopes, provider.is_enabled) == (
        "zhejiang", SETTINGS["issuer"], "openid profile", True
    )
    assert "s3cret-value" not in provider.client_secret_encrypted
    assert provider.client_secret_encrypted.startswith("v1.")
    assert client.client_secret(provider) == "s3cret-value"
    event = AuditEvent.objects.get(action="identity.federation.provider_created")
    assert event.actor_id == operator.pk
    assert event.data == {"slug": "zhejiang", "issuer": SETTINGS["issuer"], "client_id": "tongban-shanghai",
                          "enabled": True}


def test_loopback_http_issuer_is_allowed_for_local_testing_id_5():
    """ID-5: plain http only for 127.0.0.1, localhost and ::1 (a test provider on the same machine)."""
    # when a provider on this machine is configured
    provider = create(issuer="http://127.0.0.1:8765")

    # then it is accepted
    assert provider.issuer == "http://127.0.0.1:8765"


@pytest.mark.parametrize(("changes", "code", "field"), [
    ({"slug": "Zhejiang"}, "IDENTITY_FEDERATION_SLUG_INVALID", "slug"),
    ({"slug": "zj/1"}, "IDENTITY_FEDERATION_SLUG_INVALID", "slug"),
    ({"slug": ""}, "IDENTITY_FEDERATION_SLUG_INVALID", "slug"),
    ({"issuer": "http://id.zjzwfw.example.gov.cn"}, "IDENTITY_FEDERATION_ISSUER_INVALID", "issuer"),
    ({"issuer": "https://id.example.gov.cn/?tenant=1"}, "IDENTITY_FEDERATION_ISSUER_INVALID", "issuer"),
    ({"issuer": "id.zjzwfw.example.gov.cn"}, "IDENTITY_FEDERATION_ISSUER_INVALID", "issuer"),
    ({"scopes": "profile email"}, "IDENTITY_FEDERATION_SCOPE_OPENID_REQUIRED", "scopes"),
    ({"client_id": "  "}, "IDENTITY_FEDERATION_FIELD_REQUIRED", "client_id"),
    ({"name": ""}, "IDENTITY_FEDERATION_FIELD_REQUIRED", "name"),
    ({"id_number_claim": "id number"}, "IDENTITY_FEDERATION_CLAIM_NAME_INVALID", "id_number_claim"),
    ({"client_secret": ""}, "IDENTITY_FEDERATION_FIELD_REQUIRED", "client_secret"),
])
def test_bad_configuration_is_refused_and_changes_nothing_id_5(changes, code, field):
    """ID-5: each configuration mistake is refused with its code and field; nothing is stored."""
    # given the state before
    before = state()

    # when a provider with the mistake is created
    with pytest.raises(TongbanError) as refusal:
        create(**changes)

    # then the refusal names the field and nothing was stored
    assert (refusal.value.code, refusal.value.field) == (code, field)
    assert state() == before


def test_slug_is_taken_once_id_5():
    """ID-5: the slug names the callback URL, so two providers cannot share it."""
    # given a provider called zhejiang
    create()
    before = state()

    # when a second one is created under the same slug
    with pytest.raises(TongbanError) as refusal:
        create(name="另一个")

    # then it is refused and nothing changed
    assert refusal.value.code == "IDENTITY_FEDERATION_SLUG_TAKEN"
    assert state() == before


def test_update_keeps_the_secret_when_left_blank_and_forgets_the_cached_metadata_id_5():
    """ID-5: editing without a secret keeps it; a new issuer is never served the old issuer's cached keys."""
    # given a provider whose discovery document is cached
    provider = create()
    stored_secret = provider.client_secret_encrypted
    cache.set(client._cache_key("metadata", provider), {"issuer": "cached"}, 300)

    # when the operator changes the issuer and the name but leaves the secret blank
    updated = services.update_provider(None, provider, client_secret="", **{
        **SETTINGS, "issuer": "https://id2.zjzwfw.example.gov.cn", "name": "浙江政务服务网（新）",
    })

    # then the secret is unchanged, the cache entry gone, and the audit names what changed
    assert updated.client_secret_encrypted == stored_secret
    assert cache.get(client._cache_key("metadata", provider)) is None
    event = AuditEvent.objects.get(action="identity.federation.provider_updated")
    assert event.data == {"slug": "zhejiang", "changed": ["issuer", "name"], "secret_changed": False}


def test_update_replaces_the_secret_when_given_id_5():
    """ID-5: a new secret replaces the old one (encrypted)."""
    # given a provider
    provider = create()

    # when the operator enters a new secret
    updated = services.update_provider(None, provider, client_secret="rotated-secret", **SETTINGS)

    # then the new one is stored
    assert client.client_secret(updated) == "rotated-secret"
    assert AuditEvent.objects.get(action="identity.federation.provider_updated").data["secret_changed"] is True


def test_disable_and_enable_are_audited_once_id_5():
    """ID-5: disabling hides the provider from the login page; doing it twice records one event."""
    # given a provider
    provider = create()

    # when it is disabled twice, then enabled
    services.set_provider_enabled(None, provider, enabled=False)
    services.set_provider_enabled(None, provider, enabled=False)
    listed_while_disabled = services.enabled_providers()
    services.set_provider_enabled(None, provider, enabled=True)

    # then it was hidden while disabled, is listed again, and each real change was audited once
    assert listed_while_disabled == []
    assert services.enabled_providers() == [provider]
    assert list(AuditEvent.objects.filter(action__startswith="identity.federation.provider_").order_by("id")
                .values_list("action", flat=True)) == [
        "identity.federation.provider_created", "identity.federation.provider_disabled",
        "identity.federation.provider_enabled",
    ]


OPERATIONS = {
    "create": lambda actor, provider: create(actor, slug="jiangsu"),
    "update": lambda actor, provider: services.update_provider(actor, provider, **{**SETTINGS, "name": "改名"}),
    "disable": lambda actor, provider: services.set_provider_enabled(actor, provider, enabled=False),
}


@pytest.mark.parametrize("operation", list(OPERATIONS))
@pytest.mark.parametrize("actor_kind", [
    "anonymous", "applicant", *[role.value for role in StaffRole if role != StaffRole.PLATFORM_OPERATOR],
    StaffRole.PLATFORM_OPERATOR.value,
])
def test_only_platform_operators_configure_providers_id_5(operation, actor_kind):
    """ID-5: anonymous visitors, applicants and every other staff role are refused and change nothing."""
    # given a provider and the actor
    provider = create()
    if actor_kind == "anonymous":
        actor: Any = AnonymousUser()
    elif actor_kind == "applicant":
        actor = PersonFactory(level=2).user
    else:
        actor = staff(StaffRole(actor_kind), AgencyFactory())
    before = state()

    # when the actor tries the operation
    if actor_kind == StaffRole.PLATFORM_OPERATOR:
        OPERATIONS[operation](actor, provider)
        # then the operator succeeds
        assert state() != before
        return
    with pytest.raises(TongbanError) as refusal:
        OPERATIONS[operation](actor, provider)

    # then everybody else is refused and nothing changed
    expected = "IDENTITY_LOGIN_REQUIRED" if actor_kind == "anonymous" else "IDENTITY_ROLE_REQUIRED"
    assert refusal.value.code == expected
    assert state() == before
