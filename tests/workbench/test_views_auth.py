"""Staff login, logout and the home dashboard."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory, staff
from tests.staff_sessions import authenticator, current_code
from tests.workbench.test_views_support import agencies, awaiting_test, filed, returned_for_retest
from tongban.catalogue.models import LifecycleRequest
from tongban.identity.models import StaffRole

pytestmark = pytest.mark.django_db

HOME = reverse("workbench:home")
LOGIN = reverse("workbench:login")


def test_anonymous_visitor_is_sent_to_login():
    """Every workbench page needs a login."""
    from django.test import Client

    # given an anonymous visitor
    client = Client()

    # when it opens the dashboard
    response = client.get(HOME)

    # then it is sent to the login page, coming back afterwards
    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next={HOME}"


def test_staff_log_in_with_password_and_out_by_post(client):
    """Login with username, password and TOTP code leads to the dashboard; logout is a POST and ends the session."""
    # given a staff member with an authenticator
    tree = agencies()
    user = staff(StaffRole.AGENCY_ADMIN, tree.home)
    device = authenticator(user)
    second_factor_page = f"{reverse('workbench:two_factor')}?next=%2Fworkbench%2F"

    # when they log in with password and code, then log out
    login = client.post(LOGIN, {"username": user.username, "password": "correct-horse-battery"})
    code = client.post(reverse("workbench:two_factor"), {"code": current_code(device), "next": HOME})
    dashboard = client.get(HOME)
    logout_by_get = client.get(reverse("workbench:logout"))
    logout = client.post(reverse("workbench:logout"))
    after = client.get(HOME)

    # then the dashboard opened after the code, GET did not log out, and afterwards login is needed again
    assert (login.status_code, login.url) == (302, second_factor_page)
    assert (code.status_code, code.url) == (302, HOME)
    assert dashboard.status_code == 200
    assert logout_by_get.status_code == 405
    assert (logout.status_code, logout.url) == (302, LOGIN)
    assert after.status_code == 302


def test_wrong_password_is_refused_on_the_login_page(client):
    """A wrong password keeps the visitor on the login page with an error."""
    # given a staff member
    user = UserFactory()

    # when the wrong password is given
    response = client.post(LOGIN, {"username": user.username, "password": "wrong-password"})

    # then the login form shows its error and nobody is logged in
    assert response.status_code == 200
    assert response.context["form"].errors["__all__"]
    assert "_auth_user_id" not in client.session


def test_dashboard_shows_roles_and_queue_counts_with_overdue(client):
    """The dashboard names the user's roles and counts each worklist's open and overdue requests."""
    # given an authority and an admin at home, with two requests awaiting the authority (one overdue)
    tree = agencies()
    overdue, _fresh = filed(tree.home), filed(tree.home)
    LifecycleRequest.objects.filter(pk=overdue.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=1))
    awaiting_test(tree.home)
    returned_for_retest(tree.home)
    filed(tree.other)
    user = staff(StaffRole.CATALOGUE_AUTHORITY, tree.home)
    user.role_assignments.create(role=StaffRole.AGENCY_ADMIN, agency=tree.home)
    client.force_login(user)

    # when the user opens the dashboard
    response = client.get(HOME)

    # then both roles and the counts of their worklists are shown
    assert [(assignment.role, assignment.agency) for assignment in response.context["assignments"]] == [
        (StaffRole.AGENCY_ADMIN, tree.home), (StaffRole.CATALOGUE_AUTHORITY, tree.home),
    ]
    assert [(str(tile.title), tile.open, tile.overdue) for tile in response.context["tiles"]] == [
        ("本单位进行中的申请", 4, 1),
        ("测试未通过、待整改", 1, 0),
        ("审改部门审核队列", 2, 1),
    ]


def test_dashboard_without_roles_says_so(client):
    """A logged-in account without staff roles sees no worklists."""
    # given an account without roles
    client.force_login(UserFactory())

    # when it opens the dashboard
    response = client.get(HOME)

    # then no roles and no worklists are shown
    assert response.context["assignments"] == []
    assert response.context["tiles"] == []
    assert "您尚未被授予任何工作台角色" in response.content.decode()
