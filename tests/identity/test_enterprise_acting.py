"""ID-4: acting as the enterprise (explicit in the session), authorising items, and who may grant or revoke."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from tests.identity.enterprise_builders import (
    OTHER_NAME,
    OTHER_REPRESENTATIVE_ID,
    OTHER_USCC,
    delegate,
    member,
    session_request,
    snapshot,
    three_levels,
)
from tongban.core.errors import TongbanError
from tongban.core.models import AuditEvent
from tongban.identity.models import GrantRole, GrantScope
from tongban.identity.services import enterprises
from tongban.identity.services.enterprise_sessions import SESSION_KEY

pytestmark = pytest.mark.django_db


def test_id_4_acting_as_the_enterprise_is_explicit_in_the_session_and_audited():
    """ID-4: act_as stores the grant in the session; stop_acting clears it; both name the enterprise."""
    chain = three_levels()
    request = session_request(chain.operator)
    assert enterprises.current_grant(request) is None
    enterprises.act_as(request, chain.operator_grant)
    assert request.session[SESSION_KEY] == chain.operator_grant.pk
    assert enterprises.current_grant(request) == chain.operator_grant
    enterprises.stop_acting(request)
    assert SESSION_KEY not in request.session
    assert enterprises.current_grant(request) is None
    events = AuditEvent.objects.filter(action__startswith="identity.enterprise.acting").order_by("pk")
    assert [(event.action, event.actor_id, event.data["acting_for"], event.data["grant_id"]) for event in events] == [
        ("identity.enterprise.acting_started", chain.operator.user_id, chain.enterprise.uscc, chain.operator_grant.pk),
        ("identity.enterprise.acting_stopped", chain.operator.user_id, chain.enterprise.uscc, chain.operator_grant.pk),
    ]


def test_id_4_nobody_acts_on_someone_elses_grant():
    """ID-4: anonymous visitors and other persons cannot act under a grant they do not hold."""
    chain = three_levels()
    for person, code in [(None, "IDENTITY_LOGIN_REQUIRED"), (chain.administrator, "IDENTITY_GRANT_NOT_HOLDER")]:
        request = session_request(person)
        with pytest.raises(TongbanError) as refusal:
            enterprises.act_as(request, chain.operator_grant)
        assert refusal.value.code == code
        assert SESSION_KEY not in request.session


def test_id_4_revoked_grants_stop_working_at_once():
    """ID-4: a revoked grant is refused by act_as and authorise, and a session acting under it is cleared."""
    chain = three_levels()
    request = session_request(chain.operator)
    enterprises.act_as(request, chain.operator_grant)
    # when the legal representative revokes the administrator (and so the operator under it)
    enterprises.revoke(chain.representative, chain.admin_grant, "终止合作")
    # then the operator's next request no longer acts for the enterprise
    next_request = session_request(chain.operator)
    next_request.session = request.session
    assert enterprises.current_grant(next_request) is None
    assert SESSION_KEY not in next_request.session
    for attempt in (lambda: enterprises.act_as(session_request(chain.operator), chain.operator_grant),
                    lambda: enterprises.authorise(chain.operator_grant, "A1", "licensing")):
        with pytest.raises(TongbanError) as refusal:
            attempt()
        assert refusal.value.code == "IDENTITY_GRANT_REVOKED"


def test_id_4_expired_grants_stop_working_at_once():
    """ID-4: after its expiry a grant is refused by act_as and authorise, and the session drops it."""
    chain = three_levels()
    expiry = timezone.now() + datetime.timedelta(days=7)
    temporary = delegate(chain.administrator, chain.admin_grant, expires_at=expiry)
    request = session_request(temporary.person)
    enterprises.act_as(request, temporary)
    enterprises.authorise(temporary, "A1", "licensing")
    with time_machine.travel(expiry + datetime.timedelta(seconds=1), tick=False):
        later = session_request(temporary.person)
        later.session = request.session
        assert enterprises.current_grant(later) is None
        assert SESSION_KEY not in later.session
        for attempt in (lambda: enterprises.act_as(session_request(temporary.person), temporary),
                        lambda: enterprises.authorise(temporary, "A1", "licensing")):
            with pytest.raises(TongbanError) as refusal:
                attempt()
            assert refusal.value.code == "IDENTITY_GRANT_EXPIRED"


@pytest.mark.parametrize(
    ("scope", "values", "covered", "not_covered"),
    [
        (GrantScope.ITEM_TYPES, ["licensing"], ("A1", "licensing"), ("F1", "filing")),
        (GrantScope.ITEMS, ["A1"], ("A1", "licensing"), ("A2", "licensing")),
    ],
)
def test_id_4_authorise_checks_the_item_against_the_grants_scope(scope, values, covered, not_covered):
    """ID-4: acceptance asks authorise() before an enterprise applies; items outside the scope are refused."""
    chain = three_levels()
    narrow = delegate(chain.administrator, chain.admin_grant, scope=scope, values=values)
    enterprises.authorise(narrow, *covered)
    with pytest.raises(TongbanError) as refusal:
        enterprises.authorise(narrow, *not_covered)
    assert refusal.value.code == "IDENTITY_GRANT_SCOPE_NOT_COVERED"


# --- permission tests: every refusal leaves grants, enterprises and the audit log unchanged ---


@pytest.fixture
def two_enterprises():
    """A full chain in the demo enterprise, and an administrator of another enterprise."""
    chain = three_levels()
    other = three_levels(document=OTHER_REPRESENTATIVE_ID, uscc=OTHER_USCC, name=OTHER_NAME)
    return chain, other


@pytest.mark.parametrize("who", ["anonymous", "unrelated", "operator", "other-enterprise-admin"])
def test_id_4_only_the_holder_of_a_granting_grant_may_grant(two_enterprises, who):
    """ID-4: anonymous, an unrelated person, an operator and another enterprise's administrator cannot grant."""
    chain, other = two_enterprises
    actor, held, code = {
        "anonymous": (None, chain.admin_grant, "IDENTITY_LOGIN_REQUIRED"),
        "unrelated": (member(), chain.admin_grant, "IDENTITY_GRANT_NOT_HOLDER"),
        "operator": (chain.operator, chain.operator_grant, "IDENTITY_GRANT_ROLE_NOT_ALLOWED"),
        "other-enterprise-admin": (other.administrator, chain.admin_grant, "IDENTITY_GRANT_NOT_HOLDER"),
    }[who]
    grantee = member()
    before = snapshot()
    with pytest.raises(TongbanError) as refusal:
        enterprises.grant(actor, held, grantee.phone, GrantRole.OPERATOR, GrantScope.ALL_ITEMS)
    assert refusal.value.code == code
    assert snapshot() == before


@pytest.mark.parametrize(
    ("who", "target"),
    [("anonymous", "operator_grant"), ("unrelated", "operator_grant"), ("operator", "admin_grant"),
     ("operator", "operator_grant"), ("other-enterprise-admin", "operator_grant"), ("representative", "root"),
     ("sibling-admin", "operator_grant")],
)
def test_id_4_only_the_holder_of_an_ancestor_grant_may_revoke(two_enterprises, who, target):
    """ID-4: nobody revokes upwards, sideways, their own grant, another enterprise's grants or the root."""
    chain, other = two_enterprises
    sibling = member()
    delegate(chain.representative, chain.root, sibling)
    actor = {
        "anonymous": None, "unrelated": member(), "operator": chain.operator,
        "other-enterprise-admin": other.administrator, "representative": chain.representative, "sibling-admin": sibling,
    }[who]
    before = snapshot()
    with pytest.raises(TongbanError) as refusal:
        enterprises.revoke(actor, getattr(chain, target), "越权撤销")
    assert refusal.value.code == ("IDENTITY_LOGIN_REQUIRED" if actor is None else "IDENTITY_REVOKE_NOT_ALLOWED")
    assert snapshot() == before


def test_id_4_an_expired_or_revoked_parent_grants_nothing(two_enterprises):
    """ID-4: an administrator whose own grant was revoked can no longer grant or revoke."""
    chain, _other = two_enterprises
    enterprises.revoke(chain.representative, chain.admin_grant, "离职")
    before = snapshot()
    with pytest.raises(TongbanError) as refusal:
        delegate(chain.administrator, chain.admin_grant)
    assert refusal.value.code == "IDENTITY_GRANT_REVOKED"
    with pytest.raises(TongbanError) as refusal:
        enterprises.revoke(chain.administrator, chain.operator_grant, "撤销")
    assert refusal.value.code == "IDENTITY_REVOKE_NOT_ALLOWED"
    assert snapshot() == before
