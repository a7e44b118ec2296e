"""Error codes of the logistics module (LOG-1)."""

from django.utils.translation import gettext_lazy as _

from tongban.core.errors import ErrorCode


class LogisticsError(ErrorCode):
    """Why an address, a shipment, a tracking event or a work-item action was refused."""

    ADDRESS_INCOMPLETE = ("LOGISTICS_ADDRESS_INCOMPLETE", _("收件地址不完整：请填写{fields}"))
    ADDRESS_PHONE_INVALID = ("LOGISTICS_ADDRESS_PHONE_INVALID", _("收件人手机号码应为11位中国大陆手机号"))
    ADDRESS_TOO_LONG = ("LOGISTICS_ADDRESS_TOO_LONG", _("“{field_label}”不能超过{max_length}个字"))
    ADDRESS_NOT_FOUND = ("LOGISTICS_ADDRESS_NOT_FOUND", _("地址不存在或不属于您"))
    METHOD_NOT_OFFERED = ("LOGISTICS_METHOD_NOT_OFFERED", _("本事项不提供“{method}”方式"))
    ADDRESS_REQUIRED = ("LOGISTICS_ADDRESS_REQUIRED", _("快递送达须选择收件地址"))
    DELIVERY_CHOICE_CLOSED = ("LOGISTICS_DELIVERY_CHOICE_CLOSED", _("办件当前状态为“{state}”，不能再更改送达方式"))
    MATERIALS_NOT_NOW = ("LOGISTICS_MATERIALS_NOT_NOW", _("办件当前状态为“{state}”，不能邮寄材料"))
    SHIPMENT_EXISTS = ("LOGISTICS_SHIPMENT_EXISTS", _("办件 {number} 已有进行中的结果寄递（运单 {waybill}）"))
    UNKNOWN_COURIER = ("LOGISTICS_UNKNOWN_COURIER", _("未知的快递公司“{courier}”"))
    BAD_SIGNATURE = ("LOGISTICS_BAD_SIGNATURE", _("轨迹推送签名缺失或不正确"))
    MALFORMED_EVENT = ("LOGISTICS_MALFORMED_EVENT", _("轨迹推送内容不正确：{reason}"))
    UNKNOWN_WAYBILL = ("LOGISTICS_UNKNOWN_WAYBILL", _("运单号 {waybill} 不存在"))
    COURIER_UNAVAILABLE = ("LOGISTICS_COURIER_UNAVAILABLE", _("快递公司下单失败：{reason}"))
    WORK_ITEM_CLOSED = ("LOGISTICS_WORK_ITEM_CLOSED", _("该待办已处理"))
    NOT_ADDRESS_HOLDER = ("LOGISTICS_NOT_ADDRESS_HOLDER", _("请以个人账号登录后管理地址簿"))
