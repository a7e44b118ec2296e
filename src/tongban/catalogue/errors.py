"""Error codes of the catalogue module."""

from django.utils.translation import gettext_lazy as _

from tongban.core.errors import ErrorCode


class CatalogueError(ErrorCode):
    """Why a catalogue use case refused; codes are stable for integrators."""

    ITEM_NOT_FOUND = ("CATALOGUE_ITEM_NOT_FOUND", _("事项 {code} 不存在或未发布"))
    AGENCY_NOT_FOUND = ("CATALOGUE_AGENCY_NOT_FOUND", _("实施机构 {code} 不存在"))
    BASIC_CODE_MALFORMED = ("CATALOGUE_BASIC_CODE_MALFORMED", _("基本编码 {code} 格式不正确：应为12位，前两位为事项类型代码"))
    BASIC_CODE_TYPE_MISMATCH = (
        "CATALOGUE_BASIC_CODE_TYPE_MISMATCH",
        _("基本编码 {code} 的前两位 {prefix} 与事项类型“{item_type}”（{expected}）不符"),
    )
    BASIC_CODE_CLASH = (
        "CATALOGUE_BASIC_CODE_CLASH",
        _("基本编码 {code} 已登记为“{existing_name}”，同一事项在各层级、各地区的名称、类型和设定依据必须一致（不一致：{fields}）"),
    )
    IMPLEMENTATION_CODE_MALFORMED = (
        "CATALOGUE_IMPLEMENTATION_CODE_MALFORMED",
        _("实施编码 {code} 格式不正确：应为基本编码 + 实施机构统一社会信用代码 + 两位业务办理项编号"),
    )
    IMPLEMENTATION_CODE_MISMATCH = (
        "CATALOGUE_IMPLEMENTATION_CODE_MISMATCH",
        _("实施编码 {code} 与基本编码 {basic_code} 或实施机构信用代码 {uscc} 不一致"),
    )
    IMPLEMENTATION_CODE_TAKEN = (
        "CATALOGUE_IMPLEMENTATION_CODE_TAKEN",
        _("实施编码 {code} 已被实施机构“{agency}”的事项使用"),
    )
    IMPLEMENTATION_DUPLICATE_UNIT = (
        "CATALOGUE_IMPLEMENTATION_DUPLICATE_UNIT",
        _("实施机构“{agency}”已实施该事项的业务办理项“{unit}”（实施编码 {existing}）"),
    )
    PROMISED_OVER_STATUTORY = (
        "CATALOGUE_PROMISED_OVER_STATUTORY",
        _("承诺时限（{promised}）不得超过法定时限（{statutory}）"),
    )
    LIMIT_INCONSISTENT = ("CATALOGUE_LIMIT_INCONSISTENT", _("时限填写不一致：{detail}"))
    GUIDE_INVALID = ("CATALOGUE_GUIDE_INVALID", _("办事指南有 {count} 处问题"))
    GUIDE_INCOMPLETE = ("CATALOGUE_GUIDE_INCOMPLETE", _("办事指南不完整，不能申请上线：{count} 处问题"))
    FORMAT_INVALID = ("CATALOGUE_FORMAT_INVALID", _("{detail}"))
    SITUATION_UNKNOWN = ("CATALOGUE_SITUATION_UNKNOWN", _("材料引用了不存在的办理情形选项 {key}"))
    DUPLICATE_CODE = ("CATALOGUE_DUPLICATE_CODE", _("编号 {code} 重复"))
    FORM_SCHEMA_INVALID = ("CATALOGUE_FORM_SCHEMA_INVALID", _("申请表结构不是有效的 JSON Schema：{detail}"))
    OPTIMISATION_RECORD_MISSING = (
        "CATALOGUE_OPTIMISATION_RECORD_MISSING",
        _("缺少优化记录：需说明承诺时限、精简的材料及理由、减少的环节和跑动次数"),
    )
    VERSION_FROZEN = ("CATALOGUE_VERSION_FROZEN", _("版本 v{number} 已提交或已发布，不可修改；请新建版本"))
    DRAFT_EXISTS = ("CATALOGUE_DRAFT_EXISTS", _("事项已有未完成的版本 v{number}，请先完成或撤回"))
    REQUEST_PENDING = ("CATALOGUE_REQUEST_PENDING", _("该事项已有进行中的申请：{kind}"))
    REQUEST_KIND_NOT_ALLOWED = (
        "CATALOGUE_REQUEST_KIND_NOT_ALLOWED",
        _("事项当前状态为“{status}”，不能申请“{kind}”"),
    )
    REQUEST_WRONG_STATE = (
        "CATALOGUE_REQUEST_WRONG_STATE",
        _("申请当前处于“{state}”环节，不能执行此操作"),
    )
    REQUEST_STALE = ("CATALOGUE_REQUEST_STALE", _("该申请已被他人处理，请刷新后重试"))
    TEST_NOT_PASSED = ("CATALOGUE_TEST_NOT_PASSED", _("未通过联调测试的事项不能发布"))
    MAINTENANCE_TOO_LATE = (
        "CATALOGUE_MAINTENANCE_TOO_LATE",
        _("维护暂停须至少提前5个工作日报备：开始日期最早为 {earliest}"),
    )
    MAINTENANCE_WINDOW_INVALID = ("CATALOGUE_MAINTENANCE_WINDOW_INVALID", _("维护结束日期不能早于开始日期"))
    ANNOUNCEMENT_REQUIRED = (
        "CATALOGUE_ANNOUNCEMENT_REQUIRED",
        _("紧急暂停必须同时在平台发布公告（标题和正文）"),
    )
    REASON_REQUIRED = ("CATALOGUE_REASON_REQUIRED", _("请填写理由"))
    NOT_ACCEPTING = ("CATALOGUE_NOT_ACCEPTING", _("事项“{name}”暂停受理：{reason}"))
    LIFE_EVENT_TOO_SMALL = ("CATALOGUE_LIFE_EVENT_TOO_SMALL", _("{detail}"))


class CutOffError(ErrorCode):
    """Why the operator's cut-off switch refused (SEC-3)."""

    REASON_REQUIRED = ("CUT_OFF_REASON_REQUIRED", _("请填写中断连接的原因"))
    ANNOUNCEMENT_REQUIRED = ("CUT_OFF_ANNOUNCEMENT_REQUIRED", _("中断连接须同时在平台发布公告（标题和正文）"))
    ALREADY_CUT_OFF = ("CUT_OFF_ALREADY_CUT_OFF", _("“{agency}”已于 {cut_off_at} 中断连接"))
    NOT_CUT_OFF = ("CUT_OFF_NOT_CUT_OFF", _("“{agency}”未中断连接，无需恢复"))
    NOTE_REQUIRED = ("CUT_OFF_NOTE_REQUIRED", _("请填写恢复连接的说明"))
