"""Engine-specific schema for the search index, run from migrations.

Each engine gets what makes its search fast and nothing on the other engine:
SQLite an external-content FTS5 table kept in step by triggers; PostgreSQL two
stored generated ``tsvector`` columns (document and title) with a GIN index on
the document's. Storing the vectors matters: ranking thousands of matches by
re-parsing each row's text cost 170 ms a search at 5,000 items (bench/README.md). ``install``/``uninstall`` take a
schema editor so migrations (today's and any later one that makes SQLite
rebuild ``catalogue_searchentry``, which drops its triggers) can call them.
"""

from __future__ import annotations

from typing import Any

ENTRY_TABLE = "catalogue_searchentry"
FTS_TABLE = "catalogue_search_fts"
GIN_INDEX = "catalogue_searchentry_document_gin"

# External content: FTS5 stores only the inverted index and reads the text from
# the entry table, so the text is not stored twice. unicode61 splits on the
# spaces the segmenter put between terms and folds case.
_SQLITE_INSTALL = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    f"title_terms, document, content='{ENTRY_TABLE}', content_rowid='item_id', tokenize='unicode61')",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON {ENTRY_TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, title_terms, document) VALUES (new.item_id, new.title_terms, new.document); "
    "END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON {ENTRY_TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title_terms, document) "
    "VALUES ('delete', old.item_id, old.title_terms, old.document); "
    "END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au AFTER UPDATE ON {ENTRY_TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title_terms, document) "
    "VALUES ('delete', old.item_id, old.title_terms, old.document); "
    f"INSERT INTO {FTS_TABLE}(rowid, title_terms, document) VALUES (new.item_id, new.title_terms, new.document); "
    "END",
    # Index whatever rows already exist (none on a fresh install; all after a table rebuild).
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
]
_SQLITE_UNINSTALL = [
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_ai",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_ad",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_au",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]
DOCUMENT_VECTOR = "document_vector"
TITLE_VECTOR = "title_vector"
_POSTGRESQL_INSTALL = [
    f"ALTER TABLE {ENTRY_TABLE} ADD COLUMN IF NOT EXISTS {DOCUMENT_VECTOR} tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, document)) STORED",
    f"ALTER TABLE {ENTRY_TABLE} ADD COLUMN IF NOT EXISTS {TITLE_VECTOR} tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, title_terms)) STORED",
    f"CREATE INDEX IF NOT EXISTS {GIN_INDEX} ON {ENTRY_TABLE} USING gin ({DOCUMENT_VECTOR})",
]
_POSTGRESQL_UNINSTALL = [
    f"DROP INDEX IF EXISTS {GIN_INDEX}",
    f"ALTER TABLE {ENTRY_TABLE} DROP COLUMN IF EXISTS {TITLE_VECTOR}",
    f"ALTER TABLE {ENTRY_TABLE} DROP COLUMN IF EXISTS {DOCUMENT_VECTOR}",
]


def _run(schema_editor: Any, statements: list[str]) -> None:
    for statement in statements:
        schema_editor.execute(statement, params=None)


def install(apps: Any, schema_editor: Any) -> None:
    """Create the engine's full-text structures (nothing on other engines)."""
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, _SQLITE_INSTALL)
    elif vendor == "postgresql":
        _run(schema_editor, _POSTGRESQL_INSTALL)


def uninstall(apps: Any, schema_editor: Any) -> None:
    """Drop what :func:`install` created."""
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, _SQLITE_UNINSTALL)
    elif vendor == "postgresql":
        _run(schema_editor, _POSTGRESQL_UNINSTALL)
