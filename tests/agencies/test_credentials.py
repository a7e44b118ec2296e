"""Agencies' API credentials: tokens shown once, stored hashed, refused once revoked; idempotent calls."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command

from tests.factories import AgencyFactory
from tongban.agencies.models import ApiCredential, IdempotencyRecord
from tongban.agencies.services import (
    ApiResponse,
    authenticate_token,
    idempotent,
    issue_credential,
    request_fingerprint,
    require_same_agency,
    revoke_credential,
)
from tongban.core.errors import TongbanError
from tongban.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_issued_token_authenticates_and_only_its_hash_is_stored():
    # given a credential issued for an agency
    agency = AgencyFactory()
    credential, token = issue_credential(agency, "审批系统")
    # then the token is tb_<key_id>_<secret> with a 32-byte secret, and only the secret's SHA-256 is stored
    prefix, key_id, secret = token.split("_", 2)
    assert (prefix, key_id) == ("tb", credential.key_id)
    assert len(secret) == 43
    assert credential.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiCredential.objects.filter(pk=credential.pk).values().get())
    # and the token authenticates as that credential, noting when it was used
    found = authenticate_token(token)
    assert (found.pk, found.agency) == (credential.pk, agency)
    assert ApiCredential.objects.get(pk=credential.pk).last_used_at is not None
    assert AuditEvent.objects.get(action="agencies.credential.issued").data == {"name": "审批系统", "key_id": key_id}


@pytest.mark.parametrize("mangle", [
    lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # wrong secret
    lambda token: "tb_ffffffffffffffff_" + token.split("_", 2)[2],  # unknown key id
    lambda token: token.replace("tb_", "xx_", 1),  # wrong prefix
    lambda token: "tb_",
    lambda token: "",
])
def test_wrong_tokens_do_not_authenticate(mangle):
    _credential, token = issue_credential(AgencyFactory(), "系统")
    assert authenticate_token(mangle(token)) is None


def test_revoked_credential_no_longer_authenticates():
    credential, token = issue_credential(AgencyFactory(), "系统")
    revoke_credential(credential, actor="shell")
    assert authenticate_token(token) is None
    with pytest.raises(TongbanError) as refusal:
        revoke_credential(credential)
    assert refusal.value.code == "AGENCIES_CREDENTIAL_ALREADY_REVOKED"
    assert AuditEvent.objects.get(action="agencies.credential.revoked").actor_label == "shell"


def test_credential_needs_a_name():
    with pytest.raises(TongbanError) as refusal:
        issue_credential(AgencyFactory(), "  ")
    assert (refusal.value.code, refusal.value.field) == ("AGENCIES_CREDENTIAL_NAME_REQUIRED", "name")
    assert ApiCredential.objects.count() == 0


def test_require_same_agency_refuses_another_agency():
    own, other = AgencyFactory(name="甲局"), AgencyFactory(name="乙局")
    credential, _token = issue_credential(own, "系统")
    require_same_agency(credential, own)
    with pytest.raises(TongbanError) as refusal:
        require_same_agency(credential, other)
    assert refusal.value.code == "AGENCIES_AGENCY_MISMATCH"
    assert refusal.value.message == "该操作涉及接入单位“乙局”，当前凭证属于“甲局”，无权办理"


def test_idempotent_runs_the_action_once_per_key():
    # given a credential and an action that counts its runs
    credential, _token = issue_credential(AgencyFactory(), "系统")
    runs = []

    def action() -> ApiResponse:
        runs.append(1)
        return ApiResponse(201, {"run": len(runs)})

    fingerprint = request_fingerprint("POST", "/x", b"{}")
    # when called twice with one key, then the action ran once and the second answer is a replay
    first = idempotent(credential, "k1", fingerprint, action)
    second = idempotent(credential, "k1", fingerprint, action)
    assert (first, second) == (ApiResponse(201, {"run": 1}), ApiResponse(201, {"run": 1}, replayed=True))
    assert len(runs) == 1
    # and without a key it runs every time
    idempotent(credential, None, fingerprint, action)
    assert len(runs) == 2
    # and a different request under the same key, or a bad key, is refused
    with pytest.raises(TongbanError) as reused:
        idempotent(credential, "k1", request_fingerprint("POST", "/x", b"[]"), action)
    assert reused.value.code == "AGENCIES_IDEMPOTENCY_KEY_REUSED"
    with pytest.raises(TongbanError) as invalid:
        idempotent(credential, "x" * 201, fingerprint, action)
    assert invalid.value.code == "AGENCIES_IDEMPOTENCY_KEY_INVALID"
    assert IdempotencyRecord.objects.count() == 1


def test_cli_creates_a_credential_printing_the_token_once_and_revokes_it():
    # given an agency
    agency = AgencyFactory(code="SHGA", name="上海市公安局")
    out, err = io.StringIO(), io.StringIO()
    # when a credential is created from the shell, then stdout holds only the token, which works
    call_command("agency-credential", "create", "SHGA", "户政系统", stdout=out, stderr=err)
    token = out.getvalue().strip()
    credential = authenticate_token(token)
    assert (credential.agency, credential.name) == (agency, "户政系统")
    assert err.getvalue() == f"已为“上海市公安局”签发凭证 {credential.key_id}；令牌只显示这一次，请妥善保存\n"
    # and revoking it by key id stops it
    out = io.StringIO()
    call_command("agency-credential", "revoke", credential.key_id, stdout=out)
    assert out.getvalue() == f"凭证 {credential.key_id} 已吊销\n"
    assert authenticate_token(token) is None


def test_cli_refuses_an_unknown_agency_or_credential():
    with pytest.raises(CommandError) as unknown_agency:
        call_command("agency-credential", "create", "NOPE", "系统")
    assert (str(unknown_agency.value), unknown_agency.value.returncode) == (
        "AGENCIES_AGENCY_NOT_FOUND  接入单位 NOPE 不存在", 1
    )
    with pytest.raises(CommandError) as unknown_key:
        call_command("agency-credential", "revoke", "0000")
    assert str(unknown_key.value) == "AGENCIES_CREDENTIAL_NOT_FOUND  凭证 0000 不存在"


def test_admin_lists_credentials_without_secrets_and_revokes_through_the_service(admin_client):
    # given an active credential
    credential, token = issue_credential(AgencyFactory(), "系统")
    # when a superuser opens the list, then the key id shows and the secret hash does not
    page = admin_client.get("/admin/agencies/apicredential/")
    assert page.status_code == 200
    assert credential.key_id in page.content.decode()
    assert credential.secret_hash not in page.content.decode()
    # and the revoke action revokes it, audited
    admin_client.post("/admin/agencies/apicredential/",
                      {"action": "revoke", "_selected_action": [credential.pk]})
    assert authenticate_token(token) is None
    assert AuditEvent.objects.filter(action="agencies.credential.revoked").count() == 1
