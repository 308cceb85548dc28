"""What ``feedback`` holds about a pupil: the threads, judgements and reviews on their
portfolios, and what they wrote on others' (docs/privacy.md)."""

from risingtide.lib.personal_data import (
    ERASED_NAME,
    GROUP_KEPT,
    Delete,
    Holding,
    Replace,
    declare,
)

MEMBERS = ("portfolio__members",)
declare(
    Holding(
        "feedback.Comment",
        about=MEMBERS,
        named=("author",),  # its last writer is on the thread anyway
        erase=GROUP_KEPT,
        erase_named=Replace({"author_label": ERASED_NAME}),
    ),
    Holding(
        "feedback.Reply",
        about=("comment__portfolio__members",),
        named=("author",),
        erase=GROUP_KEPT,
        erase_named=Replace({"author_label": ERASED_NAME}),
    ),
    Holding("feedback.ThreadRead", about=("user",), erase=Delete()),
    Holding(
        "feedback.Judgement",
        about=MEMBERS,
        named=("judged_by",),
        erase=GROUP_KEPT,
        title="Rubric judgements",
    ),
    Holding(
        "feedback.Review",
        about=MEMBERS,
        named=("reviewer", "hidden_by"),
        erase=GROUP_KEPT,
        erase_named=Replace({"reviewer_label": ERASED_NAME}),
        title="Reviews of portfolios",
    ),
)
