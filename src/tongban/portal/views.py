"""Public portal pages: home, search, item guides, life events, the one-trip list, announcements.

Views only read the request, call the catalogue's read side and render; every
page works without JavaScript, and htmx requests get just the fragment they swap.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from tongban.catalogue.models import LifeEvent
from tongban.catalogue.models.choices import ItemType, LifeEventKind, OnlineDepth
from tongban.catalogue.search import search
from tongban.catalogue.services import queries
from tongban.core.errors import TongbanError

SEARCH_PAGE_SIZE = 20
ONE_TRIP_PAGE_SIZE = 50
# Page numbers past this are refused (shown as the last allowed page): deep offsets only cost the database.
MAX_PAGE = 500


def _not_found(request: HttpRequest, error: TongbanError) -> HttpResponse:
    """The portal's 404 page carrying the error's message in the visitor's language."""
    return render(request, "portal/not_found.html", {"message": error.message, "code": error.code}, status=404)


def _page_number(request: HttpRequest) -> int:
    """The ``page`` parameter as a number in 1..MAX_PAGE (anything else is page 1)."""
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)


def _wants_fragment(request: HttpRequest) -> bool:
    """An htmx swap, but not htmx restoring history (that needs the full page)."""
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.history_restore_request


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Search box, item types, life events, the one-trip list and current announcements."""
    return render(
        request,
        "portal/home.html",
        {
            "item_types": ItemType.choices,
            "life_events": queries.life_events()[:6],
            "announcements": queries.active_announcements(limit=5),
        },
    )


@require_safe
def search_page(request: HttpRequest) -> HttpResponse:
    """Full-text search with type / online-depth / citywide filters and pagination."""
    query = request.GET.get("q", "").strip()[:100]
    item_type = request.GET.get("type", "")
    depth = request.GET.get("depth", "")
    citywide = request.GET.get("citywide") == "1"
    # Unknown filter values are dropped rather than refused: they come from edited URLs, not forms.
    item_type = item_type if item_type in ItemType.values else ""
    depth = depth if depth in OnlineDepth.values else ""
    page_number = _page_number(request)
    results = search(
        query,
        item_type=item_type or None,
        online_depth=depth or None,
        citywide=True if citywide else None,
        limit=SEARCH_PAGE_SIZE,
        offset=(page_number - 1) * SEARCH_PAGE_SIZE,
    )
    page_count = max(1, -(-results.total // SEARCH_PAGE_SIZE))
    context = {
        "query": query,
        "item_type": item_type,
        "depth": depth,
        "citywide": citywide,
        "item_types": ItemType.choices,
        "depths": OnlineDepth.choices,
        "page": results,
        "page_number": page_number,
        "page_count": page_count,
        "page_numbers": _page_window(page_number, min(page_count, MAX_PAGE)),
    }
    template = "portal/_search_results.html" if _wants_fragment(request) else "portal/search.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _page_window(current: int, last: int, width: int = 2) -> list[int]:
    """Page numbers around the current one, plus the first and last (no gaps filled)."""
    numbers = {1, last, *range(max(1, current - width), min(last, current + width) + 1)}
    return sorted(numbers)


@require_safe
def guide_page(request: HttpRequest, implementation_code: str) -> HttpResponse:
    """The item's guide; situation answers in the query string narrow the material list.

    The answer form is a plain GET form (works without JavaScript); htmx sends
    the same request with ``HX-Request`` and gets only the materials fragment.
    """
    try:
        item = queries.published_item(implementation_code)
    except TongbanError as error:
        return _not_found(request, error)
    answers = {key[2:]: request.GET.getlist(key) for key in request.GET if key.startswith("s_")}
    guide = queries.guide(item, answers)
    context = {"guide": guide, "item": item, "version": guide.version}
    template = "portal/_materials.html" if _wants_fragment(request) else "portal/guide.html"
    response = render(request, template, context)
    # The same URL answers with a fragment or a page: caches must keep them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_safe
def life_events_page(request: HttpRequest) -> HttpResponse:
    """ITEM-11: personal and enterprise life events."""
    events = queries.life_events()
    groups: list[tuple[str, list[LifeEvent]]] = [
        (str(kind.label), [event for event in events if event.kind == kind]) for kind in LifeEventKind
    ]
    return render(request, "portal/life_events.html", {"groups": [g for g in groups if g[1]]})


@require_safe
def life_event_page(request: HttpRequest, code: str) -> HttpResponse:
    """One life event: its situations and the items it bundles, in handling order."""
    try:
        event = queries.life_event(code)
    except TongbanError as error:
        return _not_found(request, error)
    return render(request, "portal/life_event.html", {"event": event})


@require_safe
def one_trip_page(request: HttpRequest) -> HttpResponse:
    """ITEM-10: the published "at most one trip" list with materials, process and time limits."""
    paginator = Paginator(queries.one_trip_list(), ONE_TRIP_PAGE_SIZE)
    page = paginator.get_page(_page_number(request))
    return render(
        request,
        "portal/one_trip.html",
        {"page_obj": page, "page_numbers": _page_window(page.number, paginator.num_pages)},
    )


@require_safe
def announcements_page(request: HttpRequest) -> HttpResponse:
    """Every announcement in force: suspensions, maintenance, cut-offs and general notices."""
    return render(request, "portal/announcements.html", {"announcements": queries.active_announcements()})
