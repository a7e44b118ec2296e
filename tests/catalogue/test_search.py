"""Full-text search over the published catalogue: segmentation, ranking, filters, safety and cost."""

from __future__ import annotations

import time

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from tests.factories import AgencyFactory
from tests.portal.factories import FIXED_NOW, bulk_catalogue, listed_item
from tongban.catalogue.models import SearchEntry, ServiceItem
from tongban.catalogue.models.choices import ItemStatus
from tongban.catalogue.search import index_item, rebuild_index, remove_item, search
from tongban.catalogue.search.backends import Filters, get_backend
from tongban.catalogue.search.segment import document_terms, query_terms

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(FIXED_NOW, tick=True):
        yield


def _names(page) -> list[str]:
    return [item.basic_item.name for item in page.results]


def test_segmentation_cuts_documents_in_search_mode_and_queries_in_precise_mode():
    # given a long item name
    text = "上海市居住证办理"
    # when it is segmented for the index and as a query
    document = document_terms([text])
    terms = query_terms(text)
    # then the index holds the words inside the long ones, and the query its precise words
    assert document.split() == ["上海", "海市", "上海市", "居住", "居住证", "办理"]
    assert terms == ["上海市", "居住证", "办理"]


def test_query_terms_drop_punctuation_and_duplicates():
    # given a query full of punctuation and a repeated word
    # when it is segmented
    terms = query_terms('"居住证"  居住证 *():^')
    # then only the searchable word remains, once
    assert terms == ["居住证"]


def test_search_finds_a_word_inside_a_longer_name():
    # given an item whose name contains 居住证 inside a longer phrase
    item = listed_item("上海市居住证办理")
    # when searching for 居住证
    page = search("居住证")
    # then the item is found
    assert page.total == 1
    assert page.results == [item]


def test_name_match_ranks_before_a_match_in_the_materials():
    # given one item named after 居住证 and another that only asks for a 居住证 among its materials
    materials = [{"code": "M01", "name": "居住证复印件", "source": "applicant", "medium": "copy"}]
    other = listed_item("义务教育阶段入学登记", materials=materials, situations=[])
    named = listed_item("居住证签注")
    # when searching for 居住证
    page = search("居住证")
    # then both are found and the name match comes first
    assert page.total == 2
    assert page.results == [named, other]


def test_all_terms_must_match():
    # given two items sharing one word
    listed_item("居住证签注")
    listed_item("居住登记")
    # when searching for two words
    page = search("居住证 签注")
    # then only the item with both is found
    assert _names(page) == ["居住证签注"]


def test_search_by_implementation_code_and_basic_code():
    # given an item
    item = listed_item("船舶登记")
    # when searching by either code
    by_implementation = search(item.implementation_code)
    by_basic = search(item.basic_item.basic_code.lower())
    # then the item is found
    assert by_implementation.results == [item]
    assert by_basic.results == [item]


def test_empty_query_lists_every_listed_item_in_code_order():
    # given two published items and one whose lifecycle ended
    first = listed_item("居住证签注")
    second = listed_item("营业执照变更")
    ended = listed_item("已终止事项")
    ServiceItem.objects.filter(pk=ended.pk).update(status=ItemStatus.TERMINATED)
    index_item(ended)
    # when searching with no query
    page = search("")
    # then the published items are listed by implementation code
    assert page.total == 2
    assert page.results == sorted([first, second], key=lambda item: item.implementation_code)


def test_filters_by_type_online_depth_citywide_and_agency():
    # given items differing in type, online depth, citywide handling and agency
    agency = AgencyFactory()
    licence = listed_item("居住证办理", item_type="licensing", online_depth="full_online", is_citywide=True)
    service = listed_item("居住证咨询", item_type="public_service", online_depth="counter", in_person_trips=1)
    elsewhere = listed_item("居住证签注", agency=agency, online_depth="online_prereview", in_person_trips=1)
    # when filtering
    # then each filter keeps exactly the matching items
    assert search("居住证", item_type="public_service").results == [service]
    assert search("居住证", online_depth="full_online").results == [licence]
    assert search("居住证", citywide=True).results == [licence]
    assert search("居住证", agency_id=agency.pk).results == [elsewhere]
    assert search("", item_type="licensing", citywide=True).results == [licence]
    assert search("居住证", item_type="filing").total == 0


@pytest.mark.parametrize(
    "hostile",
    ["' OR 1=1 --", '"*():^', '居住证" OR "', "NEAR(居住证 办理)", "title_terms:居住证", "居住证*", "a & b | !c",
     "\\'; DROP TABLE catalogue_searchentry; --", "居住证'):* & !", "(((", "x" * 500],
)
def test_hostile_queries_neither_crash_nor_reach_the_sql(hostile):
    # given an indexed item
    listed_item("居住证办理")
    # when searching with SQL or full-text syntax
    page = search(hostile)
    # then the search answers normally and the index is intact
    assert page.total in (0, 1)
    assert SearchEntry.objects.count() == 1


def test_sql_injection_matches_nothing():
    # given an indexed item
    listed_item("居住证办理")
    # when the query is a classic injection
    page = search("' OR 1=1 --")
    # then it is searched as words, which no guide contains
    assert page.total == 0
    assert page.results == []


def test_query_with_nothing_searchable_lists_all():
    # given an indexed item
    item = listed_item("居住证办理")
    # when the query is only full-text operators
    page = search('"*():^')
    # then it behaves as an empty query
    assert page.results == [item]


def test_pagination_keeps_the_total_and_the_order():
    # given five matching items
    items = [listed_item(f"居住证业务{n}") for n in range(5)]
    expected = sorted(items, key=lambda item: item.implementation_code)
    # when reading pages of two
    pages = [search("居住证", limit=2, offset=offset) for offset in (0, 2, 4, 6)]
    # then the pages hold the items in order, and the total is known even past the end
    assert [page.total for page in pages] == [5, 5, 5, 5]
    assert [item for page in pages for item in page.results] == expected
    assert pages[3].results == []


def test_search_costs_at_most_two_queries_without_per_result_queries(django_assert_max_num_queries):
    # given thirty items
    bulk_catalogue(30)
    # when searching and reading every field a result row shows
    with django_assert_max_num_queries(2):
        page = search("业务办理", limit=20)
        shown = [(i.name, i.agency.name, i.published_version.online_depth, i.basic_item.item_type)
                 for i in page.results]
    with django_assert_max_num_queries(2):
        everything = search("", limit=20)
        [(i.name, i.agency.name, i.published_version.in_person_trips) for i in everything.results]
    # then the pages are full
    assert (page.total, len(shown)) == (30, 20)
    assert (everything.total, len(everything.results)) == (30, 20)


def test_search_is_fast_at_five_thousand_items(django_assert_max_num_queries):
    # given 5,000 published items
    bulk_catalogue(5000)
    assert SearchEntry.objects.count() == 5000
    # when searching a common word, a filter and the empty query
    started = time.perf_counter()
    with django_assert_max_num_queries(6):
        common = search("居住证")
        filtered = search("营业执照", online_depth="full_online", offset=100)
        everything = search("")
    elapsed = time.perf_counter() - started
    # then each answers from two statements, well within a second in all
    assert common.total == 1500
    assert filtered.total == 1500
    assert len(filtered.results) == 20
    assert everything.total == 5000
    assert elapsed < 1.5


def test_index_item_removes_an_item_that_is_no_longer_listed():
    # given an indexed item
    item = listed_item("居住证办理")
    # when it is terminated and re-indexed
    ServiceItem.objects.filter(pk=item.pk).update(status=ItemStatus.TERMINATED)
    indexed = index_item(item)
    # then it is gone from the index and from search
    assert indexed is False
    assert search("居住证").total == 0


def test_suspended_items_stay_findable():
    # given an indexed item that gets suspended
    item = listed_item("居住证办理")
    ServiceItem.objects.filter(pk=item.pk).update(status=ItemStatus.SUSPENDED)
    # when it is re-indexed
    indexed = index_item(item)
    # then it stays in the index (its guide says why it takes no applications)
    assert indexed is True
    assert search("居住证").results == [item]


def test_reindexing_replaces_the_old_text():
    # given an indexed item
    item = listed_item("居住证办理")
    # when its entry is rewritten with other text and re-indexed from the catalogue
    SearchEntry.objects.filter(pk=item.pk).update(document="旧文本", title_terms="旧文本")
    index_item(item)
    # then the old text no longer matches and the real one does
    assert search("旧文本").total == 0
    assert search("居住证").results == [item]


def test_remove_and_rebuild():
    # given two indexed items, one removed from the index by hand
    kept = listed_item("居住证办理")
    removed = listed_item("居住证签注")
    remove_item(removed.pk)
    remove_item(removed.pk)  # idempotent
    assert search("居住证").results == [kept]
    # when the index is rebuilt
    count = rebuild_index()
    # then every listed item is back
    assert count == 2
    assert search("居住证").total == 2


def test_backend_follows_the_database_engine(settings):
    # given the default setting
    settings.TONGBAN_SEARCH_BACKEND = "auto"
    # when the backend is chosen
    backend = get_backend()
    # then it is the engine's own
    expected = "PostgresFullTextBackend" if connection.vendor == "postgresql" else "SqliteFts5Backend"
    assert type(backend).__name__ == expected


def test_unknown_backend_is_a_configuration_error(settings):
    # given a misspelt backend
    settings.TONGBAN_SEARCH_BACKEND = "elastic"
    # when searching
    # then the configuration is refused with the choices named
    with pytest.raises(ImproperlyConfigured, match="'auto', 'sqlite' or 'postgresql'"):
        search("居住证")


def test_postgresql_search_uses_the_gin_index(on_postgresql):
    if not on_postgresql:
        pytest.skip("the GIN index exists on PostgreSQL only")
    # given an indexed item
    listed_item("居住证办理")
    # when the planner may not scan sequentially
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = get_backend().match_sql(["居住证"], Filters())
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # then the backend's own match goes through the GIN index
    assert "catalogue_searchentry_document_gin" in plan


def test_sqlite_keeps_the_fts_table_in_step(on_postgresql):
    if on_postgresql:
        pytest.skip("the FTS5 table exists on SQLite only")
    # given an indexed item
    item = listed_item("居住证办理")
    # when its entry is deleted
    SearchEntry.objects.filter(pk=item.pk).delete()
    # then the FTS5 table (kept by triggers) no longer finds it
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM catalogue_search_fts WHERE catalogue_search_fts MATCH %s", ['"居住证"'])
        assert cursor.fetchone()[0] == 0
