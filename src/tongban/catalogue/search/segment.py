"""Chinese word segmentation for the index and for queries (rjieba, the Rust port of jieba).

Documents are cut in *search mode*, which also emits the shorter words inside
long ones (居民身份证 → 居民, 身份, 身份证, 居民身份证), so a query for any of
them finds the document. Queries are cut in precise mode: every precise-mode
word is among the search-mode words of the same text, and fewer, longer terms
make a sharper AND query.
"""

from __future__ import annotations

from collections.abc import Iterable

import rjieba

# A query with more terms than this is cut short: longer queries do not find
# better results, and the limit bounds the work a single request can cause.
MAX_QUERY_TERMS = 12


def _is_term(token: str) -> bool:
    """Punctuation, spaces and symbols are not searchable (and must never reach the engine)."""
    return any(char.isalnum() for char in token)


def document_terms(texts: Iterable[str | None]) -> str:
    """The texts segmented for the index: terms separated by single spaces, lower-cased."""
    terms: list[str] = []
    for text in texts:
        if text:
            terms.extend(token.lower() for token in rjieba.cut_for_search(text) if _is_term(token))
    return " ".join(terms)


def query_terms(query: str) -> list[str]:
    """The distinct searchable terms of a user's query, in order, at most :data:`MAX_QUERY_TERMS`."""
    terms: list[str] = []
    for token in rjieba.cut(query or ""):
        term = token.strip().lower()
        if _is_term(term) and term not in terms:
            terms.append(term)
    return terms[:MAX_QUERY_TERMS]
