"""Who may write modules, see their pictures and sounds, and share and copy them.

Authoring is by reach, as for programmes (``training.access``): a national officer writes the
nation's modules, an LA lead their LA's. A module's media is seen by its authors, and by
whoever may see the module once a published version shows it. An LA lead shares their LA's
modules with the other LAs of the nation; every LA lead of the nation, and the national
officer, sees what is shared and copies it into a programme they write. Registered when the
app is ready."""

from django.db.models import Q

from risingtide.access.core import Path, Subject, by_field, declare_subject
from risingtide.access.policy import Capability, Reach, declare
from risingtide.people.models import Role
from risingtide.schools.models import LocalAuthority, School
from risingtide.training.models import Module, ModuleMedia, SharedModule


def _nations_of(la_ids):
    return LocalAuthority.objects.filter(pk__in=la_ids).values("nation_id")


declare_subject(
    "authored_module",
    Subject(
        Module,
        {
            Reach.LA: by_field("programme__local_authority_id", "the LA's own programmes'"),
            Reach.NATION: by_field("programme__nation_id", "the nation's own programmes'"),
        },
        primary=False,
    ),
)
# A module's media: its authors see all of it (drafts and previews included); everyone else
# who may take the module only what a published version has shown (``published_at``), so an
# upload in a draft, known only by its id, stays the authors'. Authors are who may write the
# programme (``programme.author``): an LA lead their LA's, the national officer the nation's,
# both reached at their own level; a leading teacher is reached through their schools.
_PUBLISHED = Q(published_at__isnull=False)


def _of_schools(ids) -> Q:
    schools = School.objects.filter(pk__in=ids)
    return _PUBLISHED & (
        Q(module__programme__local_authority_id__in=schools.values("local_authority_id"))
        | Q(module__programme__nation_id__in=schools.values("local_authority__nation_id"))
    )


declare_subject(
    "module_media",
    Subject(
        ModuleMedia,
        {
            Reach.SCHOOL: Path(
                _of_schools, "published in a module of its school's LA, or of its nation"
            ),
            Reach.LA: Path(
                lambda ids: (
                    Q(module__programme__local_authority_id__in=ids)
                    | (_PUBLISHED & Q(module__programme__nation_id__in=_nations_of(ids)))
                ),
                "its module's: all of the LA's own; the nation's once published",
            ),
            Reach.NATION: Path(
                lambda ids: (
                    Q(module__programme__nation_id__in=ids)
                    | (_PUBLISHED & Q(module__programme__local_authority__nation_id__in=ids))
                ),
                "its module's: all of the nation's own; its LAs' once published",
            ),
        },
    ),
)
declare_subject(
    "shared_module",
    Subject(
        SharedModule,
        {
            Reach.LA: Path(
                lambda ids: Q(local_authority__nation_id__in=_nations_of(ids)),
                "shared by any LA of its nation",
            ),
            Reach.NATION: by_field("local_authority__nation_id", "shared by the nation's LAs"),
        },
    ),
)

_AUTHORS = {Role.NATIONAL_OFFICER: Reach.NATION, Role.LA_LEAD: Reach.LA}
# Reached at the level one writes at: an LA lead's LA level, say, brings the LA's drafts.
_READERS = {Role.LEADING_TEACHER: Reach.SCHOOL, **_AUTHORS}

declare(
    Capability(
        "training.write",
        None,
        "See the training programmes one writes, and start one",
        {role: Reach.ANY for role in _AUTHORS},
    ),
    Capability(
        "authored_module.view", "authored_module", "See a training module one may write", _AUTHORS
    ),
    Capability(
        "module.author",
        "authored_module",
        "Write a module's draft (pages, checks, reflections, media), preview and publish it",
        _AUTHORS,
    ),
    Capability(
        "module.share",
        "authored_module",
        "Share a published module of one's LA with the other LAs",
        {Role.LA_LEAD: Reach.LA},
    ),
    Capability(
        "module_media.view",
        "module_media",
        "See a picture, sound or video of a training module",
        _READERS,
    ),
    Capability(
        "shared_module.view", "shared_module", "See a module another LA has shared", _AUTHORS
    ),
    Capability(
        "shared_module.copy",
        "shared_module",
        "Copy a shared module into a programme one writes, as a new draft",
        _AUTHORS,
    ),
)
