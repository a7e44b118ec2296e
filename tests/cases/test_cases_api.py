"""The case-exchange API for agency systems (PLAT-3): subscriptions, cases, reported transitions."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from tests.cases.builders import Scene, scene, submitted
from tests.factories import AgencyFactory
from tongban.agencies.services import issue_credential
from tongban.cases.models import Case, CaseEvent, CaseState, Decision, Subscription, WebhookDelivery
from tongban.cases.services import exchange
from tongban.core.models import AuditEvent

pytestmark = pytest.mark.django_db

BASE = "/api/v1/cases"
RECEIVER = "https://bureau.example.gov.cn/tongban/webhooks"


def _headers(token: str, key: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return headers


def _post(client, path: str, body: dict[str, Any], token: str, key: str | None = None):  # type: ignore[no-untyped-def]
    return client.post(f"{BASE}/{path}", data=json.dumps(body, ensure_ascii=False), content_type="application/json",
                       headers=_headers(token, key))


def _report(client, case: Case, token: str, key: str | None, **body: Any):  # type: ignore[no-untyped-def]
    return _post(client, f"{case.number}/transitions", body, token, key)


@pytest.fixture
def the() -> Scene:
    return scene(integration_mode=3)


@pytest.fixture
def token(the: Scene) -> str:
    return issue_credential(the.bureau, "公安业务系统")[1]


def _events(case: Case, action: str) -> int:
    return CaseEvent.objects.filter(case=case, action=action).count()


# Subscriptions


def test_plat_3_an_agency_system_subscribes_lists_and_deletes_its_webhooks(client, the: Scene, token: str):
    """PLAT-3: the secret is in the creation answer only; the list never shows it; deleting stops it."""
    # when the agency system subscribes to one event type of one item
    response = _post(client, "subscriptions", {"url": RECEIVER, "event_types": ["case.submitted"],
                                                "item_codes": [the.item.implementation_code]}, token)
    # then it gets its id and the secret, stored encrypted for the bureau
    assert response.status_code == 201
    created = response.json()
    subscription = Subscription.objects.get(pk=created["id"])
    assert created["secret"] == exchange.subscription_secret(subscription)
    assert subscription.agency == the.bureau
    assert (created["url"], created["event_types"], created["item_codes"]) == (
        RECEIVER, ["case.submitted"], [the.item.implementation_code])
    # when it lists its subscriptions, then the secret is not shown again
    listed = client.get(f"{BASE}/subscriptions", headers=_headers(token)).json()
    assert [row["id"] for row in listed] == [created["id"]]
    assert listed[0]["secret"] is None
    # when it deletes the subscription, then it is gone from the list
    deleted = client.delete(f"{BASE}/subscriptions/{created['id']}", headers=_headers(token))
    assert deleted.status_code == 204
    assert client.get(f"{BASE}/subscriptions", headers=_headers(token)).json() == []


def test_plat_3_a_bad_subscription_answers_422_with_its_code(client, token: str):
    """PLAT-3: an unknown event type is refused with a stable code; nothing is stored."""
    response = _post(client, "subscriptions", {"url": RECEIVER, "event_types": ["case.teleported"]}, token)
    assert response.status_code == 422
    assert response.json()["code"] == "EXCHANGE_EVENT_TYPE_UNKNOWN"
    assert Subscription.objects.count() == 0


def test_plat_3_another_agencys_subscription_is_not_found(client, the: Scene, token: str):
    """PLAT-3: a credential cannot see or delete another agency's subscription (404)."""
    # given another agency's subscription
    other_token = issue_credential(AgencyFactory(), "他单位系统")[1]
    created = _post(client, "subscriptions", {"url": RECEIVER}, other_token).json()
    # when the bureau's system tries to delete it, then it is not found and stays active
    response = client.delete(f"{BASE}/subscriptions/{created['id']}", headers=_headers(token))
    assert response.status_code == 404
    assert response.json()["code"] == "EXCHANGE_SUBSCRIPTION_NOT_FOUND"
    assert Subscription.objects.get(pk=created["id"]).is_active


def test_plat_3_every_call_needs_a_valid_bearer_token(client, the: Scene):
    """PLAT-3: without a credential the API answers 401 with the agencies' code."""
    response = client.get(f"{BASE}/subscriptions")
    assert response.status_code == 401
    assert response.json()["code"] == "AGENCIES_TOKEN_INVALID"


def test_sec_3_a_cut_off_agency_is_refused_on_every_call(client, the: Scene, token: str):
    """SEC-3: the operator cut the agency off: its system can neither subscribe nor report (403)."""
    # given a submitted case and the bureau cut off
    case = submitted(the)
    the.bureau.is_cut_off = True
    the.bureau.cut_off_reason = "接口异常流量"
    the.bureau.save()
    # when its system calls, then each call is refused with the reason, changing nothing
    for response in (
        _post(client, "subscriptions", {"url": RECEIVER}, token),
        client.get(f"{BASE}/{case.number}", headers=_headers(token)),
        _report(client, case, token, "k-1", action="accept"),
    ):
        assert response.status_code == 403
        assert response.json()["code"] == "EXCHANGE_AGENCY_CUT_OFF"
        assert "接口异常流量" in response.json()["message"]
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED


# Reading cases


def test_plat_3_the_agency_reads_its_own_case_with_form_and_materials(client, the: Scene, token: str):
    """PLAT-3: GET /cases/{number} answers what the webhook carries; listing finds it by state."""
    # given a submitted case
    case = submitted(the)
    # when the agency system reads it, then it is the webhook's case object
    response = client.get(f"{BASE}/{case.number}", headers=_headers(token))
    assert response.status_code == 200
    assert response.json() == exchange.case_payload(case)
    # and the list by state finds it
    page = client.get(f"{BASE}/?state=submitted", headers=_headers(token)).json()
    assert page["count"] == 1 and [row["number"] for row in page["results"]] == [case.number]


def test_plat_3_another_agencys_case_is_not_found(client, the: Scene):
    """PLAT-3: reading or reporting on another agency's case answers 404, changing nothing."""
    # given a case of the bureau and another agency's credential
    case = submitted(the)
    other_token = issue_credential(AgencyFactory(), "他单位系统")[1]
    # when the other agency reads it or reports a transition on it
    read = client.get(f"{BASE}/{case.number}", headers=_headers(other_token))
    reported = _report(client, case, other_token, "k-1", action="accept")
    # then both are not found and the case is unchanged
    assert (read.status_code, reported.status_code) == (404, 404)
    assert reported.json()["code"] == "EXCHANGE_CASE_NOT_FOUND"
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED


def test_plat_3_the_agency_downloads_a_material_and_the_read_is_audited(client, the: Scene, token: str):
    """PLAT-3: the material's bytes match the SHA-256 in the payload; the download is audited."""
    # given a submitted case with an uploaded material
    case = submitted(the)
    material = next(entry for entry in exchange.case_payload(case)["materials"] if entry["download_url"])
    # when the agency system downloads it
    response = client.get(material["download_url"], headers=_headers(token))
    # then the content is the uploaded file, and the read is in the audit log
    assert response.status_code == 200
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == material["sha256"]
    event = AuditEvent.objects.get(action="cases.material.downloaded")
    assert event.data["case"] == case.number and event.data["material"] == material["code"]


# Reporting transitions


def test_plat_3_the_same_idempotency_key_twice_has_one_effect(client, the: Scene, token: str):
    """PLAT-3: a repeated callback with the same key gets the first answer back and changes nothing."""
    # given a submitted mode-3 case
    case = submitted(the)
    # when the agency system reports acceptance twice with the same key
    first = _report(client, case, token, "accept-1", action="accept", agency_reference="GA-2026-001")
    second = _report(client, case, token, "accept-1", action="accept", agency_reference="GA-2026-001")
    # then both answers are the same, the second marked as a replay, and the case was accepted once
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert first.json()["state"] == "accepted" and first.json()["agency_reference"] == "GA-2026-001"
    assert second["Idempotent-Replayed"] == "true"
    assert _events(case, "accepted") == 1
    assert WebhookDelivery.objects.filter(case=case, event_type="case.accepted").count() == 0  # no subscription
    case.refresh_from_db()
    assert (case.state, case.agency_system_reference) == (CaseState.ACCEPTED, "GA-2026-001")


def test_plat_3_the_same_transition_under_a_new_key_is_refused_with_the_current_state(client, the: Scene,
                                                                                       token: str):
    """PLAT-3: a duplicate transition under another key: 409 with the case's state and lock version."""
    # given a case the agency system has accepted
    case = submitted(the)
    _report(client, case, token, "accept-1", action="accept")
    case.refresh_from_db()
    # when it reports acceptance again under a new key
    response = _report(client, case, token, "accept-2", action="accept")
    # then it is refused with the case's current state, and the case is accepted once
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "CASE_WRONG_STATE"
    assert (body["case_state"], body["lock_version"]) == ("accepted", case.lock_version)
    assert _events(case, "accepted") == 1


def test_plat_3_a_transition_without_an_idempotency_key_is_refused(client, the: Scene, token: str):
    """PLAT-3: callbacks must carry an Idempotency-Key (428), changing nothing."""
    case = submitted(the)
    response = _report(client, case, token, None, action="accept")
    assert response.status_code == 428
    assert response.json()["code"] == "EXCHANGE_IDEMPOTENCY_KEY_REQUIRED"
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED


def test_plat_3_an_out_of_order_callback_is_refused_with_a_clear_code(client, the: Scene, token: str):
    """PLAT-3: a decision reported before acceptance: 409 CASE_WRONG_STATE; no decision recorded."""
    case = submitted(the)
    response = _report(client, case, token, "decide-1", action="decide", approve=True, reasons="符合条件")
    assert response.status_code == 409
    assert (response.json()["code"], response.json()["case_state"]) == ("CASE_WRONG_STATE", "submitted")
    assert Decision.objects.filter(case=case).count() == 0


def test_plat_3_a_stale_lock_version_is_refused(client, the: Scene, token: str):
    """PLAT-3: the agency system's view of the case is outdated (expected_lock_version): 409 CASE_STALE."""
    case = submitted(the)
    response = _report(client, case, token, "accept-1", action="accept",
                       expected_lock_version=case.lock_version - 1)
    assert response.status_code == 409
    assert response.json()["code"] == "CASE_STALE"
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED


def test_plat_3_a_refused_callback_stores_no_answer_and_may_be_retried_under_its_key(client, the: Scene,
                                                                                      token: str):
    """PLAT-3: a refusal is not remembered: fixing the body and retrying with the same key works."""
    case = submitted(the)
    refused = _report(client, case, token, "refuse-1", action="refuse")
    assert refused.status_code == 422
    assert (refused.json()["code"], refused.json()["field"]) == ("EXCHANGE_FIELD_REQUIRED", "reasons")
    retried = _report(client, case, token, "refuse-2", action="refuse", reasons="不属于本机关职权范围")
    assert retried.status_code == 200 and retried.json()["state"] == "refused"


def test_plat_3_one_key_for_two_different_requests_is_refused(client, the: Scene, token: str):
    """PLAT-3: reusing a key for a different body is a client error (409), not a replay."""
    case = submitted(the)
    _report(client, case, token, "key-1", action="accept")
    response = _report(client, case, token, "key-1", action="start_review")
    assert response.status_code == 409
    assert response.json()["code"] == "AGENCIES_IDEMPOTENCY_KEY_REUSED"
    case.refresh_from_db()
    assert case.state == CaseState.ACCEPTED


def test_plat_3_only_mode_3_cases_are_handled_through_the_api(client, token: str):
    """PLAT-3: a mode-2 case is handled in the workbench; a callback on it is refused (409)."""
    # given a mode-2 item's case at an agency with a credential
    mode_2 = scene(integration_mode=2)
    case = submitted(mode_2)
    mode_2_token = issue_credential(mode_2.bureau, "业务系统")[1]
    response = _report(client, case, mode_2_token, "accept-1", action="accept")
    assert response.status_code == 409
    assert response.json()["code"] == "EXCHANGE_NOT_MODE_THREE"


def test_plat_3_an_unknown_action_is_a_request_error(client, the: Scene, token: str):
    """PLAT-3: an action outside the state machine's list answers 422 (request shape)."""
    case = submitted(the)
    response = _report(client, case, token, "x-1", action="teleport")
    assert response.status_code == 422
    assert response.json()["code"] == "API_REQUEST_INVALID"


def test_plat_3_the_agency_system_takes_a_case_from_acceptance_to_conclusion(client, the: Scene, token: str):
    """PLAT-3 / CASE-1: every handling transition reported through the API, each once, in order."""
    # given a submitted case and a subscription for its events
    case = submitted(the)
    _post(client, "subscriptions", {"url": RECEIVER}, token)
    steps = [
        {"action": "accept", "agency_reference": "GA-2026-002"},
        {"action": "start_review"},
        {"action": "decide", "approve": True, "reasons": "材料齐全，符合法定条件", "effective_on": "2026-06-02",
         "expires_on": "2027-06-01"},
        {"action": "issue_result"},
        {"action": "deliver", "method": "electronic"},
        {"action": "conclude"},
    ]
    states = []
    for number, step in enumerate(steps):
        response = _report(client, case, token, f"step-{number}", **step)
        assert response.status_code == 200, response.json()
        states.append(response.json()["state"])
    # then the case went through every state and ended concluded, with its decision on record
    assert states == ["accepted", "under_review", "approved", "result_issued", "delivered", "concluded"]
    decision = Decision.objects.get(case=case)
    assert (str(decision.effective_on), str(decision.expires_on)) == ("2026-06-02", "2027-06-01")
    # and each transition published its event to the subscription, carrying the agency's reference
    events = list(WebhookDelivery.objects.filter(case=case).order_by("id").values_list("event_type", flat=True))
    assert events == ["case.accepted", "case.review_started", "case.approved", "case.result_issued",
                      "case.delivered", "case.concluded"]
    assert {row.payload["case"]["agency_reference"] for row in WebhookDelivery.objects.filter(case=case)} == {
        "GA-2026-002"}


def test_plat_3_a_correction_request_names_guide_materials_only(client, the: Scene, token: str):
    """PLAT-3 / CASE-3 / CASE-4: the agency system's correction notice lists guide materials; others are refused."""
    case = submitted(the)
    code = case.materials.select_related("guide_material").first().guide_material.code
    refused = _report(client, case, token, "c-1", action="request_correction",
                      items=[{"code": "NOT-IN-GUIDE", "reason": "缺少"}])
    assert (refused.status_code, refused.json()["code"]) == (422, "CASE_MATERIAL_NOT_IN_GUIDE")
    accepted = _report(client, case, token, "c-2", action="request_correction",
                       items=[{"code": code, "reason": "复印件不清晰"}], note="请一次性补正")
    assert accepted.status_code == 200 and accepted.json()["state"] == "correction_requested"
