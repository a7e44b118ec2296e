"""The catalogue's background job: flagging overdue lifecycle requests (ITEM-5, ITEM-6)."""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tests.factories import AgencyFactory, item_document
from tongban.catalogue.models import LifecycleRequest, RequestState
from tongban.catalogue.services import guides, lifecycle
from tongban.catalogue.tasks import flag_overdue_requests
from tongban.core.models import AuditEvent

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

pytestmark = pytest.mark.django_db


def _request_past_due(days: int = 3) -> LifecycleRequest:
    """An opening request waiting for the authority whose due date passed ``days`` days ago."""
    version = guides.save_item_document(item_document(AgencyFactory()), actor_label="test")
    request = lifecycle.file_version(None, version, "上线")
    LifecycleRequest.objects.filter(pk=request.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=days)
    )
    return request


@override_settings(TASKS=IMMEDIATE)
def test_flag_overdue_requests_flags_each_overdue_request_once_item_5() -> None:
    """ITEM-5: a request past its stage's due date is flagged and audited once, however often the job runs."""
    # given one overdue request and one still within its limit
    overdue = _request_past_due()
    on_time = lifecycle.file_version(None, guides.save_item_document(
        item_document(AgencyFactory()), actor_label="test"), "上线")

    # when the job runs twice
    first = flag_overdue_requests.enqueue()
    second = flag_overdue_requests.enqueue()

    # then the first run flagged exactly the overdue request and the second found nothing new
    assert first.status == TaskResultStatus.SUCCESSFUL
    assert first.return_value == 1
    assert second.status == TaskResultStatus.SUCCESSFUL
    assert second.return_value == 0
    overdue.refresh_from_db()
    on_time.refresh_from_db()
    assert overdue.overdue_flagged_at is not None
    assert overdue.state == RequestState.AWAITING_AUTHORITY
    assert on_time.overdue_flagged_at is None
    assert AuditEvent.objects.filter(action="catalogue.request.overdue").count() == 1


@override_settings(TASKS=IMMEDIATE)
def test_flag_overdue_requests_ignores_closed_requests() -> None:
    """A request that has left the open stages is never flagged, even with a past due date."""
    # given an overdue request the agency then withdraws
    request = _request_past_due()
    lifecycle.withdraw(None, request, "撤回")

    # when the job runs
    result = flag_overdue_requests.enqueue()

    # then nothing is flagged
    assert result.return_value == 0
    request.refresh_from_db()
    assert request.overdue_flagged_at is None


def test_flag_overdue_requests_waits_in_the_database_queue_for_a_worker() -> None:
    """With the database backend the job is stored with the transaction and run later by ``tongban worker``."""
    # given an overdue request
    request = _request_past_due()

    # when the job is enqueued on the default (database) backend
    result = flag_overdue_requests.enqueue()

    # then it is queued, not run
    stored = DBTaskResult.objects.get(id=result.id)
    assert stored.status == TaskResultStatus.READY
    assert stored.task_path == "tongban.catalogue.tasks.flag_overdue_requests"
    request.refresh_from_db()
    assert request.overdue_flagged_at is None
