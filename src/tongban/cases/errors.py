"""Error codes of the case module (one enum per area; the documents and exchange areas append theirs)."""

from django.utils.translation import gettext_lazy as _

from tongban.core.errors import ErrorCode


class CaseError(ErrorCode):
    """Why an application or a handling step was refused."""

    ITEM_NOT_ACCEPTING = ("CASE_ITEM_NOT_ACCEPTING", _("事项“{name}”暂停受理：{reason}"))
    LEVEL_TOO_LOW = ("CASE_LEVEL_TOO_LOW", _("办理此事项需要实名等级 L{required}，您当前为 L{current}，请先完成实名核验"))
    NOT_A_PERSON = ("CASE_NOT_A_PERSON", _("请以个人账号登录后申请"))
    NOT_YOUR_CASE = ("CASE_NOT_YOUR_CASE", _("办件 {number} 不存在或不属于您"))
    APPLICANT_KIND_NOT_ALLOWED = ("CASE_APPLICANT_KIND_NOT_ALLOWED", _("此事项的申请对象不包括{kind}"))
    WRONG_STATE = ("CASE_WRONG_STATE", _("办件当前状态为“{state}”，不能{action}"))
    STALE = ("CASE_STALE", _("办件已被他人处理（当前状态“{state}”），请刷新后重试"))
    FORM_INVALID = ("CASE_FORM_INVALID", _("申请表有 {count} 处填写问题"))
    MATERIAL_NOT_IN_GUIDE = ("CASE_MATERIAL_NOT_IN_GUIDE", _("材料 {code} 不在本事项办事指南中，不能要求或提交"))
    MATERIAL_NOT_APPLICABLE = ("CASE_MATERIAL_NOT_APPLICABLE", _("材料“{name}”不适用于您选择的办理情形"))
    MATERIALS_MISSING = ("CASE_MATERIALS_MISSING", _("尚缺 {count} 项必要材料：{names}"))
    NOT_FETCHABLE = ("CASE_NOT_FETCHABLE", _("材料“{name}”不能由平台调取，请上传"))
    COMMITMENT_NOT_ALLOWED = ("CASE_COMMITMENT_NOT_ALLOWED", _("材料“{name}”不适用告知承诺"))
    COMMITMENT_TEXT_REQUIRED = ("CASE_COMMITMENT_TEXT_REQUIRED", _("请确认承诺内容"))
    VERIFICATION_FINISHED = ("CASE_VERIFICATION_FINISHED", _("该核查任务已有结论（{state}），不能再次核查"))
    VERIFICATION_FINDING_REQUIRED = ("CASE_VERIFICATION_FINDING_REQUIRED", _("请填写核查情况和结论依据"))
    VERIFICATION_FINDING_TOO_LONG = ("CASE_VERIFICATION_FINDING_TOO_LONG", _("核查情况不能超过 {max_length} 字"))
    CORRECTION_EMPTY = ("CASE_CORRECTION_EMPTY", _("一次性告知书须列明全部需补正的材料及要求"))
    CORRECTION_NOT_CHANGED = (
        "CASE_CORRECTION_NOT_CHANGED",
        _("再次补正只能针对上次补正中修改过的材料：“{name}”未修改"),
    )
    CORRECTION_DUPLICATE = ("CASE_CORRECTION_DUPLICATE", _("材料“{name}”在告知书中重复列出"))
    CORRECTION_UNANSWERED = ("CASE_CORRECTION_UNANSWERED", _("尚未补正：{names}"))
    REASON_REQUIRED = ("CASE_REASON_REQUIRED", _("请填写理由"))
    AGENCY_CUT_OFF = ("CASE_AGENCY_CUT_OFF", _("承办单位“{agency}”已中断连接，暂停受理：{reason}"))
    NOT_CITYWIDE = ("CASE_NOT_CITYWIDE", _("事项“{name}”不是全市通办事项，不能在“{agency}”窗口受理"))
    WINDOW_REQUIRED = ("CASE_WINDOW_REQUIRED", _("窗口代办须选择受理窗口单位"))
    WITHDRAW_NOT_ALLOWED = ("CASE_WITHDRAW_NOT_ALLOWED", _("办件已作出决定，不能撤回"))
    COUNTER_ONLY = ("CASE_COUNTER_ONLY", _("事项“{name}”须到窗口办理，不能在线申请"))


class DocumentError(ErrorCode):
    """Why an upload to the material library, a new version or a download was refused (CASE-5)."""

    EMPTY = ("DOCUMENT_EMPTY", _("文件“{name}”是空文件，请重新选择"))
    TOO_LARGE = ("DOCUMENT_TOO_LARGE", _("文件“{name}”大小为 {size}，超过上限 {limit}"))
    EXTENSION_NOT_ALLOWED = (
        "DOCUMENT_EXTENSION_NOT_ALLOWED",
        _("不支持扩展名为“{extension}”的文件，请上传 {allowed} 格式的文件"),
    )
    TYPE_MISMATCH = (
        "DOCUMENT_TYPE_MISMATCH",
        _("文件“{name}”的扩展名为“{extension}”，但内容是{detected}，文件内容与扩展名不符"),
    )
    TITLE_REQUIRED = ("DOCUMENT_TITLE_REQUIRED", _("请填写材料名称"))
    ALREADY_EXPIRED = ("DOCUMENT_ALREADY_EXPIRED", _("有效期至 {valid_until} 已过，不能存入材料库"))
    NOT_YOURS = ("DOCUMENT_NOT_YOURS", _("材料“{title}”不存在或不属于您"))
    NOT_ENTERPRISE_MEMBER = ("DOCUMENT_NOT_ENTERPRISE_MEMBER", _("您不是企业“{name}”的有效授权人员"))
    ACCESS_DENIED = ("DOCUMENT_ACCESS_DENIED", _("材料不存在，或您无权查看"))


class ExchangeError(ErrorCode):
    """Why an agency system's call (subscriptions, case transitions, PLAT-3) refused (PLAT-3, SEC-3)."""

    CASE_NOT_FOUND = ("EXCHANGE_CASE_NOT_FOUND", _("办件 {number} 不存在，或不由本单位承办"))
    MATERIAL_NOT_FOUND = ("EXCHANGE_MATERIAL_NOT_FOUND", _("办件 {number} 没有可下载的材料 {code}"))
    SUBSCRIPTION_NOT_FOUND = ("EXCHANGE_SUBSCRIPTION_NOT_FOUND", _("订阅 {subscription_id} 不存在，或不属于本单位"))
    URL_INVALID = ("EXCHANGE_URL_INVALID", _("接收地址须为 {schemes} 地址，且不能包含用户名、密码或片段"))
    EVENT_TYPE_UNKNOWN = ("EXCHANGE_EVENT_TYPE_UNKNOWN", _("未知的事件类型“{event_type}”，可选：{allowed}"))
    ITEM_NOT_OWN = ("EXCHANGE_ITEM_NOT_OWN", _("事项 {code} 不存在，或不属于本单位"))
    TOO_MANY_SUBSCRIPTIONS = ("EXCHANGE_TOO_MANY_SUBSCRIPTIONS", _("每个单位最多登记 {limit} 个订阅"))
    AGENCY_CUT_OFF = ("EXCHANGE_AGENCY_CUT_OFF", _("本单位已被平台中断连接：{reason}"))
    IDEMPOTENCY_KEY_REQUIRED = (
        "EXCHANGE_IDEMPOTENCY_KEY_REQUIRED",
        _("办件状态回传须在请求头 Idempotency-Key 中提供幂等键，重发同一请求时使用同一幂等键"),
    )
    NOT_MODE_THREE = (
        "EXCHANGE_NOT_MODE_THREE",
        _("办件 {number} 所属事项不是部门系统对接（模式三）事项，请在平台工作台办理"),
    )
    FIELD_REQUIRED = ("EXCHANGE_FIELD_REQUIRED", _("操作“{action}”须提供字段 {field_name}"))
