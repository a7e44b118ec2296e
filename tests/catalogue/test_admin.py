"""The catalogue's Django admin never bypasses the lifecycle (ITEM-5, ITEM-6) nor ITEM-11's checks."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import AgencyFactory, UserFactory, published_item, staff
from tongban.agencies.models import Agency
from tongban.catalogue.models import (
    Announcement,
    AnnouncementKind,
    ItemVersion,
    LifecycleRequest,
    LifeEvent,
    RequestStep,
    ServiceItem,
)
from tongban.catalogue.models.choices import ItemStatus, LifeEventKind
from tongban.catalogue.services.life_events import save_life_event
from tongban.identity.models import StaffRole

pytestmark = pytest.mark.django_db

MODELS = ["basicitem", "serviceitem", "itemversion", "lifecyclerequest", "announcement", "lifeevent"]


@pytest.fixture
def superuser_client(client):  # noqa: ANN001, ANN201 - Django test client
    """A client logged in as a superuser."""
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _url(model: str, view: str, *args: object) -> str:
    return reverse(f"admin:catalogue_{model}_{view}", args=args)


def _catalogue(agency: Agency, count: int) -> list[ServiceItem]:
    """``count`` published items with an announcement each, and a life event bundling them."""
    items = [published_item(agency) for _number in range(count)]
    for item in items:
        Announcement.objects.create(kind=AnnouncementKind.GENERAL, item=item, agency=agency, title=f"{item.name}公告",
                                    body="正文", published_at=timezone.now())
    save_life_event(
        None, code=f"LE-{items[0].pk}", name=f"一件事{items[0].pk}", kind=LifeEventKind.ENTERPRISE,
        description="说明", lead_agency=agency, item_codes=[item.implementation_code for item in items],
        situations=[], promised_limit_working_days=5,
    )
    return items


def test_version_change_page_is_read_only_item_5(superuser_client):
    """ITEM-5: a filed version is frozen; the admin shows it with materials and situations and cannot save it."""
    # given a published item's version
    version = published_item().published_version

    # when a superuser opens the version and then posts a change to it
    page = superuser_client.get(_url("itemversion", "change", version.pk))
    posted = superuser_client.post(_url("itemversion", "change", version.pk), {"conditions": "改过的条件"})

    # then the page has no save button but lists materials and situation options, and the post is forbidden
    content = page.content.decode()
    assert page.status_code == 200
    assert 'name="_save"' not in content
    assert "居民身份证" in content
    assert "B 委托代理人办理" in content
    assert posted.status_code == 403
    version.refresh_from_db()
    assert version.conditions == "本市户籍居民，材料齐全。"


@pytest.mark.parametrize("model", ["itemversion", "lifecyclerequest", "lifeevent"])
def test_adding_and_deleting_lifecycle_records_is_forbidden(superuser_client, model: str):
    """Versions, lifecycle requests and life events are written by their services only: add and delete are 403."""
    # given a published item (a version, a completed request) in a life event
    items = _catalogue(AgencyFactory(), 3)
    counts = (ItemVersion.objects.count(), LifecycleRequest.objects.count(), LifeEvent.objects.count())
    existing = {"itemversion": items[0].published_version_id, "lifecyclerequest":
                items[0].lifecycle_requests.get().pk, "lifeevent": LifeEvent.objects.get().pk}[model]

    # when a superuser tries to add one and to delete one
    add = superuser_client.get(_url(model, "add"))
    delete = superuser_client.post(_url(model, "delete", existing), {"post": "yes"})

    # then both are forbidden and nothing changed
    assert (add.status_code, delete.status_code) == (403, 403)
    assert (ItemVersion.objects.count(), LifecycleRequest.objects.count(), LifeEvent.objects.count()) == counts


def test_lifecycle_request_shows_its_steps_and_cannot_be_changed_item_5(superuser_client):
    """ITEM-5: a request's history is read-only in the admin; a posted change is forbidden."""
    # given a completed opening request
    request = published_item().lifecycle_requests.get()
    steps = RequestStep.objects.filter(request=request).count()

    # when a superuser opens it and posts a change
    page = superuser_client.get(_url("lifecyclerequest", "change", request.pk))
    posted = superuser_client.post(_url("lifecyclerequest", "change", request.pk), {"state": "awaiting_test"})

    # then the steps are listed, there is no save button, and nothing changed
    content = page.content.decode()
    assert 'name="_save"' not in content
    for action in ("filed", "authority_approved", "test_passed", "published"):
        assert f">{action}<" in content
    assert posted.status_code == 403
    request.refresh_from_db()
    assert request.state == "completed"
    assert RequestStep.objects.filter(request=request).count() == steps == 4


def test_service_item_status_and_published_version_are_read_only_item_6(superuser_client):
    """ITEM-6: status and the published version move only through lifecycle requests, never in the admin."""
    # given an item in service
    item = published_item()
    published, agency = item.published_version_id, item.agency_id
    other_version = ItemVersion.objects.exclude(pk=published).values_list("pk", flat=True).first()

    # when a superuser posts a change that also tries to suspend it and unpublish its guide
    response = superuser_client.post(_url("serviceitem", "change", item.pk), {
        "business_unit": "", "status": ItemStatus.SUSPENDED,
        "published_version": other_version or "", "agency": AgencyFactory().pk,
    })

    # then the save succeeds for the editable fields only: status, version and agency are unchanged
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.published_version_id, item.agency_id) == (ItemStatus.IN_SERVICE, published, agency)
    # and items are neither added nor deleted here
    assert superuser_client.get(_url("serviceitem", "add")).status_code == 403
    assert superuser_client.post(_url("serviceitem", "delete", item.pk), {"post": "yes"}).status_code == 403
    assert ServiceItem.objects.filter(pk=item.pk).exists()


def test_life_event_admin_points_to_the_workbench_item_11(superuser_client):
    """ITEM-11: life events are edited in the workbench, where the minimums are checked; the admin links there."""
    # given a life event
    _catalogue(AgencyFactory(), 3)
    event = LifeEvent.objects.get()

    # when a superuser opens it
    content = superuser_client.get(_url("lifeevent", "change", event.pk)).content.decode()

    # then it is read-only and links to the workbench editor
    assert 'name="_save"' not in content
    assert f'href="{reverse("workbench:life_event_edit", args=[event.pk])}"' in content


def test_changelists_load_in_a_bounded_number_of_queries(superuser_client):
    """Every changelist (and its search and filters) loads, and more rows cost no more queries."""
    # given a small catalogue
    agency = AgencyFactory()
    _catalogue(agency, 3)

    def query_counts() -> dict[str, int]:
        counts = {}
        for model in MODELS:
            with CaptureQueriesContext(connection) as queries:
                response = superuser_client.get(_url(model, "changelist"))
            assert response.status_code == 200, model
            counts[model] = len(queries)
        return counts

    # when the changelists are loaded with three items and again with six
    few = query_counts()
    _catalogue(agency, 3)
    many = query_counts()

    # then the query counts are the same and small
    assert many == few
    assert max(many.values()) <= 8, many
    searched = superuser_client.get(_url("serviceitem", "changelist"), {"q": "测试事项", "status": "in_service"})
    assert searched.context["cl"].result_count == 6


def test_admin_is_for_superusers_not_workbench_staff(client):
    """Workbench roles do not open the admin: staff work through the workbench and its services."""
    # given a platform operator without admin access
    client.force_login(staff(StaffRole.PLATFORM_OPERATOR, AgencyFactory()))

    # when the operator opens the versions changelist
    response = client.get(_url("itemversion", "changelist"))

    # then the admin login page is shown instead
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
