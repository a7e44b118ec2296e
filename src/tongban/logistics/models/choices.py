"""Enumerations of the logistics module; their values appear in the courier callbacks and the pages."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ResultDeliveryMethod(models.TextChoices):
    """How the applicant wants the result (the item version's ``delivery_methods`` offer them, ITEM-3)."""

    PICKUP = "pickup", _("窗口领取")
    COURIER = "courier", _("快递送达")
    ELECTRONIC = "electronic", _("电子送达")


class Direction(models.TextChoices):
    """Which way a shipment goes (LOG-1: materials in, results out)."""

    MATERIALS_IN = "materials_in", _("材料寄递（申请人→承办单位）")
    RESULT_OUT = "result_out", _("结果寄递（承办单位→申请人）")


class ShipmentState(models.TextChoices):
    """Where a shipment stands; the tracking states carry the couriers' usual words."""

    PENDING_ORDER = "pending_order", _("待下单")
    ORDERED = "ordered", _("已下单")
    PICKED_UP = "picked_up", _("已揽收")
    IN_TRANSIT = "in_transit", _("运输中")
    OUT_FOR_DELIVERY = "out_for_delivery", _("派送中")
    DELIVERED = "delivered", _("已签收")
    FAILED = "failed", _("派送失败")
    RETURNED = "returned", _("已退回")
    CANCELLED = "cancelled", _("已取消")


# Tracking statuses a courier may report (the first states are ours alone).
TRACK_STATUSES = (
    ShipmentState.PICKED_UP, ShipmentState.IN_TRANSIT, ShipmentState.OUT_FOR_DELIVERY, ShipmentState.DELIVERED,
    ShipmentState.FAILED, ShipmentState.RETURNED,
)
# A shipment in one of these never moves again: later events are logged as stale.
TERMINAL_STATES = (ShipmentState.DELIVERED, ShipmentState.RETURNED, ShipmentState.CANCELLED)
# Shipments the courier still carries (the lost-event query looks at these).
ACTIVE_STATES = (
    ShipmentState.ORDERED, ShipmentState.PICKED_UP, ShipmentState.IN_TRANSIT, ShipmentState.OUT_FOR_DELIVERY,
    ShipmentState.FAILED,
)
# Progress order for events stamped with the same time (a later step wins a tie).
STATE_RANK = {
    ShipmentState.PENDING_ORDER: 0, ShipmentState.ORDERED: 1, ShipmentState.PICKED_UP: 2,
    ShipmentState.IN_TRANSIT: 3, ShipmentState.OUT_FOR_DELIVERY: 4, ShipmentState.FAILED: 5,
    ShipmentState.DELIVERED: 6, ShipmentState.RETURNED: 6, ShipmentState.CANCELLED: 7,
}


class EventOutcome(models.TextChoices):
    """What became of something that happened to a shipment (the shipment event log)."""

    APPLIED = "applied", _("已更新状态")
    STALE = "stale", _("过时（未回退状态）")
    DUPLICATE = "duplicate", _("重复推送（已忽略）")
    BAD_SIGNATURE = "bad_signature", _("签名错误（已拒绝）")
    MALFORMED = "malformed", _("格式错误（已拒绝）")
    UNKNOWN_WAYBILL = "unknown_waybill", _("运单不存在（已拒绝）")
    ORDER_CREATED = "order_created", _("下单成功")
    ORDER_FAILED = "order_failed", _("下单失败（将重试）")
    NOTE = "note", _("记录")


# Outcomes of an event that counted (its event id may not count twice).
COUNTED_OUTCOMES = (EventOutcome.APPLIED, EventOutcome.STALE)


class WorkItemKind(models.TextChoices):
    """Why the agency or the operator must act on a shipment."""

    DELIVERY_FAILED = "delivery_failed", _("派送失败")
    RETURNED = "returned", _("快件退回")
    ORDER_FAILED = "order_failed", _("多次下单失败")


class WorkItemResolution(models.TextChoices):
    """How a work item was resolved."""

    RESHIPPED = "reshipped", _("更正地址重新寄递")
    SWITCHED_TO_PICKUP = "switched_to_pickup", _("改为窗口领取")
    DELIVERED_ANYWAY = "delivered_anyway", _("快递再次派送后已签收")
