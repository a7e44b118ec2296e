"""Form problems in the applicant's language (CASE-2: the form is checked at once, every problem named)."""

from __future__ import annotations

from django.utils import translation

from tongban.cases.services.form_problems import form_problems

SCHEMA = {
    "type": "object",
    "required": ["applicant_name", "reason", "household_size"],
    "additionalProperties": False,
    "properties": {
        "applicant_name": {"type": "string", "title": "申请人姓名", "minLength": 1, "maxLength": 10},
        "reason": {"type": "string", "title": "申请事由", "enum": ["就业", "就学", "居住"]},
        "household_size": {"type": "integer", "title": "家庭人口", "minimum": 1, "maximum": 20},
        "phone": {"type": "string", "title": "联系电话", "pattern": "^1[3-9][0-9]{9}$"},
        "members": {"type": "array", "title": "家庭成员", "minItems": 1,
                    "items": {"type": "object", "required": ["name"],
                              "properties": {"name": {"type": "string", "title": "成员姓名"}}}},
    },
}


def test_case_2_missing_fields_are_named_at_their_own_path_by_their_title():
    """CASE-2: a missing field is reported at ``$.field`` with the guide's title, in Chinese."""
    with translation.override("zh-hans"):
        problems = form_problems(SCHEMA, {"applicant_name": "张三"})
    assert problems == [
        {"path": "$.household_size", "code": "CASE_FORM_INVALID", "message": "请填写“家庭人口”"},
        {"path": "$.reason", "code": "CASE_FORM_INVALID", "message": "请填写“申请事由”"},
    ]


def test_case_2_each_rule_is_told_in_words():
    """CASE-2: type, enum, length, range, pattern, items and unknown fields each get their own message."""
    data = {"applicant_name": "一二三四五六七八九十一", "reason": "旅游", "household_size": 0, "phone": "123",
            "members": [{}], "extra": 1}
    with translation.override("zh-hans"):
        messages = {problem["path"]: problem["message"] for problem in form_problems(SCHEMA, data)}
    assert messages == {
        "$": "申请表中有本事项不需要的内容，请删除后再提交",
        "$.applicant_name": "“申请人姓名”不能超过 10 个字",
        "$.household_size": "“家庭人口”不能小于 1",
        "$.members[0].name": "请填写“成员姓名”",
        "$.phone": "“联系电话”的格式不正确",
        "$.reason": "“申请事由”只能选择：就业、就学、居住",
    }
    with translation.override("zh-hans"):
        typed = form_problems(SCHEMA, {"applicant_name": "", "reason": "就业", "household_size": "三"})
    assert [problem["message"] for problem in typed] == ["请填写“申请人姓名”", "“家庭人口”应为整数"]


def test_case_2_messages_follow_the_applicants_language():
    """The English interface gets English messages (the catalogue in src/tongban/locale/en)."""
    with translation.override("en"):
        problems = form_problems(SCHEMA, {"applicant_name": "张三", "household_size": 2})
    assert problems == [{"path": "$.reason", "code": "CASE_FORM_INVALID", "message": "Please fill in “申请事由”"}]


def test_a_valid_form_has_no_problems():
    assert form_problems(SCHEMA, {"applicant_name": "张三", "reason": "就业", "household_size": 3}) == []
