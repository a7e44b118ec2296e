"""Full-text search over the published catalogue (DESIGN.md "Stack" → Search).

Text is segmented with rjieba into ``catalogue.SearchEntry``; the database
engine's full-text index does the matching and ranking (``backends``), chosen
by ``settings.TONGBAN_SEARCH_BACKEND``.
"""

from tongban.catalogue.search.indexer import LISTED_STATUSES, index_item, listed_items, rebuild_index, remove_item
from tongban.catalogue.search.service import SearchPage, search

__all__ = [
    "LISTED_STATUSES",
    "SearchPage",
    "index_item",
    "listed_items",
    "rebuild_index",
    "remove_item",
    "search",
]
