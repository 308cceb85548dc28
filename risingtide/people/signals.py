"""Moving people's ``access_version`` on when what their memberships reach may have changed,
so the anchors cached under the old number are never used again (``people.access``).

A membership added, changed or removed moves its person's version; a school moving LA or
cluster, or an LA moving nation, moves the version of everyone whose anchors were read through
it. Memberships made in bulk are only ever a new person's, who has nothing cached yet.
"""

from django.db.models import F, Q
from django.db.models.signals import post_delete, post_save

from risingtide.people.models import Membership, User
from risingtide.schools.models import Cluster, LocalAuthority, School


def _move_on(people: Q) -> None:
    User.objects.filter(pk__in=Membership.objects.filter(people).values("user_id")).update(
        access_version=F("access_version") + 1
    )


def membership_changed(sender, instance: Membership, **kwargs) -> None:
    User.objects.filter(pk=instance.user_id).update(access_version=F("access_version") + 1)
    person = instance._state.fields_cache.get("user")
    if person is not None:  # the same object asked again in this request sees the change
        person.access_version += 1
        person.__dict__.pop("_access_anchors", None)


def school_changed(sender, instance: School, **kwargs) -> None:
    # Cluster leads reach every school of their cluster, which may be this one now or before.
    _move_on(Q(school=instance.pk) | Q(cluster__isnull=False))


def cluster_changed(sender, instance: Cluster, **kwargs) -> None:
    _move_on(Q(cluster=instance.pk))


def authority_changed(sender, instance: LocalAuthority, **kwargs) -> None:
    _move_on(
        Q(local_authority=instance.pk)
        | Q(school__local_authority=instance.pk)
        | Q(cluster__isnull=False)
    )


def connect() -> None:
    for signal in (post_save, post_delete):
        signal.connect(membership_changed, sender=Membership, dispatch_uid=f"anchors-m-{signal}")
        signal.connect(school_changed, sender=School, dispatch_uid=f"anchors-s-{signal}")
        signal.connect(cluster_changed, sender=Cluster, dispatch_uid=f"anchors-c-{signal}")
        signal.connect(
            authority_changed, sender=LocalAuthority, dispatch_uid=f"anchors-la-{signal}"
        )
