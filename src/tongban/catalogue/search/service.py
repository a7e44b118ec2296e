"""The public search: segmented query in, one page of published items out."""

from __future__ import annotations

from dataclasses import dataclass, field

from tongban.catalogue.models import ServiceItem
from tongban.catalogue.search.backends import Filters, get_backend
from tongban.catalogue.search.segment import query_terms

MAX_LIMIT = 100


@dataclass(frozen=True)
class SearchPage:
    """One page of search results and the number of matches in all."""

    total: int
    results: list[ServiceItem]
    terms: list[str] = field(default_factory=list)
    limit: int = 20
    offset: int = 0


def search(
    query: str,
    *,
    item_type: str | None = None,
    agency_id: int | None = None,
    online_depth: str | None = None,
    citywide: bool | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchPage:
    """Listed items matching every term of ``query``, best first, then by implementation code.

    An empty query (or one with nothing searchable in it, like ``"*():^``) lists
    all listed items in code order. Filters are exact; ``None`` means "any".
    Two statements at most: the page with its total, then the items with their
    basic item, agency and published version.
    """
    limit = max(1, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    terms = query_terms(query)
    filters = Filters(item_type=item_type or None, agency_id=agency_id, online_depth=online_depth or None,
                      citywide=citywide)
    ids, total = get_backend().page(terms, filters, limit, offset)
    if not ids:
        return SearchPage(total=total, results=[], terms=terms, limit=limit, offset=offset)
    items = ServiceItem.objects.select_related("basic_item", "agency", "published_version").in_bulk(ids)
    # in_bulk loses the ranking; put it back, skipping rows deleted since the id query.
    results = [items[item_id] for item_id in ids if item_id in items]
    return SearchPage(total=total, results=results, terms=terms, limit=limit, offset=offset)
