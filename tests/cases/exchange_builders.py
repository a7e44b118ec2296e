"""Builders for the mode-3 exchange tests: a stand-in receiver, cases created directly, subscriptions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import requests
from django.utils import timezone

from tests.identity.factories import PersonFactory
from tongban.agencies.models import Agency, ApiCredential
from tongban.agencies.services import issue_credential
from tongban.cases.models import Case, CaseState, Channel, Subscription
from tongban.cases.services import exchange
from tongban.catalogue.models import ServiceItem

RECEIVER = "https://bureau.example.gov.cn/tongban/webhooks"


@dataclass
class FakeReceiver:
    """Stands in for ``requests.post``: records every request and answers with the next scripted outcome."""

    outcomes: list[Any] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, url: str, *, data: bytes, headers: dict[str, str], timeout: float,
                 allow_redirects: bool) -> Any:
        self.requests.append({"url": url, "data": data, "headers": headers, "timeout": timeout})
        outcome = self.outcomes.pop(0) if self.outcomes else 200
        if isinstance(outcome, Exception):
            raise outcome
        response = requests.Response()
        response.status_code = outcome
        return response


def credential(agency: Agency) -> ApiCredential:
    """A new API credential of ``agency``."""
    return issue_credential(agency, "部门业务系统")[0]


def make_case(item: ServiceItem, *, state: str = CaseState.SUBMITTED) -> Case:
    """A case created directly (independent of the application services)."""
    return Case.objects.create(
        number=f"TB20260601{Case.objects.count():08d}", item=item, version=item.published_version,
        applicant=PersonFactory(level=2, full_name="王五"), channel=Channel.MOBILE, handling_agency=item.agency,
        state=state, submitted_at=timezone.now(), form_data={"applicant_name": "王五"}, lock_version=1,
    )


def subscribe(agency: Agency, **changes: Any) -> tuple[Subscription, str]:
    """Subscribe a new credential of ``agency`` to every event of every item unless ``changes`` say otherwise."""
    arguments: dict[str, Any] = {"url": RECEIVER, "event_types": [], "item_codes": []}
    arguments.update(changes)
    return exchange.subscribe(credential(agency), **arguments)
