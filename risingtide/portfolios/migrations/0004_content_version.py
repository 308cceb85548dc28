"""The portfolio's content version, and the triggers that move it on (lib/versions.py)."""

from django.db import migrations, models

from risingtide.lib.versions import Watch, installer

# Written out here, not imported, so that this migration keeps meaning what it meant.
OF_ITS_OWN = "{row}.portfolio_id"
WATCHES = [
    Watch("item", "portfolios_item", "portfolios_portfolio", "content_version", OF_ITS_OWN),
    Watch(
        "connection", "portfolios_connection", "portfolios_portfolio", "content_version", OF_ITS_OWN
    ),
    Watch("category", "portfolios_category", "portfolios_portfolio", "content_version", OF_ITS_OWN),
    Watch(
        "stageprogress",
        "portfolios_stageprogress",
        "portfolios_portfolio",
        "content_version",
        OF_ITS_OWN,
    ),
    Watch(
        "stagework", "portfolios_stagework", "portfolios_portfolio", "content_version", OF_ITS_OWN
    ),
    Watch(
        "member",
        "portfolios_portfoliomember",
        "portfolios_portfolio",
        "content_version",
        OF_ITS_OWN,
    ),
    Watch(
        "item_category",
        "portfolios_item_categories",
        "portfolios_portfolio",
        "content_version",
        "SELECT portfolio_id FROM portfolios_item WHERE id = {row}.item_id",
    ),
    Watch(
        "project",
        "tasc_project",
        "portfolios_portfolio",
        "content_version",
        "SELECT id FROM portfolios_portfolio WHERE project_id = {row}.id",
    ),
    Watch(
        "wheelstage",
        "tasc_wheelstage",
        "portfolios_portfolio",
        "content_version",
        "SELECT p.id FROM portfolios_portfolio p JOIN tasc_project j ON p.project_id = j.id"
        " WHERE j.wheel_id = {row}.wheel_id",
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("portfolios", "0003_group_discussion_and_contributions"),
        ("tasc", "0003_pupils_choose_groups"),
    ]

    operations = [
        migrations.AddField(
            model_name="portfolio",
            name="content_version",
            field=models.PositiveBigIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(*installer(*WATCHES)),
    ]
