"""What ``api`` holds about a person: their API tokens (only digests; never exported)."""

from risingtide.lib.personal_data import Delete, Holding, declare

declare(
    Holding(
        "api.ApiToken",
        about=("user",),
        erase=Delete(),
        secret=("token_digest",),
        title="API tokens",
    )
)
