"""Two officers accept the same case at the same instant on PostgreSQL: one wins, the other is told."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from tests.cases.builders import scene, submitted
from tongban.cases.models import Case, CaseEvent, CaseState
from tongban.cases.services import handling
from tongban.core.errors import TongbanError


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_acceptances_one_wins_the_other_is_told(on_postgresql):
    """CASE-7: row locks serialise transitions; the loser gets CASE_STALE and nothing is written twice."""
    if not on_postgresql:
        pytest.skip("SQLite serialises all writers at BEGIN IMMEDIATE; row locks are exercised on PostgreSQL")
    # given a submitted case seen by two officers
    the = scene()
    case = submitted(the)
    seen = case.lock_version
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def officer_accepts() -> None:
        try:
            barrier.wait()
            handling.accept(the.officer, Case.objects.get(pk=case.pk), expected_lock=seen)
            outcomes.append("accepted")
        except TongbanError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    # when both press "accept" at once
    threads = [threading.Thread(target=officer_accepts) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # then exactly one acceptance happened and the other officer was told
    assert sorted(outcomes) == ["CASE_STALE", "accepted"]
    case.refresh_from_db()
    assert case.state == CaseState.ACCEPTED
    assert CaseEvent.objects.filter(case=case, action="accepted").count() == 1
