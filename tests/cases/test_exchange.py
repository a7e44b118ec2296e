"""Mode 3 (PLAT-3) exchange services: subscriptions and the transactional outbox; SEC-3 withholding."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.cases.builders import scene, submitted
from tests.cases.exchange_builders import RECEIVER, FakeReceiver, credential, make_case, subscribe
from tests.factories import AgencyFactory, published_item
from tongban.cases.errors import ExchangeError
from tongban.cases.models import DeliveryAttempt, DeliveryState, Subscription, WebhookDelivery
from tongban.cases.services import delivery, exchange, handling
from tongban.cases.tasks import deliver_due_webhooks
from tongban.core import crypto
from tongban.core.errors import TongbanError
from tongban.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> FakeReceiver:
    fake = FakeReceiver()
    monkeypatch.setattr(delivery.requests, "post", fake)
    return fake


def test_plat_3_subscribing_returns_a_generated_secret_once_and_stores_it_encrypted():
    """PLAT-3: the platform generates the shared secret; the row holds only its ciphertext; audited."""
    # given an agency with a credential
    agency = AgencyFactory()
    # when its system subscribes to two event types
    subscription, secret = subscribe(agency, event_types=["case.submitted", "case.accepted"])
    # then the secret is fresh and strong, stored encrypted under its own context, and the event sorted
    assert secret.startswith("whsec_") and len(secret) > 40
    assert secret not in subscription.secret_encrypted
    assert crypto.decrypt(subscription.secret_encrypted, context="cases.subscription_secret") == secret
    assert exchange.subscription_secret(subscription) == secret
    assert subscription.event_types == ["case.accepted", "case.submitted"]
    assert subscription.agency == agency
    event = AuditEvent.objects.get(action="cases.subscription.created")
    assert event.agency_id == agency.pk and secret not in json.dumps(event.data)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"url": "ftp://bureau.example.gov.cn/hook"}, "EXCHANGE_URL_INVALID"),
        ({"url": "https://user:pw@bureau.example.gov.cn/hook"}, "EXCHANGE_URL_INVALID"),
        ({"url": "not a url"}, "EXCHANGE_URL_INVALID"),
        ({"event_types": ["case.exploded"]}, "EXCHANGE_EVENT_TYPE_UNKNOWN"),
        ({"item_codes": ["NOT-OURS"]}, "EXCHANGE_ITEM_NOT_OWN"),
    ],
)
def test_plat_3_a_bad_subscription_is_refused_and_nothing_is_stored(changes: dict[str, Any], code: str):
    """PLAT-3: a subscription with a bad address, an unknown event or a foreign item is refused, changing nothing."""
    # given an agency
    agency = AgencyFactory()
    system = credential(agency)
    # when a bad subscription is registered
    arguments = {"url": RECEIVER, "event_types": [], "item_codes": [], **changes}
    with pytest.raises(TongbanError) as refused:
        exchange.subscribe(system, **arguments)
    # then it is refused with its code and nothing is stored
    assert refused.value.code == code
    assert Subscription.objects.count() == 0


def test_plat_3_an_item_filter_must_name_the_agencys_own_items():
    """PLAT-3: an agency filters by its own items only; another agency's item code is refused."""
    # given two agencies, each with an item
    own, foreign = AgencyFactory(), AgencyFactory()
    own_item, foreign_item = published_item(own), published_item(foreign)
    # when the first subscribes to its own item, it works; to the other's, it is refused
    subscription, _secret = subscribe(own, item_codes=[own_item.implementation_code])
    assert subscription.item_codes == [own_item.implementation_code]
    with pytest.raises(TongbanError) as refused:
        subscribe(own, item_codes=[foreign_item.implementation_code])
    assert refused.value.error == ExchangeError.ITEM_NOT_OWN
    assert Subscription.objects.count() == 1


def test_plat_3_publish_writes_one_outbox_row_per_matching_subscription():
    """PLAT-3: events are filtered by agency, event type and item; inactive subscriptions get nothing."""
    # given an agency with two items and five subscriptions, and another agency's subscription
    agency = AgencyFactory()
    item, other_item = published_item(agency), published_item(agency)
    everything, _ = subscribe(agency)
    submitted_only, _ = subscribe(agency, event_types=["case.submitted"])
    subscribe(agency, event_types=["case.concluded"])
    subscribe(agency, item_codes=[other_item.implementation_code])
    inactive, _ = subscribe(agency)
    exchange.unsubscribe(inactive.credential, inactive.pk)
    subscribe(AgencyFactory())
    case = make_case(item)
    # when the case is submitted
    deliveries = exchange.publish_case_event(case, "case.submitted")
    # then exactly the two matching subscriptions get a pending row, due now, with distinct event ids
    assert sorted(row.subscription_id for row in deliveries) == sorted([everything.pk, submitted_only.pk])
    assert {row.state for row in deliveries} == {DeliveryState.PENDING}
    assert len({row.event_id for row in deliveries}) == 2
    assert WebhookDelivery.objects.count() == 2
    assert all(row.next_attempt_at <= timezone.now() for row in deliveries)


def test_plat_3_the_payload_carries_what_a_mode_3_agency_system_needs():
    """PLAT-3: the webhook payload: event id and type, time, and the case with form data and materials."""
    # given a mode-3 item, a subscription and a case submitted through the application services
    the = scene(integration_mode=3)
    subscribe(the.bureau)
    # when the applicant submits
    case = submitted(the)
    # then one case.submitted row carries the case as the agency system needs it
    row = WebhookDelivery.objects.get(case=case)
    payload = row.payload
    assert row.event_type == "case.submitted" and payload["event_id"] == row.event_id
    assert payload["event_type"] == "case.submitted"
    assert datetime.datetime.fromisoformat(payload["occurred_at"]) <= timezone.now()
    body = payload["case"]
    assert {key: body[key] for key in ("number", "item_code", "version_number", "integration_mode", "state",
                                       "lock_version", "channel", "form_data")} == {
        "number": case.number, "item_code": the.item.implementation_code, "version_number": case.version.number,
        "integration_mode": 3, "state": "submitted", "lock_version": case.lock_version, "channel": "pc",
        "form_data": {"applicant_name": "张三", "reason": "就业"},
    }
    assert body["submitted_at"] == case.submitted_at.isoformat()
    assert body["due_on"] == case.due_on.isoformat()
    assert body["applicant"] == {"name": "张三", "enterprise": None}
    provided = {material.guide_material.code: material for material in case.materials.select_related(
        "guide_material", "document_version")}
    assert [entry["code"] for entry in body["materials"]] == sorted(provided)
    for entry in body["materials"]:
        material = provided[entry["code"]]
        assert entry["name"] == material.guide_material.name and entry["provision"] == material.provision
        if material.document_version is not None:
            assert entry["sha256"] == material.document_version.sha256
            assert entry["download_url"] == f"/api/v1/cases/{case.number}/materials/{entry['code']}"


def test_plat_3_every_transition_of_the_state_machine_publishes_its_event():
    """PLAT-3: accept, review and decide each publish ``case.<action>`` to the agency's subscription."""
    # given a submitted mode-3 case and an all-events subscription
    the = scene(integration_mode=3)
    subscribe(the.bureau)
    case = submitted(the)
    # when the platform (for the agency system) accepts, starts review and approves
    handling.accept(None, case)
    handling.start_review(None, case)
    handling.decide(None, case, approve=True, reasons="材料齐全，符合条件")
    # then the outbox holds the four events in order, each with the state it left the case in
    rows = list(WebhookDelivery.objects.filter(case=case).order_by("id"))
    assert [row.event_type for row in rows] == ["case.submitted", "case.accepted", "case.review_started",
                                                "case.approved"]
    assert [row.payload["case"]["state"] for row in rows] == ["submitted", "accepted", "under_review", "approved"]


def test_plat_3_the_outbox_row_rolls_back_with_the_transition():
    """PLAT-3: transactional outbox: if the transition's transaction rolls back, no event exists."""
    # given a case and a subscription
    agency = AgencyFactory()
    case = make_case(published_item(agency))
    subscribe(agency)

    # when an event is published inside a transaction that then fails
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        exchange.publish_case_event(case, "case.accepted")
        raise Boom
    # then nothing was written
    assert WebhookDelivery.objects.count() == 0


def test_plat_3_after_commit_the_delivery_task_is_enqueued(django_capture_on_commit_callbacks):
    """PLAT-3: once the transition commits, the delivery job is queued (database backend)."""
    # given a case and a subscription
    agency = AgencyFactory()
    case = make_case(published_item(agency))
    subscribe(agency)
    # when an event is published and the transaction commits
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        exchange.publish_case_event(case, "case.accepted")
    # then one delivery job waits in the queue
    assert len(callbacks) == 1
    assert DBTaskResult.objects.filter(task_path=deliver_due_webhooks.module_path).count() == 1


def test_sec_3_a_cut_off_agency_gets_withheld_rows_and_no_request(receiver: FakeReceiver,
                                                                  django_capture_on_commit_callbacks):
    """SEC-3: events for a cut-off agency are kept as ``withheld`` and never sent."""
    # given a cut-off agency with a subscription
    agency = AgencyFactory()
    case = make_case(published_item(agency))
    subscribe(agency)
    agency.is_cut_off = True
    agency.save()
    case.handling_agency.refresh_from_db()
    # when an event is published and deliveries run
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        rows = exchange.publish_case_event(case, "case.accepted")
    counts = delivery.deliver_due()
    # then the row is withheld, nothing is queued or sent, no attempt is logged
    assert [row.state for row in rows] == [DeliveryState.WITHHELD]
    assert callbacks == []
    assert counts == {}
    assert receiver.requests == []
    assert DeliveryAttempt.objects.count() == 0


def test_sec_3_rows_waiting_when_the_agency_is_cut_off_are_withheld_by_the_sender(receiver: FakeReceiver):
    """SEC-3: a row written before the cut-off is not sent after it."""
    # given a pending row
    agency = AgencyFactory()
    case = make_case(published_item(agency))
    subscribe(agency)
    row = exchange.publish_case_event(case, "case.accepted")[0]
    # when the agency is cut off and deliveries run
    agency.is_cut_off = True
    agency.save()
    delivery.deliver_due()
    # then it is withheld and no request left
    row.refresh_from_db()
    assert row.state == DeliveryState.WITHHELD
    assert receiver.requests == []


def test_plat_3_one_agencys_subscription_is_not_another_agencys_to_delete():
    """PLAT-3: deleting another agency's subscription is refused as not found, changing nothing."""
    # given two agencies, one with a subscription
    subscription, _secret = subscribe(AgencyFactory())
    intruder = credential(AgencyFactory())
    # when the other agency tries to delete it
    with pytest.raises(TongbanError) as refused:
        exchange.unsubscribe(intruder, subscription.pk)
    # then it is refused and the subscription stays active
    assert refused.value.error == ExchangeError.SUBSCRIPTION_NOT_FOUND
    subscription.refresh_from_db()
    assert subscription.is_active
