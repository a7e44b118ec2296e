"""The catalogue REST API: public reading, and agencies' systems acting through bearer credentials."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from tests.factories import AgencyFactory, item_document, published_item
from tongban.agencies.services import issue_credential, revoke_credential
from tongban.catalogue.models import Announcement, ItemVersion, LifecycleRequest, ServiceItem
from tongban.catalogue.models.choices import ItemStatus, LifeEventKind, VersionState
from tongban.catalogue.services.guides import save_item_document
from tongban.catalogue.services.life_events import save_life_event
from tongban.core.workdays import add_workdays

pytestmark = pytest.mark.django_db

BASE = "/api/v1/catalogue"


@pytest.fixture
def agency():
    return AgencyFactory(name="上海市测试局")


@pytest.fixture
def token(agency):
    return issue_credential(agency, "业务系统")[1]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _post(client, path: str, body, token: str, key: str | None = None):
    headers = _bearer(token)
    if key is not None:
        headers["Idempotency-Key"] = key
    data = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    return client.post(f"{BASE}/{path}", data=data, content_type="application/json", headers=headers)


def test_items_lists_published_items_with_their_limits(client, agency):
    # given two published items and one draft
    first = published_item(agency, name="居住证申领")
    second = published_item(AgencyFactory(), item_type="public_service", name="老年综合津贴申请")
    save_item_document(item_document(agency), actor_label="t")
    # when the public lists items, then the published ones are listed in code order
    body = client.get(f"{BASE}/items").json()
    assert body["total"] == 2
    assert [row["implementation_code"] for row in body["items"]] == sorted(
        [first.implementation_code, second.implementation_code]
    )
    row = next(row for row in body["items"] if row["implementation_code"] == first.implementation_code)
    assert row == {
        "implementation_code": first.implementation_code, "basic_code": first.basic_item.basic_code,
        "name": "居住证申领", "agency_code": agency.code, "agency_name": "上海市测试局", "item_type": "licensing",
        "status": "in_service", "online_depth": "full_online", "in_person_trips": 0, "handling_kind": "promised",
        "promised_limit": {"value": 5, "unit": "working_days"},
        "statutory_limit": {"value": 20, "unit": "working_days"}, "is_citywide": False,
    }
    # and filters and search narrow the list
    filtered = client.get(f"{BASE}/items", {"item_type": "public_service"}).json()
    assert [row["name"] for row in filtered["items"]] == ["老年综合津贴申请"]
    assert client.get(f"{BASE}/items", {"q": "居住证"}).json()["items"][0]["name"] == "居住证申领"
    assert client.get(f"{BASE}/items", {"agency": agency.code}).json()["total"] == 1


def test_items_refuses_bad_parameters_with_codes(client):
    unknown = client.get(f"{BASE}/items", {"agency": "NOPE"})
    assert (unknown.status_code, unknown.json()["code"]) == (404, "CATALOGUE_AGENCY_NOT_FOUND")
    invalid = client.get(f"{BASE}/items", {"item_type": "magic", "limit": 500})
    assert invalid.status_code == 422
    assert invalid.json()["code"] == "API_REQUEST_INVALID"
    assert [problem["path"] for problem in invalid.json()["problems"]] == ["query.item_type", "query.limit"]


def test_item_2_item_guide_is_served_in_the_exchange_format(client, agency):
    """ITEM-2: the published guide is one document, the same the import format carries."""
    item = published_item(agency)
    response = client.get(f"{BASE}/items/{item.implementation_code}")
    assert response.status_code == 200
    body = response.json()
    assert (body["implementation_code"], body["status"], body["version"]) == (item.implementation_code,
                                                                              "in_service", 1)
    assert [material["code"] for material in body["guide"]["materials"]] == ["M01", "M02", "M03"]
    missing = client.get(f"{BASE}/items/NOPE")
    assert (missing.status_code, missing.json()["code"]) == (404, "CATALOGUE_ITEM_NOT_FOUND")


def test_item_2_materials_follow_the_situation_answers(client, agency):
    """ITEM-2: situation answers select the exact material list."""
    item = published_item(agency)
    url = f"{BASE}/items/{item.implementation_code}/materials"
    assert [m["code"] for m in client.get(url).json()["materials"]] == ["M01", "M02"]
    chosen = client.get(url, {"answers": "Q1.B"}).json()
    assert chosen["answers"] == ["Q1.B"]
    assert [m["code"] for m in chosen["materials"]] == ["M01", "M02", "M03"]
    assert chosen["materials"][2]["name"] == "授权委托书"
    unknown = client.get(url, {"answers": "Q1.B,Q9.Z"})
    assert (unknown.status_code, unknown.json()["code"], unknown.json()["field"]) == (
        422, "CATALOGUE_SITUATION_UNKNOWN", "answers"
    )


def test_item_11_life_events_are_listed(client, agency):
    """ITEM-11: published life events with their items."""
    items = [published_item(AgencyFactory()) for _ in range(3)]
    save_life_event(None, code="OPEN_SHOP", name="我要开餐馆", kind=LifeEventKind.ENTERPRISE, description="开餐馆",
                    lead_agency=agency, item_codes=[item.implementation_code for item in items], situations=[],
                    promised_limit_working_days=5, publish=True)
    body = client.get(f"{BASE}/life-events").json()
    assert [(event["code"], event["kind"], event["lead_agency_name"]) for event in body] == [
        ("OPEN_SHOP", "enterprise", "上海市测试局")
    ]
    assert [entry["implementation_code"] for entry in body[0]["items"]] == [i.implementation_code for i in items]


def test_item_10_one_trip_list_shows_items_with_at_most_one_trip(client, agency):
    """ITEM-10: the published "at most one trip" list: item, materials, process, time limit."""
    online = published_item(agency, in_person_trips=0)
    once = published_item(agency, in_person_trips=1)
    published_item(agency, in_person_trips=2)
    body = client.get(f"{BASE}/one-trip-items").json()
    assert body["total"] == 2
    assert [(row["implementation_code"], row["in_person_trips"]) for row in body["items"]] == sorted(
        [(online.implementation_code, 0), (once.implementation_code, 1)]
    )
    assert [step["name"] for step in body["items"][0]["process_steps"]] == ["申请", "审核", "办结"]
    assert [m["code"] for m in body["items"][0]["materials"]] == ["M01", "M02", "M03"]
    assert body["items"][0]["promised_limit"] == {"value": 5, "unit": "working_days"}


@pytest.mark.parametrize("header", [None, "Bearer nonsense", "Bearer tb_0000_secret", "Basic abc"])
def test_agency_endpoints_refuse_missing_or_invalid_tokens(client, agency, header):
    headers = {"Authorization": header} if header else {}
    response = client.post(f"{BASE}/guides", data="{}", content_type="application/json", headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == "AGENCIES_TOKEN_INVALID"
    assert response["WWW-Authenticate"] == 'Bearer realm="tongban"'


def test_revoked_token_is_refused(client, agency):
    credential, token = issue_credential(agency, "旧系统")
    item = published_item(agency)
    revoke_credential(credential)
    response = _post(client, f"items/{item.implementation_code}/requests", {"kind": "suspend", "reason": "r"}, token)
    assert (response.status_code, response.json()["code"]) == (401, "AGENCIES_TOKEN_INVALID")
    assert LifecycleRequest.objects.filter(kind="suspend").count() == 0


def test_guides_are_imported_as_drafts_of_the_callers_agency(client, agency, token):
    document = {"format": "tongban.catalogue/1", "items": [item_document(agency), item_document(agency)]}
    response = _post(client, "guides", document, token)
    assert response.status_code == 201
    assert response.json()["new_drafts"] == 2
    assert ItemVersion.objects.filter(state=VersionState.DRAFT).count() == 2
    assert ItemVersion.objects.first().created_by_label.startswith("API ")


def test_guides_with_problems_answer_422_with_every_problem(client, agency, token):
    broken = item_document(agency, basic_code="0100000001AAA")
    response = _post(client, "guides", {"format": "tongban.catalogue/1", "items": [item_document(agency), broken]},
                     token)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "CATALOGUE_GUIDE_INVALID"
    assert [(p["path"], p["code"]) for p in body["problems"]] == [
        ("$.items[1].basic_item.basic_code", "CATALOGUE_BASIC_CODE_MALFORMED"),
        ("$.items[1].implementation_code", "CATALOGUE_IMPLEMENTATION_CODE_MALFORMED"),
    ]
    syntax = _post(client, "guides", '{"items": [', token)
    assert syntax.status_code == 422
    assert syntax.json()["problems"][0]["message"].startswith("JSON 语法错误：第 1 行")
    assert ServiceItem.objects.count() == 0


def test_guides_of_another_agency_are_refused_with_403(client, agency, token):
    other = AgencyFactory(name="上海市另一局")
    document = {"format": "tongban.catalogue/1", "items": [item_document(agency), item_document(other)]}
    response = _post(client, "guides", document, token)
    assert response.status_code == 403
    assert response.json() == {
        "code": "AGENCIES_AGENCY_MISMATCH", "field": "$.items[1].agency",
        "message": "该操作涉及接入单位“上海市另一局”，当前凭证属于“上海市测试局”，无权办理",
    }
    assert ServiceItem.objects.count() == 0


def test_item_5_open_request_is_filed_through_the_api_and_its_steps_are_readable(client, agency, token):
    """ITEM-5: an agency's system files a draft for opening; the authority's 2-day stage starts."""
    # given an imported draft
    document = item_document(agency)
    code = document["implementation_code"]
    _post(client, "guides", {"format": "tongban.catalogue/1", "items": [document]}, token)
    # when the system files it for opening
    response = _post(client, f"items/{code}/requests", {"kind": "open", "reason": "新事项上线"}, token)
    # then the request waits for the authority, due in 2 working days, and the version is frozen
    assert response.status_code == 201
    body = response.json()
    today = timezone.localdate()
    assert (body["kind"], body["state"], body["version"]) == ("open", "awaiting_authority", 1)
    assert body["due_on"] == add_workdays(today, 2).isoformat()
    assert [(step["action"], step["to_state"]) for step in body["steps"]] == [("filed", "awaiting_authority")]
    assert ItemVersion.objects.get(item__implementation_code=code).state == VersionState.IN_REVIEW
    # and its status can be read back
    status = client.get(f"{BASE}/requests/{body['id']}", headers=_bearer(token))
    assert status.status_code == 200
    assert status.json() == body
    # and a second opening request finds no draft left
    again = _post(client, f"items/{code}/requests", {"kind": "open", "reason": "再次"}, token)
    assert (again.status_code, again.json()["code"]) == (409, "CATALOGUE_NO_DRAFT")


def test_item_6_status_change_maintenance_and_urgent_suspension_through_the_api(client, agency, token):
    """ITEM-6: suspension requests, maintenance windows (5 working days ahead) and urgent suspension."""
    item = published_item(agency)
    path = f"items/{item.implementation_code}/requests"
    missing = _post(client, path, {"kind": "maintenance", "reason": "升级"}, token)
    assert (missing.status_code, missing.json()["code"], missing.json()["field"]) == (
        422, "CATALOGUE_FIELD_REQUIRED", "starts_on"
    )
    too_soon = _post(client, path, {"kind": "maintenance", "reason": "升级", "starts_on": str(timezone.localdate()),
                                    "ends_on": str(timezone.localdate())}, token)
    assert (too_soon.status_code, too_soon.json()["code"]) == (422, "CATALOGUE_MAINTENANCE_TOO_LATE")
    starts = add_workdays(timezone.localdate(), 6)
    planned = _post(client, path, {"kind": "maintenance", "reason": "升级", "starts_on": str(starts),
                                   "ends_on": str(starts)}, token)
    assert (planned.status_code, planned.json()["state"]) == (201, "awaiting_execution")
    urgent = _post(client, path, {"kind": "urgent_suspension", "reason": "系统故障", "announcement_title": "暂停公告",
                                  "announcement_body": "因系统故障暂停受理"}, token)
    assert (urgent.status_code, urgent.json()["kind"]) == (201, "urgent_suspension")
    item.refresh_from_db()
    assert item.status == ItemStatus.SUSPENDED
    assert Announcement.objects.get(item=item).title == "暂停公告"
    resume = _post(client, path, {"kind": "resume", "reason": "已修复"}, token)
    assert (resume.status_code, resume.json()["code"]) == (409, "CATALOGUE_REQUEST_PENDING")


def test_another_agencys_item_is_refused_with_403_and_nothing_changes(client, agency, token):
    # given an item of another agency
    foreign = published_item(AgencyFactory(name="上海市另一局"))
    # when this agency's system asks to suspend it, then it is refused
    response = _post(client, f"items/{foreign.implementation_code}/requests", {"kind": "suspend", "reason": "r"},
                     token)
    assert (response.status_code, response.json()["code"]) == (403, "AGENCIES_AGENCY_MISMATCH")
    assert LifecycleRequest.objects.filter(kind="suspend").count() == 0
    # and that agency's requests cannot be read either
    other_token = issue_credential(foreign.agency, "另一系统")[1]
    filed = _post(client, f"items/{foreign.implementation_code}/requests", {"kind": "suspend", "reason": "r"},
                  other_token).json()
    read = client.get(f"{BASE}/requests/{filed['id']}", headers=_bearer(token))
    assert (read.status_code, read.json()["code"]) == (403, "AGENCIES_AGENCY_MISMATCH")
    missing = client.get(f"{BASE}/requests/999999", headers=_bearer(token))
    assert (missing.status_code, missing.json()["code"]) == (404, "CATALOGUE_REQUEST_NOT_FOUND")


def test_idempotent_post_with_the_same_key_files_one_request(client, agency, token):
    # given a published item
    item = published_item(agency)
    path = f"items/{item.implementation_code}/requests"
    body = {"kind": "suspend", "reason": "年度调整"}
    # when the same request is posted twice with one key
    first = _post(client, path, body, token, key="req-0001")
    second = _post(client, path, body, token, key="req-0001")
    # then one request exists and the second answer repeats the first
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert LifecycleRequest.objects.filter(kind="suspend").count() == 1
    # and the key cannot be reused for a different request
    reused = _post(client, path, {"kind": "terminate", "reason": "另一请求"}, token, key="req-0001")
    assert (reused.status_code, reused.json()["code"]) == (409, "AGENCIES_IDEMPOTENCY_KEY_REUSED")


def test_refused_post_is_not_remembered_under_its_key(client, agency, token):
    # given an import refused for a problem under key imp-1
    document = item_document(agency)
    broken = {**document, "agency": "NOPE"}
    refused = _post(client, "guides", {"format": "tongban.catalogue/1", "items": [broken]}, token, key="imp-1")
    assert (refused.status_code, refused.json()["code"]) == (422, "CATALOGUE_GUIDE_INVALID")
    # when the corrected file is sent under the same key, then it is imported: the refusal changed nothing
    fixed = _post(client, "guides", {"format": "tongban.catalogue/1", "items": [document]}, token, key="imp-1")
    assert fixed.status_code == 201
    # and from then on the key answers with that import
    replay = _post(client, "guides", {"format": "tongban.catalogue/1", "items": [document]}, token, key="imp-1")
    assert replay.json() == fixed.json()
    assert ServiceItem.objects.count() == 1


def test_oversized_import_body_is_refused_with_413(client, agency, token, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    document = {"format": "tongban.catalogue/1", "items": [item_document(agency)]}
    response = _post(client, "guides", document, token)
    assert (response.status_code, response.json()["code"]) == (413, "CATALOGUE_BODY_TOO_LARGE")
    assert ServiceItem.objects.count() == 0
