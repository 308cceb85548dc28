"""The catalogue's full-text index that ``provision.search`` reads: a tsvector column kept by
triggers with a GIN index on PostgreSQL, an FTS5 table with triggers on SQLite."""

from django.db import migrations


def install(apps, schema_editor):
    from risingtide.provision import search

    search.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from risingtide.provision import search

    search.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("provision", "0002_contracts_ratings"), ("schools", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
