"""The shipments panel of the workbench case page (LOG-1): one tag, so the case template needs one line.

The case page already limited the case to staff whose roles cover it (the
handling agency's staff, the window that took it); the panel shows the
recipient's phone masked.
"""

from __future__ import annotations

from typing import Any

from django import template

from tongban.cases.models import Case
from tongban.logistics.models import EventOutcome
from tongban.logistics.services import shipments

register = template.Library()


@register.inclusion_tag("workbench/logistics/_case_shipments.html")
def case_shipments(case: Case) -> dict[str, Any]:
    """Every shipment of the case with its whole event log (refusals and duplicates included, for staff)."""
    rows = [{"shipment": shipment, "events": list(shipment.events.all()),
             "open_items": [item for item in shipment.work_items.all() if item.is_open]}
            for shipment in shipments.shipments_of_case(case.number).prefetch_related("work_items")]
    return {"case": case, "rows": rows, "preference": shipments.preference_for(case.number),
            "stale": EventOutcome.STALE}
