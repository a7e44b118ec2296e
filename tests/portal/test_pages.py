"""Portal pages other than the guide: home, search, one-trip list, life events, announcements, language."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from tests.factories import AgencyFactory
from tests.portal.factories import FIXED_NOW, announcement, bulk_catalogue, life_event, listed_item

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(FIXED_NOW, tick=True):
        yield


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_home_page_offers_search_types_life_events_one_trip_and_announcements(client):
    # given a life event and an announcement
    items = [listed_item("居住证办理"), listed_item("子女入学登记")]
    life_event("LE01", "我要落户", items)
    announcement(items[0], title="系统升级公告")
    # when the home page is opened
    response = client.get(reverse("portal:home"))
    html = response.content.decode()
    # then it offers the search box, the item types, the event, the one-trip list and the announcement
    assert response.status_code == 200
    assert '<form class="search-box" action="/search/" method="get" role="search">' in html
    assert '<a class="tile" href="/search/?type=licensing">行政许可</a>' in html
    assert '<a href="/life-events/LE01/">我要落户</a>' in html
    assert '<a class="button" href="/one-trip/">查看清单</a>' in html
    assert "系统升级公告" in html


def test_search_page_lists_matches_with_links_to_their_guides(client):
    # given two items, one matching
    item = listed_item("居住证办理")
    listed_item("营业执照变更")
    # when searching
    response = client.get(reverse("portal:search"), {"q": "居住证"})
    text = _text(response)
    # then the match is listed with its guide link, agency and badges
    assert response.status_code == 200
    assert "“居住证”共找到 1 个事项" in text
    assert f'href="/items/{item.implementation_code}/">居住证办理</a>' in response.content.decode()
    assert "营业执照变更" not in text
    assert "行政许可 全程网办 跑动0次" in text


def test_search_page_filters_and_keeps_the_chosen_filters(client):
    # given items of two types
    listed_item("居住证办理", item_type="licensing", online_depth="counter", in_person_trips=1)
    listed_item("居住证咨询", item_type="public_service", is_citywide=True)
    # when filtering by type, depth and citywide handling
    by_type = _text(client.get(reverse("portal:search"), {"q": "居住证", "type": "public_service"}))
    by_depth = client.get(reverse("portal:search"), {"q": "", "depth": "counter"})
    citywide = _text(client.get(reverse("portal:search"), {"citywide": "1"}))
    # then each page holds the matching item, and the form keeps the chosen values
    assert "居住证咨询" in by_type and "居住证办理" not in by_type
    assert "共 1 个事项" in _text(by_depth)
    assert '<option value="counter" selected>窗口办理</option>' in by_depth.content.decode()
    assert "居住证咨询" in citywide and "居住证办理" not in citywide


def test_search_page_ignores_unknown_filters_and_bad_page_numbers(client):
    # given one item
    listed_item("居住证办理")
    # when the URL carries an unknown type and a page that is not a number
    response = client.get(reverse("portal:search"), {"type": "nonsense", "page": "x'; --"})
    # then the unfiltered first page is shown
    assert response.status_code == 200
    assert "共 1 个事项" in _text(response)


def test_search_page_paginates_and_keeps_the_query(client):
    # given 45 items
    bulk_catalogue(45)
    # when the second page of a search is opened
    response = client.get(reverse("portal:search"), {"q": "业务办理", "page": "2"})
    html = response.content.decode()
    # then it shows 20 results, the current page, and links that keep the query
    assert html.count('class="item-row"') == 20
    assert '<span aria-current="page">2</span>' in html
    assert 'href="?q=%E4%B8%9A%E5%8A%A1%E5%8A%9E%E7%90%86&amp;page=3" rel="next"' in html
    assert 'href="?q=%E4%B8%9A%E5%8A%A1%E5%8A%9E%E7%90%86&amp;page=1" rel="prev"' in html


def test_search_over_htmx_returns_only_the_results(client):
    # given one item
    listed_item("居住证办理")
    # when htmx submits the search form
    response = client.get(reverse("portal:search"), {"q": "居住证"}, HTTP_HX_REQUEST="true")
    # then only the results section comes back
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="results"')
    assert "<html" not in html


def test_item_10_one_trip_page_lists_only_items_with_at_most_one_trip(client):
    """ITEM-10: the published list shows item, materials, process and time limit; two-trip items stay off it."""
    # given items needing 0, 1 and 2 trips
    listed_item("居住证办理", in_person_trips=0)
    listed_item("居住证签注", in_person_trips=1)
    listed_item("居住证补领", in_person_trips=2)
    # when the one-trip page is opened
    response = client.get(reverse("portal:one_trip"))
    text = _text(response)
    # then the 0- and 1-trip items are listed with materials, process and limit; the 2-trip one is not
    assert response.status_code == 200
    assert "以下 2 个事项到现场办理不超过一次（含零跑动）。" in text
    assert "居住证办理" in text and "居住证签注" in text
    assert "居住证补领" not in text
    assert "申请表 居民身份证 授权委托书" in text
    assert "申请 → 审核 → 办结" in text
    assert text.count("5个工作日") == 2


def test_item_11_life_events_page_groups_personal_and_enterprise_events(client):
    """ITEM-11: personal events (≥ 3 situations) and enterprise events (≥ 3 items) are published."""
    # given a personal event and an enterprise event of items from several agencies
    items = [listed_item("居住证办理"), listed_item("子女入学登记", agency=AgencyFactory()),
             listed_item("营业执照设立", agency=AgencyFactory())]
    life_event("LE01", "我要落户", items[:2])
    life_event("LE02", "我要开餐馆", items, kind="enterprise")
    life_event("LE03", "草稿一件事", items[:2], publish=False)
    # when the life-events page is opened
    text = _text(client.get(reverse("portal:life_events")))
    # then both published events are listed under their kind; the draft is not
    assert "个人一件事 我要落户" in text
    assert "企业一件事 我要开餐馆" in text
    assert "3 个事项" in text
    assert "草稿一件事" not in text


def test_item_11_life_event_page_lists_situations_and_items_in_order(client):
    """ITEM-11: one event, one notice: its situations and the items it bundles, linked to their guides."""
    # given a published event
    first = listed_item("居住证办理")
    second = listed_item("子女入学登记", agency=AgencyFactory(name="上海市教育委员会"))
    life_event("LE01", "我要落户", [first, second])
    # when its page is opened
    response = client.get(reverse("portal:life_event", args=["LE01"]))
    text = _text(response)
    # then the situations, the items in handling order and the limit are shown
    assert "本市户籍 非本市户籍 港澳台居民" in text
    assert text.index("居住证办理") < text.index("子女入学登记")
    assert "上海市教育委员会" in text
    assert f'href="/items/{second.implementation_code}/"' in response.content.decode()
    assert "承诺时限：5个工作日" in text


def test_unknown_life_event_is_a_chinese_404(client):
    # when an unknown life event is asked for
    response = client.get(reverse("portal:life_event", args=["NOPE"]))
    # then the 404 page explains in Chinese
    assert response.status_code == 404
    assert "一件事 NOPE 不存在或未发布" in response.content.decode()


def test_announcements_page_shows_those_in_force(client):
    # given a current and an expired announcement
    item = listed_item("居住证办理")
    announcement(item, title="维护公告：本周六暂停受理", ends_in_days=3)
    announcement(item, title="已过期的公告", days_ago=5, ends_in_days=-1)
    # when the announcements page is opened
    text = _text(client.get(reverse("portal:announcements")))
    # then only the current one is listed, with its item
    assert "维护公告：本周六暂停受理" in text
    assert "已过期的公告" not in text
    assert "居住证办理" in text


def test_english_is_served_on_accept_language(client):
    # given an English-speaking visitor
    # when the home page is opened
    response = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en")
    text = _text(response)
    # then the navigation and headings are in English
    assert response["Content-Language"] == "en"
    for label in ("Home", "Services", "Life events", "At most one trip", "Announcements", "By item type"):
        assert label in text, label
    assert "Administrative licensing" in text


def test_language_switch_posts_to_set_language_and_sticks(client):
    # given the Chinese home page with its language switch
    html = client.get(reverse("portal:home")).content.decode()
    assert '<form class="lang-switch" action="/i18n/setlang/" method="post">' in html
    assert 'name="csrfmiddlewaretoken"' in html
    # when the visitor chooses English
    response = client.post(reverse("set_language"), {"language": "en", "next": "/search/"})
    # then they are sent back and the next page is English
    assert response.status_code == 302
    assert response["Location"] == "/search/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Search services" in client.get("/search/").content.decode()


def test_pages_load_the_vendored_htmx_and_the_single_stylesheet(client):
    # when the home page is opened
    html = client.get(reverse("portal:home")).content.decode()
    # then htmx and the stylesheet come from our own static files
    assert '<script src="/static/vendor/htmx/htmx.min.js" defer></script>' in html
    assert '<link rel="stylesheet" href="/static/tongban/site.css">' in html
    assert '"includeIndicatorStyles": false' in html


def test_unknown_url_gets_the_chinese_404_page(client):
    # when a missing page is asked for
    response = client.get("/no-such-page/")
    # then the site's 404 page answers in Chinese
    assert response.status_code == 404
    assert "您访问的页面不存在或已下线。" in response.content.decode()
