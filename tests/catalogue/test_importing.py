"""Bulk import and export of guides: all or nothing, every problem named, a faithful round trip."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.factories import AgencyFactory, item_document, published_item, staff
from tongban.catalogue.models import BasicItem, ItemVersion, Material, ServiceItem
from tongban.catalogue.models.choices import VersionState
from tongban.catalogue.services.guides import completeness_problems, save_item_document
from tongban.catalogue.services.guides import item_document as document_of
from tongban.catalogue.services.importing import export_document, import_document
from tongban.core.errors import TongbanError, ValidationProblems
from tongban.core.models import AuditEvent
from tongban.identity.models import StaffRole

pytestmark = pytest.mark.django_db


def _file(*items: dict) -> dict:
    return {"format": "tongban.catalogue/1", "items": list(items)}


def _counts() -> tuple[int, int, int, int]:
    return BasicItem.objects.count(), ServiceItem.objects.count(), ItemVersion.objects.count(), Material.objects.count()


def _codes(problems: list[dict]) -> list[tuple[str, str]]:
    return [(problem["path"], problem["code"]) for problem in problems]


def test_import_saves_every_item_as_a_draft_and_audits_once():
    # given a file with three items of two agencies
    first, second = AgencyFactory(), AgencyFactory()
    documents = [item_document(first), item_document(first), item_document(second)]
    # when the platform imports it
    report = import_document(json.dumps(_file(*documents), ensure_ascii=False), actor_label="测试导入")
    # then three items exist, each with one draft version equal to its document
    assert (report.items, report.new_items, report.new_drafts, report.replaced_drafts) == (3, 3, 3, 0)
    assert report.implementation_codes == [document["implementation_code"] for document in documents]
    for document in documents:
        version = ItemVersion.objects.get(item__implementation_code=document["implementation_code"])
        assert version.state == VersionState.DRAFT
        assert version.created_by_label == "测试导入"
        assert document_of(version, with_status=False)["guide"] == document["guide"]
    # and one audit event records the counts
    event = AuditEvent.objects.get(action="catalogue.import")
    assert event.actor_label == "测试导入"
    assert event.agency_id is None
    assert event.data == {"items": 3, "new_items": 3, "new_drafts": 3, "replaced_drafts": 0}


def test_reimporting_rewrites_the_existing_draft():
    # given an imported item
    agency = AgencyFactory()
    document = item_document(agency)
    import_document(_file(document), actor_label="t")
    # when a corrected file is imported again
    document["guide"]["conditions"] = "修订后的受理条件"
    report = import_document(_file(document), actor_label="t")
    # then the same draft was rewritten, not a second one added
    assert (report.new_items, report.new_drafts, report.replaced_drafts) == (0, 0, 1)
    version = ItemVersion.objects.get(item__implementation_code=document["implementation_code"])
    assert (version.number, version.conditions) == (1, "修订后的受理条件")
    assert AuditEvent.objects.filter(action="catalogue.import").last().agency_id == agency.pk


def test_item_2_broken_items_are_all_reported_and_nothing_is_written():
    """ITEM-2 / ITEM-4: every problem of every item is named with its path; a single fault writes nothing."""
    # given a file with a good item and three broken ones
    agency = AgencyFactory()
    good = item_document(agency)
    malformed_code = item_document(agency, basic_code="0100000001AAA")
    over_limit = item_document(agency)
    over_limit["guide"]["promised_limit"] = {"value": 30, "unit": "working_days"}
    structural = item_document(agency)
    del structural["guide"]["conditions"]
    structural["guide"]["in_person_trips"] = -1
    before = _counts()
    # when it is imported
    with pytest.raises(ValidationProblems) as refusal:
        import_document(_file(good, malformed_code, over_limit, structural), actor_label="t")
    # then each problem carries the path of its item, in file order
    assert refusal.value.code == "CATALOGUE_GUIDE_INVALID"
    assert _codes(refusal.value.problems) == [
        ("$.items[1].basic_item.basic_code", "CATALOGUE_BASIC_CODE_MALFORMED"),
        ("$.items[1].implementation_code", "CATALOGUE_IMPLEMENTATION_CODE_MALFORMED"),
        ("$.items[2].guide.promised_limit", "CATALOGUE_PROMISED_OVER_STATUTORY"),
        ("$.items[3].guide", "CATALOGUE_FORMAT_INVALID"),
        ("$.items[3].guide.in_person_trips", "CATALOGUE_FORMAT_INVALID"),
    ]
    assert refusal.value.message == "办事指南有 5 处问题"
    # and not even the good item was written
    assert _counts() == before
    assert not AuditEvent.objects.filter(action="catalogue.import").exists()


def test_item_4_promised_limit_over_statutory_is_refused_on_import():
    """ITEM-4 (and ITEM-8's premise): a promised limit longer than the statutory one cannot be imported."""
    document = item_document(AgencyFactory(), statutory_limit={"value": 10, "unit": "calendar_days"},
                             promised_limit={"value": 10, "unit": "working_days"})
    with pytest.raises(ValidationProblems) as refusal:
        import_document(_file(document), actor_label="t")
    assert _codes(refusal.value.problems) == [("$.items[0].guide.promised_limit", "CATALOGUE_PROMISED_OVER_STATUTORY")]
    assert refusal.value.problems[0]["message"] == "承诺时限（10工作日）不得超过法定时限（10自然日）"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"format": "tongban.catalogue/1",\n  "items": [}', "JSON 语法错误：第 2 行第 13 列：Expecting value"),
        (b"\xff\xfe{}", "文件不是 UTF-8 编码：第 1 字节无法解码"),
    ],
)
def test_malformed_json_is_reported_with_its_position(text, message):
    before = _counts()
    with pytest.raises(ValidationProblems) as refusal:
        import_document(text, actor_label="t")
    assert refusal.value.problems == [{"path": "$", "code": "CATALOGUE_FORMAT_INVALID", "message": message}]
    assert _counts() == before


def test_top_level_format_is_checked():
    with pytest.raises(ValidationProblems) as refusal:
        import_document({"format": "other/2", "items": {}}, actor_label="t")
    assert _codes(refusal.value.problems) == [("$.format", "CATALOGUE_FORMAT_INVALID"),
                                              ("$.items", "CATALOGUE_FORMAT_INVALID")]


def test_duplicate_implementation_code_inside_a_file_is_refused():
    # given the same item twice in one file
    document = item_document(AgencyFactory())
    # when imported, then the second occurrence is named
    with pytest.raises(ValidationProblems) as refusal:
        import_document(_file(document, dict(document)), actor_label="t")
    assert _codes(refusal.value.problems) == [("$.items[1].implementation_code", "CATALOGUE_DUPLICATE_CODE")]
    assert ServiceItem.objects.count() == 0


def test_item_2_same_basic_code_with_another_name_inside_a_file_is_refused():
    """ITEM-2: two items of one file sharing a basic code must agree on name, type and legal basis."""
    city, district = AgencyFactory(), AgencyFactory()
    first = item_document(city, basic_code="010000009000", name="居住证申领")
    second = item_document(district, basic_code="010000009000", name="居住证办理")
    second["basic_item"]["legal_basis"] = "《居住证暂行条例》"
    with pytest.raises(ValidationProblems) as refusal:
        import_document(_file(first, second), actor_label="t")
    assert _codes(refusal.value.problems) == [("$.items[1].basic_item", "CATALOGUE_BASIC_CODE_CLASH")]
    assert "名称、设定依据" in refusal.value.problems[0]["message"]


def test_same_business_unit_twice_inside_a_file_is_refused():
    """ITEM-2: one agency implements one business unit of an item once, even within one file."""
    agency = AgencyFactory()
    first = item_document(agency, basic_code="010000009100")
    second = item_document(agency, basic_code="010000009100", unit_number=2)
    second["business_unit"] = ""
    with pytest.raises(ValidationProblems) as refusal:
        import_document(_file(first, second), actor_label="t")
    assert _codes(refusal.value.problems) == [("$.items[1].business_unit", "CATALOGUE_IMPLEMENTATION_DUPLICATE_UNIT")]


def test_item_2_basic_code_clash_with_an_existing_item_is_refused():
    """ITEM-2: the file may not rename an item the catalogue already knows under that basic code."""
    # given an existing item
    city, district = AgencyFactory(), AgencyFactory()
    save_item_document(item_document(city, basic_code="010000009200", name="居住证申领"), actor_label="t")
    before = _counts()
    # when a file reuses its basic code with another name
    clashing = item_document(district, basic_code="010000009200", name="居住证办理")
    with pytest.raises(ValidationProblems) as refusal:
        import_document(_file(item_document(district), clashing), actor_label="t")
    # then it is named once, and nothing is written
    assert _codes(refusal.value.problems) == [("$.items[1].basic_item", "CATALOGUE_BASIC_CODE_CLASH")]
    assert "居住证申领" in refusal.value.problems[0]["message"]
    assert _counts() == before


def test_agency_admin_imports_only_for_agencies_in_scope():
    # given an agency admin of one agency and a file with an item of another
    own, foreign = AgencyFactory(), AgencyFactory()
    admin = staff(StaffRole.AGENCY_ADMIN, own)
    before = _counts()
    # when the admin imports it, then the refusal names the foreign item's path
    with pytest.raises(TongbanError) as refusal:
        import_document(_file(item_document(own), item_document(foreign)), actor=admin, actor_label="t")
    assert (refusal.value.code, refusal.value.field) == ("IDENTITY_AGENCY_OUT_OF_SCOPE", "$.items[1].agency")
    assert _counts() == before
    # and a file of the admin's own agency is imported
    assert import_document(_file(item_document(own)), actor=admin, actor_label="t").new_drafts == 1
    assert AuditEvent.objects.get(action="catalogue.import").actor_id == admin.pk


def test_operator_imports_for_any_agency_and_other_staff_are_refused():
    platform, agency = AgencyFactory(), AgencyFactory()
    operator = staff(StaffRole.PLATFORM_OPERATOR, platform)
    assert import_document(_file(item_document(agency)), actor=operator, actor_label="t").items == 1
    supervisor = staff(StaffRole.SUPERVISOR, platform)
    with pytest.raises(TongbanError) as refusal:
        import_document(_file(item_document(agency)), actor=supervisor, actor_label="t")
    assert refusal.value.code == "IDENTITY_ROLE_REQUIRED"


def test_export_import_round_trip_reproduces_identical_guides():
    """ITEM-2: one guide, the same everywhere: an exported file imports back to identical guides."""
    # given published items, one of them with every optional field set
    agency = AgencyFactory()
    full = published_item(agency, fees=[{"name": "工本费", "revenue_code": "103050", "amount_fen": 2000,
                                         "rule": "", "basis": "沪价费"}], statutory_limit=None)
    plain = published_item(AgencyFactory())
    save_item_document(item_document(agency), actor_label="draft only")  # not exported by default
    # when the catalogue is exported and the file imported again
    exported = export_document()
    assert exported["format"] == "tongban.catalogue/1"
    assert [item["implementation_code"] for item in exported["items"]] == sorted(
        [full.implementation_code, plain.implementation_code]
    )
    report = import_document(json.dumps(exported, ensure_ascii=False), actor_label="round trip")
    # then every item got a new draft whose document equals the exported one
    assert (report.items, report.new_items, report.new_drafts) == (2, 0, 2)
    for exported_item in exported["items"]:
        draft = ItemVersion.objects.get(item__implementation_code=exported_item["implementation_code"],
                                        state=VersionState.DRAFT)
        expected = {key: value for key, value in exported_item.items() if key not in ("status", "version")}
        assert document_of(draft, with_status=False) == expected
    # and exporting with drafts gives the same guides as the new versions, plus the draft-only item
    again = {item["implementation_code"]: item for item in export_document(include_drafts=True)["items"]}
    assert len(again) == 3
    for exported_item in exported["items"]:
        assert again[exported_item["implementation_code"]]["guide"] == exported_item["guide"]
        assert again[exported_item["implementation_code"]]["version"] == exported_item["version"] + 1


def test_export_filters_by_agency_and_refuses_an_unknown_one():
    agency = AgencyFactory()
    mine = published_item(agency)
    published_item(AgencyFactory())
    assert [item["implementation_code"] for item in export_document(agency_code=agency.code)["items"]] == [
        mine.implementation_code
    ]
    with pytest.raises(TongbanError) as refusal:
        export_document(agency_code="NOPE")
    assert refusal.value.code == "CATALOGUE_AGENCY_NOT_FOUND"


def test_item_4_documented_example_imports_and_is_complete_enough_to_open():
    """ITEM-4: the complete example of docs/catalogue-format.md is valid and complete enough to file for opening."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "catalogue-format.md").read_text("utf-8")
    example = text.split("## Complete example", 1)[1].split("```json", 1)[1].split("```", 1)[0]
    AgencyFactory(code="SHSCJG", uscc="113100000001200019", name="上海市市场监督管理局")
    report = import_document(example, actor_label="docs")
    version = ItemVersion.objects.get(item__implementation_code=report.implementation_codes[0])
    assert completeness_problems(version) == []


def test_two_thousand_items_import_in_one_file():
    # given a file of 2,000 items (its speed is measured by bench/catalogue_bench.py, not by a timed test)
    agency = AgencyFactory()
    document = _file(*(item_document(agency) for _ in range(2000)))
    # when imported, then all are written
    report = import_document(json.dumps(document), actor_label="bulk")
    assert report.new_drafts == 2000
    assert Material.objects.count() == 6000


def test_cli_import_prints_a_summary(tmp_path):
    # given a file of two items
    path = tmp_path / "items.json"
    agency = AgencyFactory()
    path.write_text(json.dumps(_file(item_document(agency), item_document(agency)), ensure_ascii=False), "utf-8")
    out = io.StringIO()
    # when imported from the command line
    call_command("catalogue", "import", str(path), stdout=out)
    # then it says what was written
    assert out.getvalue() == "已导入 2 个事项：新建草稿 2 个（其中新事项 2 个），更新已有草稿 0 个\n"
    assert ItemVersion.objects.count() == 2


def test_cli_import_of_a_broken_file_prints_every_problem_and_exits_1(tmp_path):
    # given a file with two broken items
    path = tmp_path / "broken.json"
    agency = AgencyFactory()
    over_limit = item_document(agency, promised_limit={"value": 30, "unit": "working_days"})
    path.write_text(json.dumps(_file(item_document(agency, basic_code="X"), over_limit)), "utf-8")
    out, err = io.StringIO(), io.StringIO()
    # when imported, then the command fails with status 1, one stderr line per problem, nothing written
    with pytest.raises(CommandError) as failure:
        call_command("catalogue", "import", str(path), stdout=out, stderr=err)
    assert failure.value.returncode == 1
    assert str(failure.value) == "办事指南有 3 处问题"
    assert err.getvalue().splitlines() == [
        "$.items[0].basic_item.basic_code  CATALOGUE_BASIC_CODE_MALFORMED  "
        "基本编码 X 格式不正确：应为12位，前两位为事项类型代码",
        "$.items[0].implementation_code  CATALOGUE_IMPLEMENTATION_CODE_MALFORMED  "
        f"实施编码 X{agency.uscc}01 格式不正确：应为基本编码 + 实施机构统一社会信用代码 + 两位业务办理项编号",
        "$.items[1].guide.promised_limit  CATALOGUE_PROMISED_OVER_STATUTORY  "
        "承诺时限（30工作日）不得超过法定时限（20工作日）",
    ]
    assert out.getvalue() == ""
    assert _counts() == (0, 0, 0, 0)


def test_cli_check_validates_without_writing(tmp_path):
    path = tmp_path / "items.json"
    path.write_text(json.dumps(_file(item_document(AgencyFactory()))), "utf-8")
    out = io.StringIO()
    call_command("catalogue", "check", str(path), stdout=out)
    assert out.getvalue() == "检查通过：1 个事项可以导入\n"
    assert _counts() == (0, 0, 0, 0)
    path.write_text("{", "utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("catalogue", "check", str(path), stderr=err)
    assert failure.value.returncode == 1
    assert err.getvalue() == (
        "$  CATALOGUE_FORMAT_INVALID  "
        "JSON 语法错误：第 1 行第 2 列：Expecting property name enclosed in double quotes\n"
    )


def test_cli_export_writes_utf8_json_to_stdout_or_a_file(tmp_path):
    # given a published item
    agency = AgencyFactory()
    item = published_item(agency, name="居住证申领")
    published_item(AgencyFactory())
    # when exported to stdout, then it is indented UTF-8 JSON with Chinese unescaped
    out = io.StringIO()
    call_command("catalogue", "export", "--agency", agency.code, stdout=out)
    assert '"name": "居住证申领"' in out.getvalue()
    assert out.getvalue().startswith('{\n  "format": "tongban.catalogue/1",\n')
    assert [entry["implementation_code"] for entry in json.loads(out.getvalue())["items"]] == [item.implementation_code]
    # and to a file with -o
    target = tmp_path / "export.json"
    call_command("catalogue", "export", "-o", str(target), stdout=io.StringIO(), stderr=io.StringIO())
    assert len(json.loads(target.read_text("utf-8"))["items"]) == 2
    # and an unknown agency fails with its code
    with pytest.raises(CommandError) as failure:
        call_command("catalogue", "export", "--agency", "NOPE")
    assert str(failure.value) == "agency  CATALOGUE_AGENCY_NOT_FOUND  实施机构 NOPE 不存在"
