"""The starter set of example projects, shared with every school (``library.starter``)."""

from django.db import migrations


def load(apps, schema_editor):
    from risingtide.library.starter import ensure_starter_library

    ensure_starter_library(apps.get_model("library", "Resource"))


class Migration(migrations.Migration):
    dependencies = [("library", "0002_search_index")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
