"""Who may see and take training, and who may write it. A programme belongs to the nation or
to one LA: learners (leading teachers, and LA leads, who are trained by the nation) see their
nation's programmes and their LA's; a national officer sees every programme of the nation.
Authors write by reach: a national officer the nation's programmes, an LA lead their LA's
(and not the nation's, which they take as learners). Registered when the app is ready."""

from django.db.models import Q

from risingtide.access.core import Path, Subject, by_field, declare_subject
from risingtide.access.policy import Capability, Reach, declare
from risingtide.people.models import Role
from risingtide.schools.models import LocalAuthority
from risingtide.training.models import Module, Programme


def _nations_of(la_ids):
    return LocalAuthority.objects.filter(pk__in=la_ids).values("nation_id")


declare_subject(
    "programme",
    Subject(
        Programme,
        {
            Reach.LA: Path(
                lambda ids: Q(local_authority_id__in=ids) | Q(nation_id__in=_nations_of(ids)),
                "the LA's own programmes, and its nation's",
            ),
            Reach.NATION: Path(
                lambda ids: Q(nation_id__in=ids) | Q(local_authority__nation_id__in=ids),
                "the nation's programmes, and its LAs'",
            ),
        },
    ),
)
declare_subject(
    "module",
    Subject(
        Module,
        {
            Reach.LA: Path(
                lambda ids: (
                    Q(programme__local_authority_id__in=ids)
                    | Q(programme__nation_id__in=_nations_of(ids))
                ),
                "its programme's: the LA's own, and its nation's",
            ),
            Reach.NATION: Path(
                lambda ids: (
                    Q(programme__nation_id__in=ids)
                    | Q(programme__local_authority__nation_id__in=ids)
                ),
                "its programme's: the nation's, and its LAs'",
            ),
        },
    ),
)
# Authoring is a narrower view of the same programmes: its owner's, only.
declare_subject(
    "authored_programme",
    Subject(
        Programme,
        {
            Reach.LA: by_field("local_authority_id", "the LA's own programmes"),
            Reach.NATION: by_field("nation_id", "the nation's own programmes"),
        },
        primary=False,
    ),
)

_LEARNERS = {Role.LEADING_TEACHER: Reach.LA, Role.LA_LEAD: Reach.LA}
_READERS = {**_LEARNERS, Role.NATIONAL_OFFICER: Reach.NATION}

declare(
    Capability(
        "training.home",
        None,
        "See the training programmes that apply to one",
        {role: Reach.ANY for role in _READERS},
    ),
    Capability("programme.view", "programme", "See a training programme and its modules", _READERS),
    Capability("module.view", "module", "See a training module", _READERS),
    Capability(
        "module.take",
        "module",
        "Work through a training module: read, answer its checks, write its reflections",
        _LEARNERS,
    ),
    Capability(
        "training.create_national",
        "nation",
        "Start a national training programme",
        {Role.NATIONAL_OFFICER: Reach.NATION},
    ),
    Capability(
        "training.create_for_la",
        "local_authority",
        "Start a training programme for one's LA",
        {Role.LA_LEAD: Reach.LA},
    ),
    Capability(
        "authored_programme.view",
        "authored_programme",
        "See a training programme one may write",
        {Role.NATIONAL_OFFICER: Reach.NATION, Role.LA_LEAD: Reach.LA},
    ),
    Capability(
        "programme.author",
        "authored_programme",
        "Write a programme's modules and publish new versions of them",
        {Role.NATIONAL_OFFICER: Reach.NATION, Role.LA_LEAD: Reach.LA},
    ),
)
