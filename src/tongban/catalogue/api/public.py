"""Public catalogue endpoints: anyone may read the published catalogue."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from tongban.agencies.models import Agency
from tongban.catalogue import search
from tongban.catalogue.api.schemas import ErrorOut, ItemPage, LifeEventOut, MaterialList, OneTripPage
from tongban.catalogue.errors import CatalogueError
from tongban.catalogue.models import ItemVersion, LifeEvent, ServiceItem
from tongban.catalogue.models.choices import ItemType, OnlineDepth
from tongban.catalogue.services.guides import guide_document, item_document
from tongban.core.errors import TongbanError

router = Router(tags=["catalogue"])


def _summary(item: ServiceItem) -> dict[str, Any]:
    version = item.published_version
    assert version is not None
    statutory = (
        {"value": version.statutory_limit_value, "unit": version.statutory_limit_unit}
        if version.statutory_limit_unit else None
    )
    return {
        "implementation_code": item.implementation_code, "basic_code": item.basic_item.basic_code,
        "name": item.name, "agency_code": item.agency.code, "agency_name": item.agency.name,
        "item_type": item.basic_item.item_type, "status": item.status, "online_depth": version.online_depth,
        "in_person_trips": version.in_person_trips, "handling_kind": version.handling_kind,
        "promised_limit": {"value": version.promised_limit_value, "unit": version.promised_limit_unit},
        "statutory_limit": statutory, "is_citywide": version.is_citywide,
    }


def _listed(code: str) -> tuple[ServiceItem, ItemVersion]:
    item = (
        search.listed_items().select_related("basic_item", "agency", "published_version")
        .filter(implementation_code=code).first()
    )
    if item is None or item.published_version is None:
        raise TongbanError(CatalogueError.ITEM_NOT_FOUND, code=code)
    return item, item.published_version


def _agency_id(code: str | None) -> int | None:
    if not code:
        return None
    agency_id = Agency.objects.filter(code=code).values_list("pk", flat=True).first()
    if agency_id is None:
        raise TongbanError(CatalogueError.AGENCY_NOT_FOUND, field="agency", code=code)
    return agency_id


@router.get("items", response={200: ItemPage, 404: ErrorOut}, operation_id="catalogue_list_items")
def list_items(
    request: HttpRequest, q: str = "", item_type: ItemType | None = None, agency: str | None = None,
    online_depth: OnlineDepth | None = None, limit: int = Query(20, ge=1, le=100), offset: int = Query(0, ge=0),
) -> dict[str, Any]:
    """Search the published catalogue (empty ``q`` lists everything in code order); ``agency`` is an agency code."""
    # Plain strings: the search backends bind them as raw SQL parameters.
    page = search.search(q, item_type=item_type.value if item_type else None, agency_id=_agency_id(agency),
                         online_depth=online_depth.value if online_depth else None, limit=limit, offset=offset)
    return {"total": page.total, "limit": page.limit, "offset": page.offset,
            "items": [_summary(item) for item in page.results]}


@router.get(
    "items/{implementation_code}", response={200: dict[str, Any], 404: ErrorOut}, operation_id="catalogue_get_item",
)
def get_item(request: HttpRequest, implementation_code: str) -> dict[str, Any]:
    """The published guide of one item in the exchange format (``tongban.catalogue/1``, one element of ``items``)."""
    return item_document(_listed(implementation_code)[1])


@router.get(
    "items/{implementation_code}/materials",
    response={200: MaterialList, 404: ErrorOut, 422: ErrorOut},
    operation_id="catalogue_item_materials",
)
def item_materials(request: HttpRequest, implementation_code: str, answers: str = "") -> dict[str, Any]:
    """The exact material list for situation answers such as ``answers=Q1.B,Q2.A`` (question.option keys)."""
    item, version = _listed(implementation_code)
    keys = [key.strip() for key in answers.split(",") if key.strip()]
    known = {f"{q.code}.{o.code}" for q in version.situation_questions.all() for o in q.options.all()}
    chosen: dict[str, list[str]] = {}
    for key in keys:
        if key not in known:
            raise TongbanError(CatalogueError.SITUATION_UNKNOWN, field="answers", key=key)
        question, option = key.split(".", 1)
        chosen.setdefault(question, []).append(option)
    selected = {material.code for material in version.materials_for({q: options for q, options in chosen.items()})}
    materials = [material for material in guide_document(version)["materials"] if material["code"] in selected]
    return {"implementation_code": item.implementation_code, "version": version.number, "answers": keys,
            "materials": materials}


@router.get("life-events", response=list[LifeEventOut], operation_id="catalogue_list_life_events")
def list_life_events(request: HttpRequest) -> list[dict[str, Any]]:
    """Published life events (一件事) with their items in handling order (ITEM-11)."""
    events = LifeEvent.objects.filter(is_published=True).select_related("lead_agency").prefetch_related(
        "entries__item__basic_item", "entries__item__agency"
    )
    return [
        {
            "code": event.code, "name": event.name, "name_en": event.name_en, "kind": event.kind,
            "description": event.description, "situations": event.situations,
            "lead_agency_name": event.lead_agency.name,
            "promised_limit_working_days": event.promised_limit_working_days,
            "items": [{"implementation_code": entry.item.implementation_code, "name": entry.item.name,
                       "agency_name": entry.item.agency.name} for entry in event.entries.all()],
        }
        for event in events
    ]


@router.get("one-trip-items", response=OneTripPage, operation_id="catalogue_one_trip_items")
def one_trip_items(
    request: HttpRequest, limit: int = Query(20, ge=1, le=100), offset: int = Query(0, ge=0)
) -> dict[str, Any]:
    """The published "at most one trip" (最多跑一次) list: items needing 0 or 1 visit in person (ITEM-10)."""
    items = (
        search.listed_items().filter(published_version__in_person_trips__lte=1)
        .select_related("basic_item", "agency", "published_version")
        .prefetch_related("published_version__materials").order_by("implementation_code")
    )
    page = items[offset:offset + limit]
    rows = []
    for item in page:
        version = item.published_version
        assert version is not None  # filtered on it above
        rows.append({
            **_summary(item), "process_steps": version.process_steps,
            "materials": [{"code": m.code, "name": m.name, "is_required": m.is_required,
                           "situation_options": m.situation_options} for m in version.materials.all()],
        })
    return {"total": items.count(), "limit": limit, "offset": offset, "items": rows}
