"""Writing draft guides in the workbench: new item, edit, upload, new version from the published one (ITEM-2)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import item_document, staff
from tests.workbench.test_views_support import (
    ACTORS,
    ANONYMOUS,
    ELSEWHERE,
    agencies,
    draft,
    guide_post_data,
    in_service,
    log_in,
    new_item_post_data,
    page_messages,
    role_refusal,
)
from tongban.catalogue.errors import CatalogueError
from tongban.catalogue.models import ItemVersion, ServiceItem
from tongban.catalogue.models.choices import VersionState
from tongban.catalogue.services import guides
from tongban.identity.errors import IdentityError
from tongban.identity.models import StaffRole

pytestmark = pytest.mark.django_db


def _versions() -> list[tuple[str, int, str, str]]:
    return list(ItemVersion.objects.order_by("pk").values_list("item__implementation_code", "number", "state",
                                                               "conditions"))


def _upload(document: Any) -> SimpleUploadedFile:
    return SimpleUploadedFile("item.json", json.dumps(document, ensure_ascii=False).encode(), "application/json")


def _expect_anonymous_or_outsider(response: Any, actor: str, url: str, outsider_status: int) -> None:
    if actor == ANONYMOUS:
        assert response.status_code == 302
        assert response.url == f"{reverse('workbench:login')}?next={url}"
    elif actor == ELSEWHERE:
        assert response.status_code == outsider_status


@pytest.mark.parametrize("actor", ACTORS)
def test_new_item_draft_is_created_only_by_the_agency_admin_item_2(client, actor: str):
    """ITEM-2: a new item and its first draft guide come from the form; only an admin of that agency may save it."""
    # given a valid item for the home agency typed into the form
    tree = agencies()
    document = item_document(tree.home)
    log_in(client, actor, StaffRole.AGENCY_ADMIN, tree)
    url = reverse("workbench:draft_create")

    # when the visitor posts it
    response = client.post(url, new_item_post_data(document, tree.home))

    # then only the home agency's admin creates the item with draft v1
    if actor == StaffRole.AGENCY_ADMIN:
        item = ServiceItem.objects.get(implementation_code=document["implementation_code"])
        assert response.status_code == 302
        assert response.url == reverse("workbench:agency_item", args=[item.pk])
        saved = guides.guide_document(item.versions.get(state=VersionState.DRAFT))
        expected = {key: value for key, value in document["guide"].items() if key != "materials"}
        assert {key: saved[key] for key in expected} == expected
        assert [(material["code"], material["name"]) for material in saved["materials"]] == [
            (material["code"], material["name"]) for material in document["guide"]["materials"]
        ]
        return
    _expect_anonymous_or_outsider(response, actor, url, outsider_status=200)
    if actor == ELSEWHERE:
        assert list(response.context["identity_form"].errors) == ["agency"]
    elif actor != ANONYMOUS:
        assert response.status_code == 403
        assert response.context["refusal"].code == IdentityError.ROLE_REQUIRED.code
    assert _versions() == []


@pytest.mark.parametrize("actor", ACTORS)
def test_draft_is_edited_only_by_the_agency_admin(client, actor: str):
    """The draft guide form rewrites the draft in place, for an admin of the item's agency only."""
    # given an item with a draft, and the form posted with new conditions
    tree = agencies()
    version = draft(tree.home)
    before = _versions()
    document = guides.item_document(version, with_status=False)
    document["guide"]["conditions"] = "新的受理条件。"
    log_in(client, actor, StaffRole.AGENCY_ADMIN, tree)
    url = reverse("workbench:draft_edit", args=[version.item_id])

    # when the visitor saves it
    response = client.post(url, guide_post_data(document))

    # then only the admin's save rewrites draft v1
    if actor == StaffRole.AGENCY_ADMIN:
        assert response.status_code == 302
        assert _versions() == [(version.item.implementation_code, 1, VersionState.DRAFT, "新的受理条件。")]
        return
    _expect_anonymous_or_outsider(response, actor, url, outsider_status=404)
    if actor not in (ANONYMOUS, ELSEWHERE):
        assert response.status_code == 200
        assert response.context["refusal"].code == IdentityError.ROLE_REQUIRED.code
    assert _versions() == before


@pytest.mark.parametrize("actor", ACTORS)
def test_uploaded_document_becomes_a_draft_only_for_the_agency_admin_item_2(client, actor: str):
    """ITEM-2: an item document in the exchange format uploads as a draft, within the admin's agencies only."""
    # given an exchange-format file for the home agency
    tree = agencies()
    document = item_document(tree.home)
    log_in(client, actor, StaffRole.AGENCY_ADMIN, tree)
    url = reverse("workbench:draft_upload")

    # when the visitor uploads it
    response = client.post(url, {"document": _upload({"format": "tongban.catalogue/1", "items": [document]})})

    # then only the home admin's upload creates the draft; an admin elsewhere is out of scope
    if actor == StaffRole.AGENCY_ADMIN:
        assert response.status_code == 302
        conditions = document["guide"]["conditions"]
        assert _versions() == [(document["implementation_code"], 1, VersionState.DRAFT, conditions)]
        return
    _expect_anonymous_or_outsider(response, actor, url, outsider_status=200)
    if actor == ELSEWHERE:
        assert response.context["refusal"].code == IdentityError.AGENCY_OUT_OF_SCOPE.code
    elif actor != ANONYMOUS:
        assert response.status_code == 403
        assert response.context["refusal"].code == IdentityError.ROLE_REQUIRED.code
    assert _versions() == []


@pytest.mark.parametrize("actor", ACTORS)
def test_new_version_copies_the_published_guide_only_for_the_agency_admin_item_5(client, actor: str):
    """ITEM-5: a change starts as a new draft copied from the published version; the published one stays live."""
    # given a published item
    tree = agencies()
    item = in_service(tree.home)
    before = _versions()
    log_in(client, actor, StaffRole.AGENCY_ADMIN, tree)
    url = reverse("workbench:new_version", args=[item.pk])

    # when the visitor asks for a new version
    response = client.post(url)

    # then only the admin gets draft v2 with the published guide, and v1 stays published
    if actor == StaffRole.AGENCY_ADMIN:
        assert response.url == reverse("workbench:draft_edit", args=[item.pk])
        published, copy = item.versions.order_by("number")
        assert (published.state, copy.number, copy.state) == (VersionState.PUBLISHED, 2, VersionState.DRAFT)
        assert guides.guide_document(copy) == guides.guide_document(published)
        return
    _expect_anonymous_or_outsider(response, actor, url, outsider_status=404)
    if actor not in (ANONYMOUS, ELSEWHERE):
        assert page_messages(client.get(response.url)) == [role_refusal(StaffRole.AGENCY_ADMIN)]
    assert _versions() == before


def test_new_version_is_refused_while_a_draft_exists(client):
    """A second copy would overwrite the agency's unfinished draft, so it is refused with DRAFT_EXISTS."""
    # given a published item that already has draft v2
    tree = agencies()
    item = in_service(tree.home)
    client.force_login(staff(StaffRole.AGENCY_ADMIN, tree.home))
    first = client.post(reverse("workbench:new_version", args=[item.pk]), follow=True)
    assert page_messages(first) == ["已从现行版本复制生成草稿 v2"]

    # when the admin asks again
    response = client.post(reverse("workbench:new_version", args=[item.pk]), follow=True)

    # then the refusal names the existing draft and there are still two versions
    error = CatalogueError.DRAFT_EXISTS
    assert page_messages(response) == [f"{error.format(number=2)}（{error.code}）"]
    assert item.versions.count() == 2


def test_refused_guide_shows_every_problem_with_its_path_item_2(client):
    """ITEM-2: a guide the checks refuse is not saved; every problem is listed with its JSON path and code."""
    # given a guide whose promised limit exceeds the statutory one and whose material names an unknown situation
    tree = agencies()
    document = item_document(tree.home, promised_limit={"value": 30, "unit": "working_days"})
    document["guide"]["materials"][2]["situation_options"] = ["Q9.Z"]
    client.force_login(staff(StaffRole.AGENCY_ADMIN, tree.home))

    # when the admin saves it
    response = client.post(reverse("workbench:draft_create"), new_item_post_data(document, tree.home))

    # then both problems are listed by path, shown on their fields, and nothing is saved
    assert response.status_code == 200
    assert response.context["refusal"].code == CatalogueError.GUIDE_INVALID.code
    assert [(problem["path"], problem["code"]) for problem in response.context["problems"]] == [
        ("$.guide.promised_limit", CatalogueError.PROMISED_OVER_STATUTORY.code),
        ("$.guide.materials[2].situation_options[0]", CatalogueError.SITUATION_UNKNOWN.code),
    ]
    form = response.context["form"]
    assert form.errors["promised_limit_value"] == [CatalogueError.PROMISED_OVER_STATUTORY.format(
        promised="30工作日", statutory="20工作日")]
    assert form.errors["materials"] == [CatalogueError.SITUATION_UNKNOWN.format(key="Q9.Z")]
    assert "$.guide.materials[2].situation_options[0]" in response.content.decode()
    assert _versions() == []


def test_structurally_broken_upload_lists_format_problems_by_path(client):
    """An uploaded document missing required fields is refused with each structural problem's path."""
    # given a document whose guide lacks its materials and has a bad handling kind
    tree = agencies()
    document = item_document(tree.home)
    del document["guide"]["materials"]
    document["guide"]["handling_kind"] = "someday"
    client.force_login(staff(StaffRole.AGENCY_ADMIN, tree.home))

    # when the admin uploads it
    response = client.post(reverse("workbench:draft_upload"), {"document": _upload(document)})

    # then both problems are listed with their paths and nothing is saved
    assert [(problem["path"], problem["code"]) for problem in response.context["problems"]] == [
        ("$.guide", CatalogueError.FORMAT_INVALID.code),
        ("$.guide.handling_kind", CatalogueError.FORMAT_INVALID.code),
    ]
    assert _versions() == []


def test_invalid_json_in_a_list_box_is_a_form_error(client):
    """Text that is not JSON, or JSON of the wrong type, is caught on its box before anything is checked."""
    # given a draft and a form whose materials box holds broken JSON and whose schema box holds a list
    tree = agencies()
    version = draft(tree.home)
    data = guide_post_data(guides.item_document(version, with_status=False))
    data["materials"] = "[{"
    data["form_schema"] = "[]"
    before = _versions()
    client.force_login(staff(StaffRole.AGENCY_ADMIN, tree.home))

    # when the admin saves
    response = client.post(reverse("workbench:draft_edit", args=[version.item_id]), data)

    # then both boxes carry an error and the draft is unchanged
    errors = response.context["form"].errors
    assert errors["materials"] == [str(forms.JSONField.default_error_messages["invalid"])]
    assert errors["form_schema"] == ["此处应为 JSON 对象（{...}）"]
    assert response.context["refusal"] is None
    assert _versions() == before
