"""What ``people`` holds about a person: the account and its roles (docs/privacy.md)."""

from django.contrib.auth.hashers import make_password

from risingtide.lib.personal_data import Custom, Delete, Holding, by_pk, declare


def _placeholder(accounts, person) -> None:
    """The account stays, so that what a group still holds (a note they saved, a connection
    they drew) keeps a maker, but nothing in it names or admits anyone any more."""
    for account in accounts:
        account.username = f"erased-{account.pk}"
        account.first_name, account.last_name = "Erased", "pupil"
        account.email = account.mis_id = ""
        account.is_active = False
        account.password = make_password(None)  # unusable
        account.access_version += 1  # forget any navigation kept for them
        account.save()


declare(
    Holding(
        "people.User",
        about=(by_pk,),
        erase=Custom(_placeholder, "replaced by a placeholder account: no name, no sign-in"),
        secret=("password",),
        order=100,
        title="Accounts",
    ),
    Holding("people.Membership", about=("user", "child"), erase=Delete()),
)
