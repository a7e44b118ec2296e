"""Electronic receipts (电子票据, PAY-1): a PDF per paid order, rendered with WeasyPrint and PAdES-signed."""

from __future__ import annotations

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from tongban.core import audit
from tongban.core.adapters import adapter
from tongban.core.errors import TongbanError
from tongban.identity.services import Actor
from tongban.payments.errors import PaymentError
from tongban.payments.models import EventKind, OrderState, PaymentOrder
from tongban.payments.services import events
from tongban.payments.services.orders import visible_order


def render_pdf(order: PaymentOrder, receipt_number: str) -> bytes:
    """The unsigned receipt PDF (Noto CJK fonts)."""
    from weasyprint import HTML  # imported late: WeasyPrint loads Pango on import

    html = render_to_string("payments/receipt.html", {
        "order": order, "receipt_number": receipt_number, "issued_at": timezone.localtime(),
        "paid_at": timezone.localtime(order.paid_at) if order.paid_at else None,
        "lines": [{**line, "yuan": f"{line['amount_fen'] / 100:.2f}"} for line in order.lines],
        "total_yuan": f"{order.amount_fen / 100:.2f}",
    })
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


@transaction.atomic
def issue(order: PaymentOrder) -> PaymentOrder:
    """Issue the signed receipt of a paid order once (idempotent); the platform acts."""
    order = PaymentOrder.objects.select_for_update(of=("self",)).select_related("agency").get(pk=order.pk)
    if order.receipt_number:
        return order
    if order.state not in (OrderState.PAID, OrderState.REFUNDED):
        raise TongbanError(PaymentError.RECEIPT_NOT_AVAILABLE, number=order.number)
    number = "RC" + order.number[2:]
    signed = adapter("receipt_signer").sign_pdf(render_pdf(order, number), reason=f"电子票据 {number}",
                                                signer_name=order.agency.name if order.agency else "通办平台",
                                                agency=order.agency)
    order.receipt_number = number
    order.receipt_pdf = signed
    order.save(update_fields=["receipt_number", "receipt_pdf"])
    events.log(EventKind.RECEIPT_ISSUED, order=order, receipt=number)
    audit.record("payments.receipt.issued", agency_id=order.agency_id, obj=order, data={"receipt": number})
    return order


def issue_due(limit: int = 200) -> int:
    """Issue receipts for paid orders that have none yet; returns how many (the task and the sweep call it)."""
    count = 0
    for order in PaymentOrder.objects.filter(state=OrderState.PAID, receipt_number="").order_by("paid_at")[:limit]:
        issue(order)
        count += 1
    return count


def receipt_pdf(actor: Actor, number: str) -> tuple[str, bytes]:
    """The receipt file name and signed PDF for someone who may see the order (issued now if still due)."""
    order = visible_order(actor, number)
    if not order.receipt_number:
        order = issue(order)
    return f"{order.receipt_number}.pdf", bytes(order.receipt_pdf or b"")
