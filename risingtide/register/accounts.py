"""Linking pupil records to pupil accounts: a school's MIS data about a pupil meets the account
they sign in with when the two names agree, and only then.

Its own module because both an import (after writing new records) and the services need it,
and it is one careful rule: a name must pick out exactly one record and exactly one account.
"""

from risingtide.people.models import Membership, Role
from risingtide.register.models import Pupil


def link_accounts(school_id: int) -> int:
    """Link the school's unlinked pupil records to pupil accounts of the same name, where the
    name picks out exactly one of each. Returns how many were linked."""
    accounts: dict[tuple[str, str], list[int]] = {}
    members = Membership.objects.filter(
        school_id=school_id,
        role=Role.PUPIL,
        teaching_group__isnull=True,
        user__pupil_record__isnull=True,
    ).values_list("user_id", "user__first_name", "user__last_name")
    for user_id, first, last in members:
        accounts.setdefault((first.casefold(), last.casefold()), []).append(user_id)
    if not accounts:
        return 0
    records: dict[tuple[str, str], list[int]] = {}
    unlinked = Pupil.objects.filter(school_id=school_id, account__isnull=True).values_list(
        "pk", "legal_forename", "legal_surname", "preferred_forename", "preferred_surname"
    )
    for pk, legal_first, legal_last, first, last in unlinked:
        names = {
            (legal_first.casefold(), legal_last.casefold()),
            ((first or legal_first).casefold(), (last or legal_last).casefold()),
        }
        for key in names:
            records.setdefault(key, []).append(pk)
    linked = 0
    used: set[int] = set()
    for key, user_ids in accounts.items():
        pks = records.get(key, [])
        if len(user_ids) == 1 and len(pks) == 1 and pks[0] not in used:
            used.add(pks[0])
            linked += Pupil.objects.filter(pk=pks[0], account__isnull=True).update(
                account_id=user_ids[0]
            )
    return linked
