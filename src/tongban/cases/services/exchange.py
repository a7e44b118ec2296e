"""Mode 3 (PLAT-3): case events for agency systems, written to a transactional outbox.

Every case transition calls :func:`publish_case_event` inside its own
transaction. For each active subscription of the case's handling agency whose
filters match, one :class:`WebhookDelivery` row is written in that same
transaction: if the transition rolls back, no event leaves; if it commits, the
event is delivered by :mod:`tongban.cases.services.delivery` until the agency
system acknowledges it. An agency the operator has cut off (SEC-3) gets its rows
written as ``withheld``: kept as evidence, never sent.

Subscriptions are managed by the agency systems themselves through the API
(``/api/v1/cases/subscriptions``); the platform generates the shared secret,
returns it once and keeps it encrypted.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tongban.agencies.models import Agency, ApiCredential
from tongban.cases.errors import ExchangeError
from tongban.cases.models import Case, CaseMaterial, DeliveryState, Subscription, WebhookDelivery
from tongban.catalogue.models import ServiceItem
from tongban.core import audit, crypto
from tongban.core.errors import TongbanError

logger = logging.getLogger(__name__)

API_CASES_PATH = "/api/v1/cases/"
SECRET_CONTEXT = "cases.subscription_secret"
SECRET_BYTES = 32
MAX_SUBSCRIPTIONS = 20
MAX_URL_LENGTH = 200


class EventType:
    """The case events an agency system may subscribe to: ``case.<timeline action>``; the names are part of the API."""

    SUBMITTED = "case.submitted"
    PRE_REVIEWED = "case.pre_reviewed"
    ACCEPTED = "case.accepted"
    REFUSED = "case.refused"
    CORRECTION_REQUESTED = "case.correction_requested"
    CORRECTION_ANSWERED = "case.correction_answered"
    REVIEW_STARTED = "case.review_started"
    APPROVED = "case.approved"
    DENIED = "case.denied"
    RESULT_ISSUED = "case.result_issued"
    DELIVERED = "case.delivered"
    CONCLUDED = "case.concluded"
    WITHDRAWN = "case.withdrawn"

    ALL = (
        SUBMITTED, PRE_REVIEWED, ACCEPTED, REFUSED, CORRECTION_REQUESTED, CORRECTION_ANSWERED, REVIEW_STARTED,
        APPROVED, DENIED, RESULT_ISSUED, DELIVERED, CONCLUDED, WITHDRAWN,
    )


def subscription_secret(subscription: Subscription) -> str:
    """The plaintext shared secret of a subscription (for signing; never shown again after creation)."""
    return crypto.decrypt(subscription.secret_encrypted, context=SECRET_CONTEXT)


def _matches(subscription: Subscription, event_type: str, item_code: str) -> bool:
    if subscription.event_types and event_type not in subscription.event_types:
        return False
    return not subscription.item_codes or item_code in subscription.item_codes


def material_download_path(case: Case, material_code: str) -> str:
    """The API path (on the platform's host) an agency system downloads a case's material from, with its token."""
    return f"{API_CASES_PATH}{case.number}/materials/{material_code}"


def _material_payload(case: Case, material: CaseMaterial) -> dict[str, Any]:
    version = material.document_version
    return {
        "code": material.guide_material.code,
        "name": material.guide_material.name,
        "provision": material.provision,
        "reference": material.reference,
        "sha256": version.sha256 if version is not None else None,
        "download_url": material_download_path(case, material.guide_material.code) if version is not None else None,
    }


def case_payload(case: Case) -> dict[str, Any]:
    """What an agency system receives about a case: enough to handle it in its own system (mode 3)."""
    materials = (
        CaseMaterial.objects.filter(case=case)
        .select_related("guide_material", "document_version")
        .order_by("guide_material__code", "id")
    )
    return {
        "number": case.number,
        "item_code": case.item.implementation_code,
        "item_name": case.item.name,
        "version_number": case.version.number,
        "integration_mode": case.version.integration_mode,
        "state": case.state,
        "lock_version": case.lock_version,
        "channel": case.channel,
        "submitted_at": case.submitted_at.isoformat() if case.submitted_at else None,
        "due_on": case.due_on.isoformat() if case.due_on else None,
        "agency_reference": case.agency_system_reference,
        "applicant": {
            "name": case.applicant.full_name,
            "enterprise": {"name": case.enterprise.name, "uscc": case.enterprise.uscc} if case.enterprise else None,
        },
        "form_data": case.form_data,
        "materials": [_material_payload(case, material) for material in materials],
    }


def _enqueue_delivery() -> None:
    # Imported here: tasks imports the delivery service, which imports this module.
    from tongban.cases.tasks import deliver_due_webhooks

    try:
        deliver_due_webhooks.enqueue()
    except Exception:  # noqa: BLE001 - the periodic worker sweep delivers it anyway
        logger.warning("could not enqueue webhook delivery; the periodic sweep will send it")


def publish_case_event(case: Case, event_type: str) -> list[WebhookDelivery]:
    """Write one outbox row per matching active subscription of the case's handling agency.

    Call it inside the transition's transaction (it joins it). Rows for a
    cut-off agency are written ``withheld`` and never sent (SEC-3). After the
    transaction commits, the delivery task is enqueued; the worker's periodic
    sweep picks the rows up even if that enqueue is lost.
    """
    agency = case.handling_agency
    subscriptions = Subscription.objects.filter(agency_id=case.handling_agency_id, is_active=True).order_by("id")
    item_code = case.item.implementation_code
    matching = [subscription for subscription in subscriptions if _matches(subscription, event_type, item_code)]
    if not matching:
        return []
    now = timezone.now()
    state = DeliveryState.WITHHELD if agency.is_cut_off else DeliveryState.PENDING
    case_data = case_payload(case)
    deliveries = []
    for subscription in matching:
        event_id = str(uuid.uuid4())
        payload = {"event_id": event_id, "event_type": event_type, "occurred_at": now.isoformat(), "case": case_data}
        deliveries.append(WebhookDelivery.objects.create(
            subscription=subscription, case=case, event_type=event_type, event_id=event_id,
            payload=payload, state=state, next_attempt_at=now,
        ))
    if state == DeliveryState.PENDING:
        transaction.on_commit(_enqueue_delivery)
    return deliveries


def _check_url(url: str) -> str:
    url = (url or "").strip()
    schemes = ("https",) if getattr(settings, "IS_PRODUCTION", False) else ("https", "http")
    parsed = urlsplit(url)
    if (parsed.scheme not in schemes or not parsed.hostname or parsed.username or parsed.password
            or parsed.fragment or len(url) > MAX_URL_LENGTH):
        raise TongbanError(ExchangeError.URL_INVALID, field="url", schemes=" 或 ".join(schemes).upper())
    return url


def _check_event_types(event_types: list[str]) -> list[str]:
    for event_type in event_types:
        if event_type not in EventType.ALL:
            raise TongbanError(ExchangeError.EVENT_TYPE_UNKNOWN, field="event_types", event_type=event_type,
                               allowed="、".join(EventType.ALL))
    return sorted(set(event_types))


def _check_item_codes(credential: ApiCredential, item_codes: list[str]) -> list[str]:
    own = set(ServiceItem.objects.filter(agency_id=credential.agency_id, implementation_code__in=item_codes)
              .values_list("implementation_code", flat=True))
    for code in item_codes:
        if code not in own:
            raise TongbanError(ExchangeError.ITEM_NOT_OWN, field="item_codes", code=code)
    return sorted(own)


@transaction.atomic
def subscribe(credential: ApiCredential, *, url: str, event_types: list[str], item_codes: list[str]
              ) -> tuple[Subscription, str]:
    """Register the credential's agency system for case events; returns the subscription and its secret.

    Empty ``event_types`` means every event, empty ``item_codes`` every item of
    the agency. The secret is generated here, returned this once and stored
    encrypted; the platform signs every delivery with it.
    """
    agency = Agency.objects.select_for_update().get(pk=credential.agency_id)
    url = _check_url(url)
    event_types = _check_event_types(event_types)
    item_codes = _check_item_codes(credential, item_codes)
    if Subscription.objects.filter(agency=agency, is_active=True).count() >= MAX_SUBSCRIPTIONS:
        raise TongbanError(ExchangeError.TOO_MANY_SUBSCRIPTIONS, limit=MAX_SUBSCRIPTIONS)
    secret = new_secret()
    subscription = Subscription.objects.create(
        credential=credential, agency=agency, url=url, event_types=event_types, item_codes=item_codes,
        secret_encrypted=crypto.encrypt(secret, context=SECRET_CONTEXT),
    )
    audit.record("cases.subscription.created", actor=f"API {credential.key_id}", agency_id=agency.pk,
                 obj=subscription, data={"url": url, "event_types": event_types, "item_codes": item_codes})
    return subscription, secret


def own_subscription(credential: ApiCredential, subscription_id: int) -> Subscription:
    """An active subscription of the credential's agency, or a refusal (another agency's looks absent)."""
    subscription = Subscription.objects.filter(
        pk=subscription_id, agency_id=credential.agency_id, is_active=True
    ).first()
    if subscription is None:
        raise TongbanError(ExchangeError.SUBSCRIPTION_NOT_FOUND, subscription_id=subscription_id)
    return subscription


@transaction.atomic
def unsubscribe(credential: ApiCredential, subscription_id: int) -> Subscription:
    """Deactivate a subscription: no new events; deliveries still waiting are given up by the sender."""
    subscription = own_subscription(credential, subscription_id)
    subscription.is_active = False
    subscription.save(update_fields=["is_active"])
    audit.record("cases.subscription.deleted", actor=f"API {credential.key_id}", agency_id=subscription.agency_id,
                 obj=subscription, data={"url": subscription.url})
    return subscription


def new_secret() -> str:
    """A fresh shared secret for signing webhooks."""
    return "whsec_" + secrets.token_urlsafe(SECRET_BYTES)


def subscriptions_of(credential: ApiCredential) -> list[Subscription]:
    """The active subscriptions of the credential's agency, oldest first."""
    return list(Subscription.objects.filter(agency_id=credential.agency_id, is_active=True).order_by("id"))
