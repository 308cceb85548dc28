"""Feedback written on a portfolio moves its content version on (lib/versions.py)."""

from django.db import migrations

from risingtide.lib.versions import Watch, installer

BY_COMMENT = "SELECT portfolio_id FROM feedback_comment WHERE id = {row}.comment_id"
WATCHES = [
    Watch(
        "comment",
        "feedback_comment",
        "portfolios_portfolio",
        "content_version",
        "{row}.portfolio_id",
    ),
    Watch("reply", "feedback_reply", "portfolios_portfolio", "content_version", BY_COMMENT),
    Watch(
        "threadread", "feedback_threadread", "portfolios_portfolio", "content_version", BY_COMMENT
    ),
    Watch(
        "judgement",
        "feedback_judgement",
        "portfolios_portfolio",
        "content_version",
        "{row}.portfolio_id",
    ),
    Watch(
        "rubric",
        "feedback_rubric",
        "portfolios_portfolio",
        "content_version",
        "SELECT id FROM portfolios_portfolio WHERE project_id = {row}.project_id",
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_initial"),
        ("portfolios", "0004_content_version"),
    ]

    operations = [migrations.RunPython(*installer(*WATCHES))]
