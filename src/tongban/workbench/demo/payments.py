"""Demo payments (PAY-1): a fee case awaiting payment and one paid through the wallet sandbox, with its receipt.

Everything goes through the real services: the approval opens the order, the
applicant opens the wallet sandbox's page and confirms, the sandbox's signed
notification is delivered to the platform, and the receipt is signed.
"""

from __future__ import annotations

from django.urls import reverse

from tongban.cases.models import Case, CaseState
from tongban.cases.services import handling
from tongban.cases.services.fees import case_orders
from tongban.catalogue.models import ServiceItem
from tongban.identity.models import Person, User
from tongban.payments.channels import channel, sandbox
from tongban.payments.services import orders, receipts, sandbox_delivery


def pay_through_sandbox(case: Case) -> None:
    """If the case awaits its fee, the applicant pays it on the wallet sandbox's page (notification delivered)."""
    case.refresh_from_db()
    if case.state != CaseState.AWAITING_PAYMENT:
        return
    order = case_orders(case)[0]
    url = orders.open_channel(case.applicant.user, order, "wallet",
                              return_url=reverse("payments:detail", args=[order.number]))
    wallet = channel("wallet")
    assert isinstance(wallet, sandbox.SandboxChannel)
    wallet.pay(url.rstrip("/").split("/")[-1])
    sandbox_delivery.deliver_due()
    receipts.issue_due()


def create_payment_cases(applicants: dict[str, Person], officer: User, approver: User) -> list[Case]:
    """Two cases of a fee-bearing police item: one awaiting payment (pay it on /payments/), one paid and issued."""
    from tongban.workbench.demo.cases import _apply  # the demo's way to fill and file an application

    zhang = applicants["13800138000"]  # L3: the police fee items need L3
    fee_items = [item for item in ServiceItem.objects.filter(
        agency__path__startswith=officer.role_assignments.get().agency.path, status="in_service",
    ).select_related("published_version").order_by("pk")
        if item.published_version is not None and item.published_version.fees
        and item.published_version.required_real_name_level <= zhang.real_name_level
        and "person" in item.published_version.applicant_kinds and item.published_version.online_depth != "counter"
        and item.published_version.form_schema]
    if not fee_items:
        return []
    waiting = _apply(zhang, fee_items[0])
    handling.accept(officer, waiting)
    handling.decide(approver, waiting, approve=True, reasons="符合申领条件，请缴纳工本费")
    paid = _apply(zhang, fee_items[-1])
    handling.accept(officer, paid)
    handling.decide(approver, paid, approve=True, reasons="符合申领条件")
    pay_through_sandbox(paid)
    handling.issue_result(officer, paid)
    return [waiting, paid]
