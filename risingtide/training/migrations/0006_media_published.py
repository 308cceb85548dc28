"""ModuleMedia.published_at: when a published version first showed it (learners see only
those). Filled in for the versions already published."""

import re

from django.db import migrations, models

# As training.media.REFERENCE, copied: a migration keeps working when the app's code moves on.
REFERENCE = re.compile(r"^[ \t]*!\[([^\]\n]*)\]\(media:(\d{1,18})\)[ \t]*$", re.MULTILINE)


def mark_published(apps, schema_editor):
    ModuleMedia = apps.get_model("training", "ModuleMedia")
    ModuleVersion = apps.get_model("training", "ModuleVersion")
    first: dict[tuple[int, int], object] = {}
    for module_id, content, published_at in ModuleVersion.objects.order_by(
        "published_at"
    ).values_list("module_id", "content", "published_at"):
        steps = content.get("steps", []) if isinstance(content, dict) else []
        for step in steps:
            text = (step.get("body") or step.get("prompt") or "") if isinstance(step, dict) else ""
            for match in REFERENCE.finditer(text):
                first.setdefault((module_id, int(match.group(2))), published_at)
    for (module_id, pk), published_at in first.items():
        ModuleMedia.objects.filter(module_id=module_id, pk=pk).update(published_at=published_at)


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0005_credentials"),
    ]

    operations = [
        migrations.AddField(
            model_name="modulemedia",
            name="published_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(mark_published, migrations.RunPython.noop),
    ]
