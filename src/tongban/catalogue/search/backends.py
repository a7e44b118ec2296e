"""The two full-text engines behind one small interface.

Both receive already-segmented terms and return one page of item ids, best
first, plus the number of matches. Every value from the user travels as a bound
parameter; the only text spliced into SQL is table names from ``ddl`` and
fixed clauses chosen here. The match, the filters, the ranking, the page and
the total (a ``COUNT(*) OVER ()`` window) come back from a single statement.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from tongban.catalogue.search.ddl import DOCUMENT_VECTOR, ENTRY_TABLE, FTS_TABLE, TITLE_VECTOR

# A name match counts ten times a match elsewhere in the guide.
TITLE_WEIGHT = 10.0


@dataclass(frozen=True)
class Filters:
    """Optional exact-match filters on the index's copied columns."""

    item_type: str | None = None
    agency_id: int | None = None
    online_depth: str | None = None
    citywide: bool | None = None

    def where(self, alias: str) -> tuple[list[str], list[Any]]:
        """SQL conditions on the entry table (under ``alias``) and their parameters."""
        clauses: list[str] = []
        params: list[Any] = []
        for column, value in (
            ("item_type", self.item_type),
            ("agency_id", self.agency_id),
            ("online_depth", self.online_depth),
            ("is_citywide", self.citywide),
        ):
            if value is not None:
                clauses.append(f"{alias}.{column} = %s")
                params.append(value)
        return clauses, params


class SearchBackend(ABC):
    """Finds item ids for segmented terms; one implementation per database engine."""

    def page(self, terms: list[str], filters: Filters, limit: int, offset: int) -> tuple[list[int], int]:
        """Item ids of the page, best first (then by implementation code), and the total number of matches."""
        if terms:
            matches, params = self.match_sql(terms, filters)
        else:
            # No terms: every listed item, in code order (the catalogue browse view).
            clauses, params = filters.where("e")
            where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
            matches = f"SELECT e.item_id, e.implementation_code, 0 AS rank FROM {ENTRY_TABLE} e{where}"
        with connection.cursor() as cursor:
            # The window counts all matches before LIMIT applies: page and total in one statement.
            # (FTS5's bm25() may not sit beside a window function, hence the ranked subquery.)
            cursor.execute(
                f"SELECT m.item_id, COUNT(*) OVER () FROM ({matches}) m "
                "ORDER BY m.rank, m.implementation_code LIMIT %s OFFSET %s",
                [*params, limit, offset],
            )
            rows = cursor.fetchall()
            if rows or offset == 0:
                return [row[0] for row in rows], (rows[0][1] if rows else 0)
            # Past the last page the window has no row to ride on: count separately.
            cursor.execute(f"SELECT COUNT(*) FROM ({matches}) m", params)
            return [], cursor.fetchone()[0]

    @abstractmethod
    def match_sql(self, terms: list[str], filters: Filters) -> tuple[str, list[Any]]:
        """``SELECT item_id, implementation_code, rank`` of the matches (smaller rank is better), with parameters."""


class SqliteFts5Backend(SearchBackend):
    """SQLite FTS5 over the segmented text, ranked by bm25 (smaller is better)."""

    @staticmethod
    def match_expression(terms: list[str]) -> str:
        """An FTS5 query: each term a quoted string (so ``"*():^`` and AND/OR/NOT are literal), ANDed."""
        return " AND ".join('"' + term.replace('"', '""') + '"' for term in terms)

    def match_sql(self, terms: list[str], filters: Filters) -> tuple[str, list[Any]]:
        clauses, params = filters.where("e")
        extra = "".join(f" AND {clause}" for clause in clauses)
        sql = (
            f"SELECT e.item_id, e.implementation_code, bm25({FTS_TABLE}, {TITLE_WEIGHT}, 1.0) AS rank "
            f"FROM {FTS_TABLE} JOIN {ENTRY_TABLE} e ON e.item_id = {FTS_TABLE}.rowid "
            f"WHERE {FTS_TABLE} MATCH %s{extra}"
        )
        return sql, [self.match_expression(terms), *params]


class PostgresFullTextBackend(SearchBackend):
    """PostgreSQL ``tsvector('simple')`` in stored columns, matched through the GIN index, ranked by ts_rank."""

    @staticmethod
    def tsquery(terms: list[str]) -> str:
        """A ``to_tsquery`` input: each term a quoted lexeme (quotes and backslashes escaped), joined by ``&``."""
        return " & ".join("'" + term.replace("\\", "\\\\").replace("'", "''") + "'" for term in terms)

    def match_sql(self, terms: list[str], filters: Filters) -> tuple[str, list[Any]]:
        clauses, params = filters.where("e")
        extra = "".join(f" AND {clause}" for clause in clauses)
        # The vectors are stored (generated columns), so ranking reads them instead of re-parsing text;
        # ts_rank grows with relevance, so it is negated to sort like bm25.
        sql = (
            "SELECT e.item_id, e.implementation_code, "
            f"-(ts_rank(e.{TITLE_VECTOR}, q) * {TITLE_WEIGHT} + ts_rank(e.{DOCUMENT_VECTOR}, q)) AS rank "
            f"FROM {ENTRY_TABLE} e, to_tsquery('simple'::regconfig, %s) q "
            f"WHERE e.{DOCUMENT_VECTOR} @@ q{extra}"
        )
        return sql, [self.tsquery(terms), *params]


_BACKENDS: dict[str, type[SearchBackend]] = {
    "sqlite": SqliteFts5Backend,
    "postgresql": PostgresFullTextBackend,
}


def get_backend() -> SearchBackend:
    """The backend named by ``TONGBAN_SEARCH_BACKEND`` ("auto" follows the database engine)."""
    name = getattr(settings, "TONGBAN_SEARCH_BACKEND", "auto")
    if name == "auto":
        name = connection.vendor
    try:
        return _BACKENDS[name]()
    except KeyError:
        raise ImproperlyConfigured(
            f"TONGBAN_SEARCH_BACKEND={name!r}: choose 'auto', 'sqlite' or 'postgresql'"
        ) from None
