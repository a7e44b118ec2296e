"""The platform operator's life events (一件事, ITEM-11): list, create, edit, and the service's refusals."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.factories import staff
from tests.workbench.test_views_support import (
    ACTORS,
    ANONYMOUS,
    ELSEWHERE,
    Agencies,
    agencies,
    draft,
    log_in,
    page_messages,
)
from tongban.catalogue.errors import CatalogueError
from tongban.catalogue.models import LifeEvent, ServiceItem
from tongban.catalogue.models.choices import LifeEventKind
from tongban.catalogue.services.life_events import save_life_event
from tongban.identity.errors import IdentityError
from tongban.identity.models import StaffRole

pytestmark = pytest.mark.django_db

LIST = reverse("workbench:life_events")
CREATE = reverse("workbench:life_event_create")
SITUATIONS = "LOCAL|本市户籍\nPERMIT|持居住证\nMULTIPLE|多胞胎"


def _items(tree: Agencies, count: int = 3) -> list[ServiceItem]:
    return [draft(tree.home if number % 2 == 0 else tree.other).item for number in range(count)]


def _post_data(items: list[ServiceItem], **changes: Any) -> dict[str, Any]:
    """What the browser sends for a personal event over ``items`` with three situations."""
    data = {
        "code": "LE-NEWBORN", "name": "新生儿出生一件事", "name_en": "Newborn", "kind": "personal",
        "lead_agency": items[0].agency_id, "promised_limit_working_days": "5", "description": "一次申请，一次办结。",
        "item_codes": "\n".join(item.implementation_code for item in items), "situations": SITUATIONS,
        "is_published": "on",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def _operator(client, tree: Agencies) -> None:  # noqa: ANN001 - Django test client
    client.force_login(staff(StaffRole.PLATFORM_OPERATOR, tree.city))


def test_operator_creates_a_personal_life_event_item_11(client):
    """ITEM-11: the operator bundles items of several agencies, in order, with three situations."""
    # given items at two departments and an operator
    tree = agencies()
    items = _items(tree)
    _operator(client, tree)

    # when the operator creates the event, listing the items in handling order (last first)
    ordered = [items[2], items[0], items[1]]
    response = client.post(CREATE, _post_data(ordered), follow=True)

    # then the event is saved with its items in that order, its situations parsed and published
    assert response.redirect_chain == [(LIST, 302)]
    assert page_messages(response) == ["已保存一件事：新生儿出生一件事"]
    event = LifeEvent.objects.get(code="LE-NEWBORN")
    assert [entry.item_id for entry in event.entries.order_by("position")] == [item.pk for item in ordered]
    assert event.situations == [
        {"code": "LOCAL", "label": "本市户籍"}, {"code": "PERMIT", "label": "持居住证"},
        {"code": "MULTIPLE", "label": "多胞胎"},
    ]
    assert (event.kind, event.lead_agency_id, event.promised_limit_working_days, event.is_published) == (
        LifeEventKind.PERSONAL, items[2].agency_id, 5, True)
    assert event.name_en == "Newborn"
    # and the list shows it with its item and situation counts
    [listed] = response.context["events"]
    assert (listed.code, listed.item_count, len(listed.situations)) == ("LE-NEWBORN", 3, 3)


def test_operator_edits_a_life_event_and_its_code_stays(client):
    """Editing replaces items and situations; the code cannot be changed (it would create a second event)."""
    # given an event with three items, and an operator
    tree = agencies()
    items = _items(tree, 4)
    event = save_life_event(
        None, code="LE-MOVE", name="搬家一件事", kind=LifeEventKind.PERSONAL, description="搬家",
        lead_agency=tree.home, item_codes=[item.implementation_code for item in items[:3]],
        situations=[{"code": "A", "label": "甲"}, {"code": "B", "label": "乙"}, {"code": "C", "label": "丙"}],
        promised_limit_working_days=10,
    )
    _operator(client, tree)
    edit = reverse("workbench:life_event_edit", args=[event.pk])

    # when the operator opens the form
    page = client.get(edit)

    # then it holds the stored values, items one per line in order and situations as code|label
    initial = page.context["form"].initial
    assert initial["item_codes"] == "\n".join(item.implementation_code for item in items[:3])
    assert initial["situations"] == "A|甲\nB|乙\nC|丙"

    # when the operator renames it, swaps in the fourth item, tries another code and publishes it
    client.post(edit, _post_data([items[3], items[0]], code="LE-OTHER", name="迁居一件事",
                                 lead_agency=tree.home.pk, item_codes=f"{items[3].implementation_code}\n"
                                 f"{items[0].implementation_code.lower()}"))

    # then the same event changed, with the new items in order; no second event appeared
    event.refresh_from_db()
    assert LifeEvent.objects.count() == 1
    assert (event.code, event.name, event.is_published) == ("LE-MOVE", "迁居一件事", True)
    assert [entry.item_id for entry in event.entries.order_by("position")] == [items[3].pk, items[0].pk]
    assert len(event.situations) == 3


def test_personal_event_with_two_situations_is_refused_item_11(client):
    """ITEM-11: a personal life event needs at least three situations; the refusal is shown and nothing is saved."""
    # given items and an operator
    tree = agencies()
    items = _items(tree)
    _operator(client, tree)

    # when the operator creates a personal event with two situations
    response = client.post(CREATE, _post_data(items, situations="LOCAL|本市户籍\nPERMIT|持居住证"))

    # then the service's refusal is shown on the situations field, with its code, and nothing is saved
    error = CatalogueError.LIFE_EVENT_TOO_SMALL
    assert response.status_code == 200
    assert response.context["refusal"].code == error.code
    assert response.context["form"].errors["situations"] == [f"个人一件事至少需要3种办理情形（{error.code}）"]
    assert LifeEvent.objects.count() == 0


def test_enterprise_event_with_two_items_is_refused_item_11(client):
    """ITEM-11: an enterprise life-cycle event needs at least three items; an edit that drops one changes nothing."""
    # given a valid enterprise event of three items, and an operator
    tree = agencies()
    items = _items(tree)
    event = save_life_event(
        None, code="LE-SHOP", name="开餐馆一件事", kind=LifeEventKind.ENTERPRISE, description="开餐馆",
        lead_agency=tree.home, item_codes=[item.implementation_code for item in items], situations=[],
        promised_limit_working_days=3,
    )
    _operator(client, tree)

    # when the operator edits it down to two items
    response = client.post(reverse("workbench:life_event_edit", args=[event.pk]), _post_data(
        items[:2], kind="enterprise", situations="", name="改名", lead_agency=tree.home.pk))

    # then the refusal names the items field and the stored event is unchanged
    error = CatalogueError.LIFE_EVENT_TOO_SMALL
    assert response.context["refusal"].code == error.code
    assert response.context["form"].errors["item_codes"] == [f"企业一件事至少需要3个事项（{error.code}）"]
    event.refresh_from_db()
    assert event.name == "开餐馆一件事"
    assert [entry.item_id for entry in event.entries.order_by("position")] == [item.pk for item in items]


def test_unknown_item_code_is_refused(client):
    """An implementation code the catalogue does not hold is refused by the service, with its code."""
    # given items and an operator
    tree = agencies()
    items = _items(tree)
    _operator(client, tree)

    # when one line names no item
    codes = "\n".join([*(item.implementation_code for item in items), "NOSUCHITEM"])
    response = client.post(CREATE, _post_data(items, item_codes=codes))

    # then the refusal is shown and nothing saved
    assert response.context["refusal"].code == CatalogueError.ITEM_NOT_FOUND.code
    assert "NOSUCHITEM" in response.context["refusal"].message
    assert LifeEvent.objects.count() == 0


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"situations": "LOCAL 本市户籍\nB|乙\nC|丙"}, "situations", "第1行应为“编号|说明”"),
    ({"situations": "A|甲\nA|乙\nC|丙"}, "situations", "情形编号重复：A"),
    ({"code": "LE/NEWBORN"}, "code", "编号只能包含字母、数字、短横线和下划线"),
])
def test_form_refuses_malformed_input(client, changes: dict[str, str], field: str, message: str):
    """Lines that cannot be parsed and URL-unsafe codes are refused by the form before the service is asked."""
    # given items and an operator
    tree = agencies()
    items = _items(tree)
    _operator(client, tree)

    # when the operator sends malformed input
    response = client.post(CREATE, _post_data(items, **changes))

    # then the field says what is wrong and nothing is saved
    assert response.context["form"].errors[field] == [message]
    assert LifeEvent.objects.count() == 0


def test_repeated_item_and_taken_code_are_refused(client):
    """An item listed twice, or a new event reusing another event's code, would corrupt or overwrite data."""
    # given an existing event and an operator
    tree = agencies()
    items = _items(tree)
    _operator(client, tree)
    client.post(CREATE, _post_data(items))

    # when the operator creates another event with the same code and one item twice
    codes = "\n".join(item.implementation_code for item in [*items, items[0]])
    response = client.post(CREATE, _post_data(items, name="另一件事", item_codes=codes))

    # then both fields are refused and the first event is untouched
    errors = response.context["form"].errors
    assert errors["code"] == ["编号 LE-NEWBORN 已被其他一件事使用"]
    assert errors["item_codes"] == [f"事项重复：{items[0].implementation_code}"]
    assert list(LifeEvent.objects.values_list("name", flat=True)) == ["新生儿出生一件事"]


@pytest.mark.parametrize("actor", ACTORS)
def test_life_events_are_for_platform_operators(client, actor: str):
    """Other roles are refused before anything is shown; an operator outside the lead agency is refused by the
    service; anonymous visitors log in first. Nothing is saved by anyone refused."""
    # given items at home and a visitor
    tree = agencies()
    items = _items(tree)
    log_in(client, actor, StaffRole.PLATFORM_OPERATOR, tree)

    # when the visitor opens the list and tries to create an event led by the home agency
    page = client.get(LIST)
    response = client.post(CREATE, _post_data(items, lead_agency=tree.home.pk))

    # then only an operator covering the home agency saves it
    if actor == ANONYMOUS:
        assert page.url == f"{reverse('workbench:login')}?next={LIST}"
        assert response.status_code == 302
    elif actor == ELSEWHERE:
        assert page.status_code == 200
        assert response.context["refusal"].code == IdentityError.AGENCY_OUT_OF_SCOPE.code
    elif actor == StaffRole.PLATFORM_OPERATOR:
        assert page.status_code == 200
        assert response.status_code == 302
    else:
        assert (page.status_code, response.status_code) == (403, 403)
        assert page.context["refusal"].code == IdentityError.ROLE_REQUIRED.code
        assert response.context["refusal"].code == IdentityError.ROLE_REQUIRED.code
    assert LifeEvent.objects.count() == (1 if actor == StaffRole.PLATFORM_OPERATOR else 0)
