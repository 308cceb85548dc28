"""Full-text search over library resources, in the database: PostgreSQL's text search in
production, SQLite's FTS5 in the embedded default, with the same meaning on both.

What a teacher types is read as web search words: every word must appear (in any form: both
sides stem English words), ``"quoted words"`` must appear together, ``or`` between words
accepts either, ``-word`` excludes, and common words (the, of, …) are ignored. A title match
counts most, then the description and brief, then the subject.

The index is not a model field:

- PostgreSQL: a stored generated ``tsvector`` column, ``library_resource.search_vector``,
  weighted A/B/C, with a GIN index. (A later migration cannot change the type of a column it
  is computed from without dropping it first: PostgreSQL says so.)
- SQLite: an FTS5 table, ``library_resource_fts`` (porter stemmer), kept in step with
  ``library_resource`` by triggers. Django rebuilds a SQLite table for many schema changes,
  which drops its triggers, so ``install`` runs after every ``migrate`` too and puts back (and
  refills) whatever is missing.
"""

import re
from dataclasses import dataclass, field

from django.db import connection as default_connection
from django.db import connections
from django.db.models import Expression, QuerySet

from risingtide.library.models import Subject

# The weights of title, description (with a template's brief) and subject.
SQLITE_WEIGHTS = (10.0, 4.0, 2.0)

# PostgreSQL's English stop words that a teacher is likely to type: ignored on SQLite too, so
# that "a home for a minibeast" finds the same resources on both.
STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers him his how i if in into is it its itself just
    me more most my no nor not now of off on once only or other our ours out over own same she
    should so some such than that the their theirs them then there these they this those
    through to too under until up very was we were what when where which while who whom why
    will with would you your yours""".split()  # noqa: SIM905 - easier to read as prose
)

_TOKEN = re.compile(r'"[^"]*"?|\S+')
_WORD = re.compile(r"\w+")


@dataclass
class ParsedQuery:
    """Groups that must all match, each a list of phrases of which one must; excluded
    phrases. A phrase is a tuple of words."""

    groups: list[list[tuple[str, ...]]] = field(default_factory=list)
    excluded: list[tuple[str, ...]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.groups)


def parse(text: str) -> ParsedQuery:
    """Read search words as PostgreSQL's ``websearch_to_tsquery`` does."""
    parsed = ParsedQuery()
    join_next = False
    for token in _TOKEN.findall(text[:500]):
        negative = token.startswith("-") and len(token) > 1
        if negative:
            token = token[1:]
        if token.lower() == "or" and parsed.groups:
            join_next = True
            continue
        words = tuple(w for w in (m.lower() for m in _WORD.findall(token)) if w not in STOP_WORDS)[
            :10
        ]
        if not words:
            continue
        if negative:
            parsed.excluded.append(words)
        elif join_next:
            parsed.groups[-1].append(words)
        else:
            parsed.groups.append([words])
        join_next = False
    parsed.groups = parsed.groups[:20]
    return parsed


def fts5_query(parsed: ParsedQuery) -> str:
    """The same query in FTS5's syntax; every word is quoted, so nothing typed is an operator."""

    def phrase(words: tuple[str, ...]) -> str:
        return '"' + " ".join(words) + '"'

    query = " AND ".join(
        "(" + " OR ".join(phrase(p) for p in group) + ")" for group in parsed.groups
    )
    for words in parsed.excluded:
        query = f"({query}) NOT {phrase(words)}"
    return query


def _pg_vector():
    from django.contrib.postgres.search import SearchVectorField

    class Vector(Expression):
        """The model's own ``search_vector`` column (kept by triggers, not a model field)."""

        output_field = SearchVectorField()

        def as_sql(self, compiler, connection):
            alias = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
            return f"{alias}.search_vector", []

    return Vector()


def matching(rows: QuerySet, text: str) -> tuple[QuerySet, bool]:
    """``rows`` narrowed to those matching ``text``, annotated with ``rank``; and whether
    there were any words to search for (if not, ``rows`` comes back as it was).

    For any model indexed the library's way: a ``search_vector`` column on PostgreSQL, an
    FTS5 table named after the model's table plus ``_fts`` on SQLite (the library's
    resources; the provision catalogue's services, ``provision.search``)."""
    parsed = parse(text)
    if not parsed:
        return rows, False
    if connections[rows.db].vendor == "postgresql":
        # PostgreSQL only: its search classes import psycopg's types.
        from django.contrib.postgres.search import SearchQuery, SearchRank

        query = SearchQuery(text[:500], search_type="websearch", config="english")
        vector = _pg_vector()
        return (
            rows.alias(_vector=vector)
            .filter(_vector=query)
            .annotate(rank=SearchRank(vector, query)),
            True,
        )
    # A join, so that FTS5 ranks every match in one pass (a correlated subquery per row is a
    # hundred times slower at 10,000 resources). The table's own ``rank`` column is bm25 with
    # our weights (set by ``install``), read during the scan, so a window over the rows (the
    # total beside the page) can use it. Only constants (the model's table names) are in the
    # SQL text; what was typed is a parameter.
    table = rows.model._meta.db_table
    index = f"{table}_fts"
    matched = rows.extra(  # noqa: S610 - names from the model, what was typed a parameter
        tables=[index],
        where=[f"{index}.rowid = {table}.id", f"{index} MATCH %s"],
        params=[fts5_query(parsed)],
        select={"rank": f"-{index}.rank"},
    )
    return matched, True


# --- keeping the index: migration 0002 and every ``migrate`` (apps.py) ---------------------

SQLITE_TRIGGERS = (
    "library_resource_fts_insert",
    "library_resource_fts_update",
    "library_resource_fts_delete",
)


def _subject_label_sql(column: str) -> str:
    """The subject's words rather than its code, as SQL, so "design technology" finds "dt"."""

    whens = " ".join(
        f"WHEN '{code}' THEN '{label.replace(chr(39), chr(39) * 2)}'"
        for code, label in Subject.choices
    )
    return f"(CASE {column} {whens} ELSE {column} END)"


def _sqlite_row(prefix: str) -> str:
    return f"{prefix}.title, {prefix}.description || ' ' || {prefix}.brief, " + _subject_label_sql(
        f"{prefix}.subject"
    )


def install(connection) -> None:
    """Create the search index for this database if it is missing (idempotent)."""
    if "library_resource" not in connection.introspection.table_names():
        return  # migrated back to before the library
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT 1 FROM information_schema.columns WHERE table_name = 'library_resource' "
                "AND column_name = 'search_vector' AND table_schema = current_schema()"
            )
            if cursor.fetchone():
                return
            cursor.execute(
                "ALTER TABLE library_resource ADD COLUMN search_vector tsvector GENERATED ALWAYS "
                "AS (setweight(to_tsvector('english'::regconfig, title), 'A') || "
                "setweight(to_tsvector('english'::regconfig, description || ' ' || brief), 'B')"
                " || setweight(to_tsvector('english'::regconfig, "
                f"{_subject_label_sql('subject')}), 'C')) STORED"
            )
            cursor.execute(
                "CREATE INDEX library_resource_search ON library_resource USING GIN (search_vector)"
            )
            return
        if connection.vendor != "sqlite":
            return
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') AND name LIKE "
            "'library_resource_fts%'"
        )
        present = {row[0] for row in cursor.fetchall()}
        if "library_resource_fts" in present and all(t in present for t in SQLITE_TRIGGERS):
            return
        cursor.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS library_resource_fts USING fts5("
            "title, description, subject, tokenize = 'porter unicode61 remove_diacritics 2')"
        )
        weights = ", ".join(str(w) for w in SQLITE_WEIGHTS)
        cursor.execute(
            "INSERT INTO library_resource_fts (library_resource_fts, rank) VALUES ('rank', %s)",
            [f"bm25({weights})"],
        )
        for trigger in SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        cursor.execute(
            "CREATE TRIGGER library_resource_fts_insert AFTER INSERT ON library_resource BEGIN "  # noqa: S608
            "INSERT INTO library_resource_fts (rowid, title, description, subject) "
            f"VALUES (new.id, {_sqlite_row('new')}); END"
        )
        cursor.execute(
            "CREATE TRIGGER library_resource_fts_update AFTER UPDATE OF title, description, "  # noqa: S608
            "brief, subject ON library_resource BEGIN "
            "DELETE FROM library_resource_fts WHERE rowid = old.id; "
            "INSERT INTO library_resource_fts (rowid, title, description, subject) "
            f"VALUES (new.id, {_sqlite_row('new')}); END"
        )
        cursor.execute(
            "CREATE TRIGGER library_resource_fts_delete AFTER DELETE ON library_resource BEGIN "
            "DELETE FROM library_resource_fts WHERE rowid = old.id; END"
        )
    # Whatever happened while the triggers were missing: index every row afresh.
    rebuild(connection)


def uninstall(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS library_resource_search")
            cursor.execute("ALTER TABLE library_resource DROP COLUMN IF EXISTS search_vector")
        elif connection.vendor == "sqlite":
            for trigger in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
            cursor.execute("DROP TABLE IF EXISTS library_resource_fts")


def rebuild(connection=default_connection) -> None:
    """Index every resource afresh (SQLite; PostgreSQL's column is always current)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM library_resource_fts")
            cursor.execute(
                "INSERT INTO library_resource_fts (rowid, title, description, subject) "  # noqa: S608
                f"SELECT r.id, {_sqlite_row('r')} FROM library_resource r"
            )
