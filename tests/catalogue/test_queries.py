"""The portal's read side: guides with situation answers, the one-trip list, life events, announcements."""

from __future__ import annotations

import pytest
import time_machine

from tests.factories import AgencyFactory
from tests.portal.factories import FIXED_NOW, announcement, bulk_catalogue, life_event, listed_item
from tongban.catalogue.models import ServiceItem
from tongban.catalogue.models.choices import ItemStatus
from tongban.catalogue.services import queries
from tongban.core.errors import TongbanError

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(FIXED_NOW, tick=True):
        yield


def _codes(materials) -> list[str]:
    return [entry.material.code for entry in materials]


def test_published_item_finds_the_item_by_implementation_code():
    # given a published item
    item = listed_item("居住证办理")
    # when it is looked up by its code, in lower case
    found = queries.published_item(item.implementation_code.lower())
    # then the item comes back with its published version
    assert found == item
    assert found.published_version_id == item.published_version_id


def test_unknown_or_unpublished_item_is_refused_with_the_catalogue_code():
    # given an item that was never published and a code that does not exist
    draft = listed_item("草稿事项")
    ServiceItem.objects.filter(pk=draft.pk).update(status=ItemStatus.DRAFT)
    # when they are looked up
    # then both are refused with CATALOGUE_ITEM_NOT_FOUND
    for code in (draft.implementation_code, "NOPE"):
        with pytest.raises(TongbanError) as refused:
            queries.published_item(code)
        assert refused.value.code == "CATALOGUE_ITEM_NOT_FOUND"
    assert refused.value.message == "事项 NOPE 不存在或未发布"


def test_guide_without_answers_lists_the_unconditional_materials():
    # given the test guide: M01, M02 always, M03 only when an agent applies (Q1.B)
    item = queries.published_item(listed_item("居住证办理").implementation_code)
    # when the guide is read without answers
    guide = queries.guide(item, None)
    # then only the unconditional materials are listed, out of three
    assert _codes(guide.materials) == ["M01", "M02"]
    assert guide.material_total == 3
    assert [(q.code, [o.key for o in q.options]) for q in guide.questions] == [("Q1", ["Q1.A", "Q1.B"])]


def test_guide_answers_select_the_situation_materials():
    # given the test guide
    item = queries.published_item(listed_item("居住证办理").implementation_code)
    # when the visitor says an agent applies
    guide = queries.guide(item, {"Q1": ["B"]})
    # then the power of attorney joins the list, tagged with its situation, and the option is marked chosen
    assert _codes(guide.materials) == ["M01", "M02", "M03"]
    assert guide.materials[2].situations == ["委托代理人办理"]
    assert [o.selected for o in guide.questions[0].options] == [False, True]
    assert guide.answers == {"Q1": ["B"]}


def test_guide_ignores_unknown_answers_and_keeps_one_answer_to_a_single_choice():
    # given the test guide (Q1 is single-choice)
    item = queries.published_item(listed_item("居住证办理").implementation_code)
    # when the query string carries unknown questions, unknown options and two answers to Q1
    guide = queries.guide(item, {"Q9": ["A"], "Q1": ["X", "A", "B"]})
    # then only the first known answer counts
    assert guide.answers == {"Q1": ["A"]}
    assert _codes(guide.materials) == ["M01", "M02"]


def test_guide_reads_no_more_per_material(django_assert_max_num_queries):
    # given the test guide
    code = listed_item("居住证办理").implementation_code
    # when the item and its guide are loaded
    with django_assert_max_num_queries(6):
        guide = queries.guide(queries.published_item(code), {"Q1": ["B"]})
        [(entry.material.name, entry.situations) for entry in guide.materials]
    # then the whole guide is there
    assert len(guide.materials) == 3


def test_limits_are_written_with_their_units():
    # given items with working-day, on-the-spot and absent limits
    promised = listed_item("居住证办理")
    on_the_spot = listed_item(
        "居住证签注", handling_kind="on_the_spot", promised_limit={"value": None, "unit": "on_the_spot"},
        statutory_limit=None,
    )
    calendar = listed_item("居住证补领", promised_limit={"value": 15, "unit": "calendar_days"},
                           statutory_limit={"value": 30, "unit": "calendar_days"})
    # when their guides are read
    guides = [queries.guide(queries.published_item(i.implementation_code)) for i in (promised, on_the_spot, calendar)]
    # then each limit reads as a guide prints it
    assert [(g.promised_limit, g.statutory_limit) for g in guides] == [
        ("承诺时限：5个工作日", "法定时限：20个工作日"),
        ("承诺时限：当场办结", "法定时限：无"),
        ("承诺时限：15个自然日", "法定时限：30个自然日"),
    ]


def test_fees_are_written_in_yuan_or_by_their_rule():
    # given an item with a fixed fee and a rule-based fee
    fees = [{"name": "工本费", "amount_fen": 1250, "basis": "沪价费〔2020〕1号"},
            {"name": "检测费", "amount_fen": None, "rule": "按检测项目计费"}]
    item = listed_item("居住证办理", fees=fees)
    # when the guide is read
    guide = queries.guide(queries.published_item(item.implementation_code))
    # then the fees read in yuan or by their rule
    assert guide.fees == [
        queries.Fee("工本费", "12.50元", "沪价费〔2020〕1号"),
        queries.Fee("检测费", "按检测项目计费", ""),
    ]


def test_suspended_item_guide_says_why_it_takes_no_applications():
    # given a suspended item
    item = listed_item("居住证办理")
    ServiceItem.objects.filter(pk=item.pk).update(status=ItemStatus.SUSPENDED)
    # when its guide is read
    guide = queries.guide(queries.published_item(item.implementation_code))
    # then it is readable but not accepting
    assert guide.is_accepting is False
    assert guide.refusal_reason == "已暂停"


def test_item_10_one_trip_list_holds_only_items_with_at_most_one_trip(django_assert_max_num_queries):
    """ITEM-10: the published "at most one trip" list; each item records 0 or 1 trips."""
    # given items needing zero, one and two trips, and an unpublished one-trip item
    zero = listed_item("居住证办理", in_person_trips=0)
    one = listed_item("居住证签注", in_person_trips=1)
    listed_item("居住证补领", in_person_trips=2)
    draft = listed_item("草稿事项", in_person_trips=0)
    ServiceItem.objects.filter(pk=draft.pk).update(status=ItemStatus.DRAFT)
    # when the list is read with its materials and process
    with django_assert_max_num_queries(2):
        rows = [(i, [m.name for m in i.published_version.materials.all()], i.published_version.process_steps)
                for i in queries.one_trip_list()]
    # then exactly the published items with 0 or 1 trips are listed, with their materials and steps
    assert [row[0] for row in rows] == sorted([zero, one], key=lambda item: item.implementation_code)
    assert rows[0][1] == ["申请表", "居民身份证", "授权委托书"]
    assert [step["name"] for step in rows[0][2]] == ["申请", "审核", "办结"]


def test_item_10_one_trip_list_at_scale_costs_two_queries_per_page(django_assert_max_num_queries):
    """ITEM-10: the list stays cheap with many items (2 of every 3 bulk items need ≤ 1 trip)."""
    # given 300 items
    bulk_catalogue(300)
    # when one page of fifty is read with materials
    with django_assert_max_num_queries(2):
        page = list(queries.one_trip_list()[:50])
        [m.name for item in page for m in item.published_version.materials.all()]
    # then the page is full and every item needs at most one trip
    assert len(page) == 50
    assert {item.published_version.in_person_trips for item in page} == {0, 1}
    assert queries.one_trip_list().count() == 200


def test_item_11_life_events_lists_published_events_with_their_items():
    """ITEM-11: life events bundle items across agencies; only published ones are shown."""
    # given two items of different agencies in a published event, and an unpublished event
    first = listed_item("居住证办理")
    second = listed_item("子女入学登记", agency=AgencyFactory())
    event = life_event("LE01", "我要落户", [first, second])
    life_event("LE02", "未发布的一件事", [second, first], publish=False)
    # when the events are read
    events = queries.life_events()
    # then only the published one is there, its items in handling order and linkable
    assert events == [event]
    entries = list(events[0].entries.all())
    assert [entry.item for entry in entries] == [first, second]
    assert [entry.is_listed for entry in entries] == [True, True]
    assert len(events[0].situations) == 3


def test_item_11_life_event_by_code_and_unknown_code():
    # given a published event
    items = [listed_item("居住证办理"), listed_item("子女入学登记")]
    life_event("LE01", "我要落户", items)
    # when it is read by code, and an unknown code is read
    event = queries.life_event("LE01")
    # then the event comes back, and the unknown code is refused
    assert event.name == "我要落户"
    with pytest.raises(TongbanError) as refused:
        queries.life_event("LE99")
    assert refused.value.code == "CATALOGUE_LIFE_EVENT_NOT_FOUND"


def test_active_announcements_are_those_in_force_about_the_item_or_its_agency():
    # given announcements about an item, about its agency as a whole, about another agency, expired and future
    item = listed_item("居住证办理")
    about_item = announcement(item, title="维护公告", days_ago=1, ends_in_days=3)
    agency_wide = announcement(agency=item.agency, title="中断连接公告", days_ago=2)
    elsewhere = announcement(agency=AgencyFactory(), title="其他单位公告", days_ago=0)
    announcement(item, title="已过期公告", days_ago=10, ends_in_days=-1)
    announcement(item, title="未来公告", days_ago=-1)
    # when the active announcements are read, for the item and in all
    for_item = queries.active_announcements(item)
    everything = queries.active_announcements()
    # then expired and future ones are left out, newest first
    assert for_item == [about_item, agency_wide]
    assert everything == [elsewhere, about_item, agency_wide]
    assert queries.active_announcements(limit=1) == [elsewhere]
