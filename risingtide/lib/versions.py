"""Content versions kept by the database: triggers that move a row's counter on whenever
anything shown with it is written (decision 0015).

A page kept in the cache is keyed by the version of what it shows. Bumping that version in
every service that writes would leave it to each new write path (a bulk update, a task, an
import) to remember; a trigger cannot be forgotten, runs in the writing transaction, and
covers ``bulk_create``, ``update()`` and cascaded deletes alike.

``version_triggers`` gives the SQL for one watched table: after each insert, update or delete
of a row, ``UPDATE <target> SET <column> = <column> + 1 WHERE id IN (<ids>)``, where ``ids`` is
SQL over the written row (``{row}`` stands for it: ``NEW`` or ``OLD``, both on an update).
SQLite and PostgreSQL are both written; migrations run ``install``/``uninstall`` from
``RunPython`` so that the right one is used.
"""

# ruff: noqa: S608 - the SQL is built from table and column names that migrations give

from dataclasses import dataclass


@dataclass(frozen=True)
class Watch:
    """``table``'s writes move ``target.column`` on for the rows ``ids`` names."""

    name: str  # short, unique: names the triggers and the function
    table: str
    target: str
    column: str
    ids: str  # e.g. "{row}.portfolio_id", or a subquery over {row}

    def where(self, row: str) -> str:
        return f"id IN ({self.ids.format(row=row)})"

    def update(self, row: str) -> str:
        return f"UPDATE {self.target} SET {self.column} = {self.column} + 1 WHERE {self.where(row)}"


def _sqlite(watch: Watch) -> list[str]:
    out = []
    for event, rows in (("INSERT", ["NEW"]), ("UPDATE", ["OLD", "NEW"]), ("DELETE", ["OLD"])):
        where = " OR ".join(watch.where(row) for row in rows)
        out.append(
            f"CREATE TRIGGER version_{watch.name}_{event.lower()} AFTER {event} ON {watch.table} "
            f"BEGIN UPDATE {watch.target} SET {watch.column} = {watch.column} + 1 "
            f"WHERE {where}; END"
        )
    return out


def _postgres(watch: Watch) -> list[str]:
    # NEW is null on a delete and OLD on an insert: each case names only the row it has.
    body = (
        f"IF TG_OP <> 'INSERT' THEN {watch.update('OLD')}; END IF; "
        f"IF TG_OP <> 'DELETE' THEN {watch.update('NEW')}; END IF; RETURN NULL;"
    )
    return [
        f"CREATE FUNCTION version_{watch.name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {body} END $$",
        f"CREATE TRIGGER version_{watch.name} AFTER INSERT OR UPDATE OR DELETE ON {watch.table} "
        f"FOR EACH ROW EXECUTE FUNCTION version_{watch.name}()",
    ]


def create_sql(vendor: str, watch: Watch) -> list[str]:
    return _postgres(watch) if vendor == "postgresql" else _sqlite(watch)


def drop_sql(vendor: str, watch: Watch) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP FUNCTION IF EXISTS version_{watch.name}() CASCADE"]
    return [
        f"DROP TRIGGER IF EXISTS version_{watch.name}_{event}"
        for event in ("insert", "update", "delete")
    ]


def installer(*watches: Watch):
    """``RunPython`` forwards and backwards for these watches."""

    def install(apps, schema_editor):
        for watch in watches:
            for sql in create_sql(schema_editor.connection.vendor, watch):
                schema_editor.execute(sql)

    def uninstall(apps, schema_editor):
        for watch in watches:
            for sql in drop_sql(schema_editor.connection.vendor, watch):
                schema_editor.execute(sql)

    return install, uninstall
