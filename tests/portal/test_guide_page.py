"""The item guide page (ITEM-2): every guide element, situation answers with and without htmx, 404s."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.urls import reverse

from tests.factories import AgencyFactory
from tests.portal.factories import FIXED_NOW, announcement, listed_item
from tongban.catalogue.models import AnnouncementKind, ServiceItem
from tongban.catalogue.models.choices import ItemStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(FIXED_NOW, tick=True):
        yield


@pytest.fixture
def item() -> ServiceItem:
    """The shared test guide plus a fee, a sample and a blank form: M03 applies only when an agent applies."""
    materials = [
        {"code": "M01", "name": "申请表", "source": "agency_form", "medium": "electronic", "paper_copies": 0,
         "is_required": True, "sample_url": "/static/samples/m01.pdf", "blank_form_url": "https://example.org/m01.docx"},
        {"code": "M02", "name": "居民身份证", "source": "government", "medium": "original", "paper_copies": 0,
         "is_required": True, "licence_type": "resident_id_card"},
        {"code": "M03", "name": "授权委托书", "source": "applicant", "medium": "original", "paper_copies": 1,
         "is_required": True, "situation_options": ["Q1.B"], "sample_url": "javascript:alert(1)"},
        {"code": "M04", "name": "居住证明", "source": "other_organisation", "medium": "copy", "paper_copies": 2,
         "is_required": False, "commitment_allowed": True},
    ]
    fees = [{"name": "工本费", "amount_fen": 2000, "basis": "沪价费〔2020〕1号"}]
    agency = AgencyFactory(name="上海市公安局")
    return listed_item("居住证办理", agency=agency, materials=materials, fees=fees, is_citywide=True, in_person_trips=1)


def _guide_url(item: ServiceItem) -> str:
    return reverse("portal:guide", args=[item.implementation_code])


def _text(response) -> str:
    """The page's visible text with tags dropped and whitespace squeezed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_item_2_guide_page_shows_every_guide_element(client, item):
    """ITEM-2: codes, type, agency, legal basis, conditions, applicants, process, materials, limits, fees, result…"""
    # given a published item
    # when its guide page is opened
    response = client.get(_guide_url(item))
    text = _text(response)
    # then every element of the guide is on the page
    assert response.status_code == 200
    version = item.published_version
    for expected in [
        "居住证办理", item.basic_item.basic_code, item.implementation_code, "行政许可", "上海市公安局",
        "《中华人民共和国行政许可法》", "本市户籍居民，材料齐全。", "申请对象", "本市户籍居民", "自然人",
        "申请 网上提交", "审核", "办结",
        "承诺时限：5个工作日", "法定时限：20个工作日", "承诺件", "工本费", "20.00元", "沪价费〔2020〕1号",
        "准予登记决定书", "批准文书", "电子送达", "全程网办", "到现场次数 1次", "模式二：平台内办理",
        "是，可在本市任一街镇社区事务受理服务中心办理", "上海市黄浦区人民大道200号", "工作日 9:00-17:00",
        "咨询电话 12345", "监督投诉电话 12345", "L2 实名核验", f"v{version.number}",
    ]:
        assert expected in text, expected


def test_item_2_materials_table_states_source_medium_copies_and_exemption(client, item):
    """ITEM-2 / ITEM-9: each material's source, form, copies, necessity, sample, blank form; fetched ones exempt."""
    # given a published item
    # when its guide page is opened
    response = client.get(_guide_url(item))
    html = response.content.decode()
    text = _text(response)
    # then the materials table lists the unconditional materials with all their columns
    assert "申请表 本机关提供（申请表） 电子材料 0 必要" in text
    assert "居民身份证 可免提交：由平台通过电子证照/数据共享获取 政府部门核发 原件 0 必要" in text
    assert "居住证明 可告知承诺 其他机构出具 复印件 2 非必要" in text
    assert "按所选情形需提交 3 项材料（本事项共 4 项）" in text
    assert '<a href="/static/samples/m01.pdf" rel="noopener">示例样表</a>' in html
    assert '<a href="https://example.org/m01.docx" rel="noopener">空白表格</a>' in html
    assert "授权委托书" not in text


def test_situation_answer_adds_its_materials_on_the_full_page(client, item):
    # given the guide of an item whose power of attorney is needed only for agents
    # when the visitor answers "委托代理人办理" with the plain form (no JavaScript)
    response = client.get(_guide_url(item), {"s_Q1": "B"})
    text = _text(response)
    # then the full page lists the power of attorney, with its situation, and keeps the answer checked
    assert response.status_code == 200
    assert "<html" in response.content.decode()
    assert "授权委托书 适用情形：委托代理人办理 申请人自备 原件 1 必要" in text
    assert "按所选情形需提交 4 项材料（本事项共 4 项）" in text
    assert 'name="s_Q1" value="B" checked' in response.content.decode()


def test_situation_answer_over_htmx_returns_only_the_materials_fragment(client, item):
    # given the guide of an item
    # when htmx sends the answer
    response = client.get(_guide_url(item), {"s_Q1": "B"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    # then only the materials fragment comes back, with the power of attorney
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "portal/_materials.html"
    assert html.lstrip().startswith('<div id="materials"')
    assert "<html" not in html
    assert "授权委托书" in html
    assert "HX-Request" in response["Vary"]


def test_htmx_without_the_agent_answer_leaves_the_power_of_attorney_out(client, item):
    # given the guide of an item
    # when htmx sends the "本人办理" answer
    response = client.get(_guide_url(item), {"s_Q1": "A"}, HTTP_HX_REQUEST="true")
    # then the power of attorney is not listed
    assert "授权委托书" not in response.content.decode()
    assert "按所选情形需提交 3 项材料" in _text(response)


def test_htmx_history_restore_gets_the_full_page(client, item):
    # given the guide of an item
    # when htmx restores a page from history (cache miss)
    response = client.get(
        _guide_url(item), {"s_Q1": "B"}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    # then the whole page is sent
    assert "<html" in response.content.decode()


def test_situation_form_works_without_javascript_and_is_enhanced_by_htmx(client, item):
    # given the guide of an item
    # when the page is opened
    html = client.get(_guide_url(item)).content.decode()
    # then the answers form is a plain GET form to the same page, with htmx attributes and a submit button
    action = _guide_url(item)
    assert f'<form class="situations" method="get" action="{action}"' in html
    assert f'hx-get="{action}"' in html
    assert 'hx-target="#materials"' in html
    assert '<input type="radio" name="s_Q1" value="A">' in html
    assert '<button type="submit" class="button">更新材料清单</button>' in html


def test_unsafe_material_links_are_not_rendered(client, item):
    # given a material whose sample link is a javascript: URL
    # when an agent's guide is shown
    html = client.get(_guide_url(item), {"s_Q1": "B"}).content.decode()
    # then no javascript: link reaches the page
    assert "javascript:" not in html


def test_guide_page_shows_announcements_and_the_suspension_notice(client, item):
    # given a suspended item with a suspension announcement
    ServiceItem.objects.filter(pk=item.pk).update(status=ItemStatus.SUSPENDED)
    announcement(item, kind=AnnouncementKind.SUSPENSION, title="居住证办理暂停公告", body="因系统升级暂停受理。")
    # when its guide page is opened
    text = _text(client.get(_guide_url(item)))
    # then the page says it is not accepting, and why, and shows the announcement
    assert "该事项当前暂停受理" in text
    assert "原因：已暂停。" in text
    assert "暂停公告 居住证办理暂停公告" in text
    assert "因系统升级暂停受理。" in text


def test_accepting_item_has_no_suspension_notice(client, item):
    # given an item in service
    # when its guide is opened
    text = _text(client.get(_guide_url(item)))
    # then no suspension notice is shown
    assert "该事项当前暂停受理" not in text


def test_unknown_item_gets_a_chinese_404_page(client):
    # given no item with this code
    # when its guide is asked for
    response = client.get(reverse("portal:guide", args=["0100000010000000NOTHERE"]))
    # then a 404 page explains in Chinese
    assert response.status_code == 404
    assert "事项 0100000010000000NOTHERE 不存在或未发布" in response.content.decode()
    assert "返回首页" in response.content.decode()


def test_guide_page_sends_a_content_security_policy_and_no_inline_code(client, item):
    # given the guide of an item
    # when it is opened
    response = client.get(_guide_url(item))
    html = response.content.decode()
    # then the CSP header forbids inline scripts, and the page has neither inline scripts nor inline styles
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "style=" not in html
    assert "<style" not in html
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/vendor/htmx/htmx.min.js" defer>']
    assert "</script>" in html and re.search(r"<script[^>]*>\s*\S+\s*</script>", html) is None


def test_guide_page_query_count_does_not_grow_with_materials(client, item, django_assert_max_num_queries):
    # given the guide of an item with four materials and a situation question
    # when it is opened (session and CSRF need no queries for an anonymous visitor)
    with django_assert_max_num_queries(7):
        response = client.get(_guide_url(item), {"s_Q1": "B"})
    # then it renders
    assert response.status_code == 200
