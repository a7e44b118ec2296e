"""CASE-1: application forms generated at run time from an item version's JSON Schema."""

from __future__ import annotations

import datetime

from django import forms

from tongban.portal.schema_forms import attach_problems, bound_from_stored, field_name_of, form_class_for

SCHEMA = {
    "type": "object",
    "required": ["name", "moved_on"],
    "properties": {
        "name": {"type": "string", "title": "姓名", "description": "与证件一致", "maxLength": 20},
        "kind": {"type": "string", "title": "类型", "enum": ["租赁", "自有"]},
        "moved_on": {"type": "string", "format": "date", "title": "迁入日期"},
        "people": {"type": "integer", "title": "同住人数", "minimum": 0, "maximum": 9},
        "area": {"type": ["number", "null"], "title": "面积"},
        "agreed": {"type": "boolean", "title": "同意"},
        "note": {"type": "string", "maxLength": 500},
        "rooms": {"type": "array", "title": "房间"},
    },
}


def test_case_1_each_schema_type_becomes_its_field():
    """CASE-1: string/enum/date/maxLength, integer and number limits, boolean, unknown types as text, labels, help."""
    form = form_class_for(SCHEMA)()
    fields = form.fields
    assert list(fields) == ["name", "kind", "moved_on", "people", "area", "agreed", "note", "rooms"]
    assert (fields["name"].label, fields["name"].help_text, fields["name"].max_length) == ("姓名", "与证件一致", 20)
    assert isinstance(fields["kind"], forms.ChoiceField)
    assert [value for value, _label in fields["kind"].choices] == ["", "租赁", "自有"]
    assert isinstance(fields["moved_on"], forms.DateField)
    assert fields["moved_on"].widget.input_type == "date"
    assert (fields["people"].min_value, fields["people"].max_value) == (0, 9)
    assert isinstance(fields["area"], forms.DecimalField)
    assert isinstance(fields["agreed"], forms.BooleanField) and not fields["agreed"].required
    assert isinstance(fields["note"].widget, forms.Textarea)
    assert type(fields["rooms"]) is forms.CharField
    assert fields["rooms"].label == "房间" and fields["note"].label == "note"
    assert (fields["name"].required, fields["kind"].required) == (True, False)


def test_case_1_drafts_may_leave_required_fields_empty_and_store_json():
    """CASE-1: without enforcement a half-filled draft is valid; empties are left out, dates stored as ISO text."""
    form = form_class_for(SCHEMA, enforce_required=False)(
        {"name": "张三", "kind": "", "moved_on": "2026-05-20", "people": "2", "area": "35.5", "agreed": "on"})
    assert form.is_valid(), form.errors
    assert form.form_data() == {"name": "张三", "moved_on": "2026-05-20", "people": 2, "area": 35.5, "agreed": True}


def test_case_1_limits_are_checked_at_the_field():
    """CASE-1: maxLength, enum, minimum/maximum and dates are refused at their fields."""
    form = form_class_for(SCHEMA, enforce_required=False)(
        {"name": "张" * 21, "kind": "借住", "moved_on": "2026-13-01", "people": "10"})
    assert not form.is_valid()
    assert sorted(form.errors) == ["kind", "moved_on", "name", "people"]


def test_case_1_submission_problems_are_put_next_to_their_fields():
    """CASE-1: the service's problems, worded for the applicant at their field's path, land on their fields."""
    form = bound_from_stored(form_class_for(SCHEMA, enforce_required=False),
                             {"name": "张三", "moved_on": datetime.date(2026, 5, 20).isoformat()})
    unplaced = attach_problems(form, [
        {"path": "$.name", "code": "CASE_FORM_INVALID", "message": "“姓名”至少 3 个字"},
        {"path": "$.kind", "code": "CASE_FORM_INVALID", "message": "请填写“类别”"},
        {"path": "$", "code": "CASE_FORM_INVALID", "message": "申请表中有本事项不需要的内容，请删除后再提交"},
    ])
    assert form.errors == {"name": ["“姓名”至少 3 个字"], "kind": ["请填写“类别”"]}
    assert unplaced == ["申请表中有本事项不需要的内容，请删除后再提交"]
    assert field_name_of({"path": "$.unknown"}, {"name"}) is None
