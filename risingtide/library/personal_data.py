"""What the library holds about a person: what staff published, reviewed and used."""

from risingtide.lib.personal_data import SCHOOL_WORK, Holding, declare

declare(
    Holding("library.Resource", named=("author",), erase=SCHOOL_WORK),
    Holding(
        "library.Review", named=("author",), erase=SCHOOL_WORK, title="Reviews of library resources"
    ),
    Holding("library.ResourceUse", named=("user",), erase=SCHOOL_WORK),
)
