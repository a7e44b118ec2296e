"""The courier panel of the applicant's case page (LOG-1): delivery choice, materials by courier, tracking.

One tag, so the case page template needs one line; the page itself already
checked that the case is the logged-in person's.
"""

from __future__ import annotations

from typing import Any

from django import template

from tongban.cases.models import Case
from tongban.cases.services import shipping
from tongban.logistics.models import Address, EventOutcome, ResultDeliveryMethod
from tongban.logistics.services import shipments

register = template.Library()
SHOWN_OUTCOMES = (EventOutcome.APPLIED, EventOutcome.ORDER_CREATED, EventOutcome.NOTE)


def tracking_rows(case_number: str) -> list[dict[str, Any]]:
    """The case's shipments, each with the events that tell its story (refusals and duplicates left out)."""
    rows = []
    for shipment in shipments.shipments_of_case(case_number):
        events = sorted((event for event in shipment.events.all() if event.outcome in SHOWN_OUTCOMES),
                        key=lambda event: (event.occurred_at or event.received_at, event.pk))
        rows.append({"shipment": shipment, "events": events})
    return rows


@register.inclusion_tag("portal/shipments/_case_panel.html", takes_context=True)
def case_shipments_panel(context: template.Context, case: Case) -> dict[str, Any]:
    """The panel's context: what the item offers, the current choice, my addresses, and the tracking."""
    offered = shipping.offered_methods(case)
    rows = tracking_rows(case.number)
    preference = shipments.preference_for(case.number)
    return {
        "case": case,
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        "shown": ResultDeliveryMethod.COURIER in offered or bool(rows),
        "methods": [(method, ResultDeliveryMethod(method).label) for method in offered],
        "preference": preference,
        "can_choose": case.state not in shipping.CHOICE_CLOSED_STATES and len(offered) > 1,
        "can_send_materials": (case.state in shipping.MATERIALS_OPEN_STATES
                               and ResultDeliveryMethod.COURIER in offered),
        "addresses": list(Address.objects.filter(person_id=case.applicant_id)),
        "rows": rows,
    }
