"""Full-text search of the catalogue by a service's title, its provider's name and its
description, in the database as the library searches (``library.search``): PostgreSQL's text
search in production, SQLite's FTS5 in the embedded default, the same words meaning the same on
both (web search words: every word, "quoted phrases", ``or``, ``-word``; English stemming;
common words ignored). A title match counts most, then the provider, then the description.
(``queries.catalogue`` falls back to the text inside titles, descriptions and providers' names
when no whole word matches, so part of a word still finds something.)

The index is not a model field, and unlike the library's it reads a second table (the
provider's name), so triggers keep it:

- PostgreSQL: a ``tsvector`` column, ``provision_service.search_vector``, filled by a BEFORE
  trigger on the service and refreshed by a trigger on ``schools_provider`` when a provider is
  renamed; a GIN index.
- SQLite: an FTS5 table, ``provision_service_fts`` (porter stemmer), kept by triggers on both
  tables. Django rebuilds a SQLite table for many schema changes, dropping its triggers, so
  ``install`` runs after every ``migrate`` too (apps.py) and puts back whatever is missing.
"""

from risingtide.library import search as library_search

SQLITE_WEIGHTS = (10.0, 6.0, 3.0)  # title, provider, description
SQLITE_TRIGGERS = (
    "provision_service_fts_insert",
    "provision_service_fts_update",
    "provision_service_fts_delete",
    "provision_provider_fts_rename",
)
_PROVIDER_OF = "(SELECT name FROM schools_provider WHERE id = {}.provider_id)"


# The search itself is the library's, for any model indexed its way (``library.search``).
matching = library_search.matching


# --- keeping the index: migration 0003 and every ``migrate`` (apps.py) ----------------------

_PG_FUNCTIONS = (
    """CREATE OR REPLACE FUNCTION provision_service_search() RETURNS trigger AS $$
    BEGIN
      NEW.search_vector :=
        setweight(to_tsvector('english'::regconfig, coalesce(NEW.title, '')), 'A') ||
        setweight(to_tsvector('english'::regconfig, coalesce(
          (SELECT name FROM schools_provider WHERE id = NEW.provider_id), '')), 'B') ||
        setweight(to_tsvector('english'::regconfig, coalesce(NEW.summary, '')), 'C');
      RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    """CREATE OR REPLACE FUNCTION provision_provider_search() RETURNS trigger AS $$
    BEGIN
      UPDATE provision_service SET title = title WHERE provider_id = NEW.id;
      RETURN NULL;
    END $$ LANGUAGE plpgsql""",
)


def _install_postgresql(cursor) -> None:
    cursor.execute(
        "SELECT 1 FROM information_schema.columns WHERE table_name = 'provision_service' "
        "AND column_name = 'search_vector' AND table_schema = current_schema()"
    )
    if cursor.fetchone():
        return
    cursor.execute("ALTER TABLE provision_service ADD COLUMN search_vector tsvector")
    for function in _PG_FUNCTIONS:
        cursor.execute(function)
    cursor.execute(
        "CREATE TRIGGER provision_service_search BEFORE INSERT OR UPDATE OF title, summary, "
        "provider_id ON provision_service FOR EACH ROW EXECUTE FUNCTION provision_service_search()"
    )
    cursor.execute(
        "CREATE TRIGGER provision_provider_search AFTER UPDATE OF name ON schools_provider "
        "FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) "
        "EXECUTE FUNCTION provision_provider_search()"
    )
    cursor.execute(
        "CREATE INDEX provision_service_search ON provision_service USING GIN (search_vector)"
    )
    cursor.execute("UPDATE provision_service SET title = title")


def _install_sqlite(cursor) -> bool:
    """Create what is missing; whether anything was (so the index must be filled afresh)."""
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') AND "
        "(name LIKE 'provision_service_fts%' OR name LIKE 'provision_provider_fts%')"
    )
    present = {row[0] for row in cursor.fetchall()}
    if "provision_service_fts" in present and all(t in present for t in SQLITE_TRIGGERS):
        return False
    cursor.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS provision_service_fts USING fts5("
        "title, provider, summary, tokenize = 'porter unicode61 remove_diacritics 2')"
    )
    weights = ", ".join(str(w) for w in SQLITE_WEIGHTS)
    cursor.execute(
        "INSERT INTO provision_service_fts (provision_service_fts, rank) VALUES ('rank', %s)",
        [f"bm25({weights})"],
    )
    for trigger in SQLITE_TRIGGERS:
        cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    row = f"new.title, {_PROVIDER_OF.format('new')}, new.summary"
    cursor.execute(
        "CREATE TRIGGER provision_service_fts_insert AFTER INSERT ON provision_service BEGIN "  # noqa: S608
        "INSERT INTO provision_service_fts (rowid, title, provider, summary) "
        f"VALUES (new.id, {row}); END"
    )
    cursor.execute(
        "CREATE TRIGGER provision_service_fts_update AFTER UPDATE OF title, summary, "  # noqa: S608
        "provider_id ON provision_service BEGIN "
        "DELETE FROM provision_service_fts WHERE rowid = old.id; "
        "INSERT INTO provision_service_fts (rowid, title, provider, summary) "
        f"VALUES (new.id, {row}); END"
    )
    cursor.execute(
        "CREATE TRIGGER provision_service_fts_delete AFTER DELETE ON provision_service BEGIN "
        "DELETE FROM provision_service_fts WHERE rowid = old.id; END"
    )
    cursor.execute(
        "CREATE TRIGGER provision_provider_fts_rename AFTER UPDATE OF name ON schools_provider "
        "BEGIN "
        "DELETE FROM provision_service_fts WHERE rowid IN "
        "(SELECT id FROM provision_service WHERE provider_id = new.id); "
        "INSERT INTO provision_service_fts (rowid, title, provider, summary) "
        "SELECT s.id, s.title, new.name, s.summary FROM provision_service s "
        "WHERE s.provider_id = new.id; END"
    )
    return True


def install(connection) -> None:
    """Create the catalogue's search index for this database if it is missing (idempotent)."""
    if "provision_service" not in connection.introspection.table_names():
        return  # migrated back to before the marketplace
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _install_postgresql(cursor)
            return
        if connection.vendor != "sqlite" or not _install_sqlite(cursor):
            return
    rebuild(connection)


def uninstall(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER IF EXISTS provision_provider_search ON schools_provider")
            cursor.execute("DROP TRIGGER IF EXISTS provision_service_search ON provision_service")
            cursor.execute("DROP FUNCTION IF EXISTS provision_provider_search()")
            cursor.execute("DROP FUNCTION IF EXISTS provision_service_search()")
            cursor.execute("DROP INDEX IF EXISTS provision_service_search")
            cursor.execute("ALTER TABLE provision_service DROP COLUMN IF EXISTS search_vector")
        elif connection.vendor == "sqlite":
            for trigger in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
            cursor.execute("DROP TABLE IF EXISTS provision_service_fts")


def rebuild(connection) -> None:
    """Index every service afresh (SQLite; PostgreSQL's triggers keep its column current)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM provision_service_fts")
            cursor.execute(
                "INSERT INTO provision_service_fts (rowid, title, provider, summary) "  # noqa: S608
                f"SELECT s.id, s.title, {_PROVIDER_OF.format('s')}, s.summary "
                "FROM provision_service s"
            )
