"""Error codes of the payments module (PAY-1)."""

from django.utils.translation import gettext_lazy as _

from tongban.core.errors import ErrorCode


class PaymentError(ErrorCode):
    """Why a fee, an order, a notification, a refund or a statement was refused."""

    FEE_RULE_INVALID = ("PAYMENTS_FEE_RULE_INVALID", _("计费规则无效：{detail}"))
    FEE_NOT_COMPUTABLE = ("PAYMENTS_FEE_NOT_COMPUTABLE", _("收费“{name}”没有固定金额或可计算的计费规则"))
    FEE_FIELD_INVALID = ("PAYMENTS_FEE_FIELD_INVALID", _("收费“{name}”的计费字段“{form_field}”须为非负整数"))
    ORDER_NOT_FOUND = ("PAYMENTS_ORDER_NOT_FOUND", _("缴款单 {number} 不存在"))
    NOT_YOUR_ORDER = ("PAYMENTS_NOT_YOUR_ORDER", _("缴款单 {number} 不存在或不属于您"))
    ORDER_WRONG_STATE = ("PAYMENTS_ORDER_WRONG_STATE", _("缴款单当前状态为“{state}”，不能{action}"))
    ORDER_EXPIRED = ("PAYMENTS_ORDER_EXPIRED", _("缴款单 {number} 已超过缴款期限"))
    CHANNEL_UNKNOWN = ("PAYMENTS_CHANNEL_UNKNOWN", _("未知的支付渠道“{channel}”"))
    SIGNATURE_INVALID = ("PAYMENTS_SIGNATURE_INVALID", _("支付渠道通知签名无效"))
    NOTIFICATION_MALFORMED = ("PAYMENTS_NOTIFICATION_MALFORMED", _("支付渠道通知格式错误：{detail}"))
    AMOUNT_MISMATCH = ("PAYMENTS_AMOUNT_MISMATCH", _("通知金额 {notified} 分与缴款单金额 {expected} 分不符"))
    REFUND_TOO_LARGE = ("PAYMENTS_REFUND_TOO_LARGE", _("退款金额 {amount} 分超过可退金额 {refundable} 分"))
    REFUND_AMOUNT_INVALID = ("PAYMENTS_REFUND_AMOUNT_INVALID", _("退款金额须为正整数（分）"))
    REFUND_REJECTED = ("PAYMENTS_REFUND_REJECTED", _("支付渠道拒绝退款：{detail}"))
    REASON_REQUIRED = ("PAYMENTS_REASON_REQUIRED", _("请填写原因"))
    STATEMENT_MALFORMED = ("PAYMENTS_STATEMENT_MALFORMED", _("对账单第 {line} 行格式错误：{detail}"))
    STATEMENT_DUPLICATE = ("PAYMENTS_STATEMENT_DUPLICATE", _("渠道 {channel} {day} 的对账单已对账"))
    DISCREPANCY_RESOLVED = ("PAYMENTS_DISCREPANCY_RESOLVED", _("该差错已处理"))
    DISCREPANCY_NOT_SETTLEABLE = ("PAYMENTS_DISCREPANCY_NOT_SETTLEABLE", _("只有“渠道有、平台无”的支付差错可以查询补单"))
    RESOLUTION_UNKNOWN = ("PAYMENTS_RESOLUTION_UNKNOWN", _("未知的处理方式“{resolution}”"))
    RECEIPT_NOT_AVAILABLE = ("PAYMENTS_RECEIPT_NOT_AVAILABLE", _("缴款单 {number} 尚未缴费，没有电子票据"))
