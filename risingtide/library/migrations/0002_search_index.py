"""The full-text index that ``library.search`` reads: a generated tsvector column with a GIN
index on PostgreSQL, an FTS5 table with triggers on SQLite."""

from django.db import migrations


def install(apps, schema_editor):
    from risingtide.library import search

    search.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from risingtide.library import search

    search.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
