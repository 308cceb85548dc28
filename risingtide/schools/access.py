"""How the organisation tree reaches people: each place by its own level and those above it.
Who may see them is declared by ``people`` (which owns roles); registered when the app is
ready."""

from django.db.models import Q

from risingtide.access.core import Path, Subject, by_field, declare_subject
from risingtide.access.policy import Reach
from risingtide.schools.models import (
    Cluster,
    LocalAuthority,
    Nation,
    Provider,
    School,
    TeachingGroup,
)

declare_subject("nation", Subject(Nation, {Reach.NATION: by_field("pk", "itself")}))
declare_subject(
    "local_authority",
    Subject(
        LocalAuthority,
        {Reach.LA: by_field("pk", "itself"), Reach.NATION: by_field("nation_id")},
    ),
)
SCHOOL_PATHS = {
    Reach.SCHOOL: by_field("pk", "itself"),
    Reach.LA: by_field("local_authority_id"),
    Reach.NATION: by_field("local_authority__nation_id"),
}
declare_subject("school", Subject(School, SCHOOL_PATHS))
declare_subject(
    "cluster",
    Subject(
        Cluster,
        {
            Reach.SCHOOL: Path(
                lambda ids: Q(pk__in=School.objects.filter(pk__in=ids).values("cluster_id")),
                "the cluster of one of the person's schools",
            ),
            Reach.LA: by_field("local_authority_id"),
            Reach.NATION: by_field("local_authority__nation_id"),
        },
    ),
)
declare_subject(
    "teaching_group",
    Subject(
        TeachingGroup,
        {
            Reach.GROUP: by_field("pk", "itself"),
            Reach.SCHOOL: by_field("school_id"),
            Reach.LA: by_field("school__local_authority_id"),
            Reach.NATION: by_field("school__local_authority__nation_id"),
        },
    ),
)
declare_subject(
    "provider",
    Subject(
        Provider, {Reach.PROVIDER: by_field("pk", "itself"), Reach.NATION: by_field("nation_id")}
    ),
)
