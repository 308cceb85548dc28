"""Group work: in a group project one portfolio belongs to several pupils.

A group *is* its portfolio (with a name and several members): the same access rules, the same
items, each item and revision remembering which member made it. A pupil is in at most one
portfolio per project (the database says so), so a pupil is in at most one group.
"""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from risingtide.access.core import can, visible
from risingtide.audit.models import record
from risingtide.people.models import Membership, Role, User
from risingtide.portfolios.models import Contribution, GroupMessage, Portfolio, PortfolioMember
from risingtide.tasc.models import Project

MAX_GROUP_SIZE = 8


class NotInGroup(Exception):
    """A pupil opened a group project before their teacher put them in a group."""


def pupils_set(project: Project):
    """Every pupil a project is set to, directly or through a class (whoever is asking)."""
    groups = project.assignments.filter(teaching_group__isnull=False).values("teaching_group_id")
    direct = project.assignments.filter(pupil__isnull=False).values("pupil_id")
    in_groups = Membership.objects.filter(role=Role.PUPIL, teaching_group__in=groups)
    return Q(pk__in=direct) | Q(pk__in=in_groups.values("user_id"))


def assigned_pupils(user: User, project: Project):
    """The pupils a project is set to whom ``user`` may see."""
    return visible(user, "pupil").filter(pupils_set(project))


def _sees_every_member(actor: User, portfolio: Portfolio) -> bool:
    """A teacher changes a group only if they may see every pupil in it: otherwise adding one
    of their own pupils would open another class's children's work to them."""
    return not portfolio.memberships.exclude(pupil__in=visible(actor, "pupil")).exists()


def _check_group_project(actor: User, project: Project) -> None:
    if not can(actor, "project.edit", project):
        raise PermissionDenied
    if project.mode != Project.Mode.GROUP:
        raise ValidationError("This is an individual project: each pupil has a portfolio.")
    if project.status == Project.Status.CLOSED:
        raise ValidationError("This project is closed: its groups cannot change.")


def _next_group_number(project: Project) -> int:
    names = project.portfolios.values_list("name", flat=True)
    numbers = [int(m[1]) for n in names if (m := re.fullmatch(r"Group ([0-9]{1,6})", n))]
    return max(numbers, default=0) + 1


def form_group(actor: User, project: Project, pupils: list[User], name: str = "") -> Portfolio:
    """Put chosen pupils together in a new group. All of them must be set the project, seen by
    the teacher and not yet in a group; otherwise nothing changes and the error names them."""
    _check_group_project(actor, project)
    ids = {p.pk for p in pupils}
    if len(ids) < 1:
        raise ValidationError("Choose the pupils to put in the group.")
    if len(ids) > MAX_GROUP_SIZE:
        raise ValidationError(f"A group has at most {MAX_GROUP_SIZE} pupils.")
    allowed = set(assigned_pupils(actor, project).filter(pk__in=ids).values_list("pk", flat=True))
    if allowed != ids:
        raise PermissionDenied
    name = " ".join(name.split())[:60]
    with transaction.atomic():
        taken = list(
            PortfolioMember.objects.filter(project=project, pupil__in=ids).select_related(
                "pupil", "portfolio"
            )
        )
        if taken:
            raise ValidationError(
                "Already in a group: "
                + "; ".join(
                    f"{m.pupil.get_full_name()} ({m.portfolio.name or 'own portfolio'})"
                    for m in taken
                )
            )
        name = name or f"Group {_next_group_number(project)}"
        if project.portfolios.filter(name=name).exists():
            raise ValidationError(f"There is already a group called {name}.")
        try:
            portfolio = Portfolio.objects.create(project=project, name=name)
            PortfolioMember.objects.bulk_create(
                PortfolioMember(portfolio=portfolio, pupil_id=pk, project=project)
                for pk in sorted(ids)
            )
        except IntegrityError:  # a pupil was put in another group at the same moment
            raise ValidationError("Someone changed these groups just now: try again.") from None
        record(
            actor,
            "project.group_formed",
            project,
            school=project.school,
            group=portfolio.pk,
            pupils=sorted(ids),
        )
    return portfolio


def split_into_groups(actor: User, project: Project, size: int) -> list[Portfolio]:
    """Put every pupil not yet in a group into new groups of ``size`` (in name order; a last
    group of one joins the one before)."""
    _check_group_project(actor, project)
    if not 2 <= size <= MAX_GROUP_SIZE:
        raise ValidationError(f"Groups are of 2 to {MAX_GROUP_SIZE} pupils.")
    grouped = PortfolioMember.objects.filter(project=project).values("pupil_id")
    waiting = list(
        assigned_pupils(actor, project).exclude(pk__in=grouped).order_by("last_name", "first_name")
    )
    if not waiting:
        raise ValidationError("Every pupil is already in a group.")
    chunks = [waiting[i : i + size] for i in range(0, len(waiting), size)]
    if len(chunks) > 1 and len(chunks[-1]) == 1:
        last = chunks.pop()
        chunks[-1] += last
    with transaction.atomic():
        return [form_group(actor, project, chunk) for chunk in chunks]


def leave_group(actor: User, portfolio: Portfolio, pupil_id: int) -> None:
    """Take a pupil out of a group. What they added stays in the group's portfolio, still
    showing who made it; a group left with no members and no work at all goes."""
    _check_group_project(actor, portfolio.project)
    if not visible(actor, "pupil").filter(pk=pupil_id).exists():
        raise PermissionDenied
    group_id = portfolio.pk
    with transaction.atomic():
        deleted, _ = portfolio.memberships.filter(pupil_id=pupil_id).delete()
        if not deleted:
            raise ValidationError("That pupil is not in this group.")
        untouched = not (
            portfolio.memberships.exists()
            or portfolio.items.exists()
            or portfolio.stage_work.exists()
            or portfolio.progress.exists()
        )
        if untouched:
            portfolio.delete()
        record(
            actor,
            "project.group_left",
            portfolio.project,
            school=portfolio.project.school,
            group=group_id,
            pupil=pupil_id,
        )


def join_group(actor: User, portfolio: Portfolio, pupil: User) -> None:
    """Add one more pupil (set the project, not yet in a group) to an existing group."""
    _check_group_project(actor, portfolio.project)
    project = portfolio.project
    if not assigned_pupils(actor, project).filter(pk=pupil.pk).exists():
        raise PermissionDenied
    if not _sees_every_member(actor, portfolio):
        raise PermissionDenied
    try:
        with transaction.atomic():
            # Lock the group so two additions at once cannot pass the size check together.
            Portfolio.objects.select_for_update().get(pk=portfolio.pk)
            if portfolio.memberships.count() >= MAX_GROUP_SIZE:
                raise ValidationError(f"A group has at most {MAX_GROUP_SIZE} pupils.")
            PortfolioMember.objects.create(portfolio=portfolio, pupil=pupil, project=project)
            record(
                actor,
                "project.group_joined",
                project,
                school=project.school,
                group=portfolio.pk,
                pupil=pupil.pk,
            )
    except IntegrityError:
        raise ValidationError(f"{pupil.get_full_name()} is already in a group.") from None


def end_memberships_not_set(project: Project) -> int:
    """After a class or pupil is taken off a group project, its pupils leave their groups (and
    so lose sight of their group-mates' work); what they added stays. Returns how many left."""
    if project.mode != Project.Mode.GROUP:
        return 0  # one's own portfolio stays one's own
    still = User.objects.filter(pupils_set(project)).values("pk")
    deleted, _ = PortfolioMember.objects.filter(project=project).exclude(pupil__in=still).delete()
    return deleted


def choose_group(pupil: User, project: Project, group_id: int | None) -> Portfolio:
    """A pupil joins an open group of a project that lets pupils choose, or starts a new one."""
    if not can(pupil, "project.work", project):
        raise PermissionDenied
    if project.mode != Project.Mode.GROUP or not project.pupils_choose_groups:
        raise ValidationError("Your teacher puts you in a group for this project.")
    if project.status != Project.Status.OPEN:
        raise ValidationError("This project is not open.")
    try:
        with transaction.atomic():
            if group_id is None:
                group = Portfolio.objects.create(
                    project=project, name=f"Group {_next_group_number(project)}"
                )
            else:
                group = (
                    Portfolio.objects.select_for_update()
                    .filter(project=project, pk=group_id)
                    .first()
                )
                if group is None:
                    raise ValidationError("That group is not in this project.")
                if group.memberships.count() >= MAX_GROUP_SIZE:
                    raise ValidationError(f"That group is full ({MAX_GROUP_SIZE} pupils).")
            PortfolioMember.objects.create(portfolio=group, pupil=pupil, project=project)
            record(pupil, "project.group_chosen", project, school=project.school, group=group.pk)
    except IntegrityError:
        raise ValidationError("You are already in a group for this project.") from None
    return group


def open_groups(project: Project) -> list[Portfolio]:
    """Groups a pupil may still join, with their size (one query). Names only: a pupil choosing
    a group sees how many are in it, not who."""
    from django.db.models import Count

    return list(
        project.portfolios.annotate(size=Count("memberships"))
        .filter(size__lt=MAX_GROUP_SIZE)
        .order_by("name", "pk")
    )


def post_message(actor: User, portfolio: Portfolio, body: str):
    """A message in a group's discussion: by a member, or by a teacher of theirs."""

    member = portfolio.memberships.filter(pupil=actor).exists()
    if not member and not can(actor, "portfolio.comment", portfolio):
        raise PermissionDenied
    body = body.strip()
    if not body:
        raise ValidationError("Write something first.")
    if len(body) > 2000:
        raise ValidationError("Keep a message under 2,000 characters.")
    return GroupMessage.objects.create(portfolio=portfolio, author=actor, body=body)


def rate_contributions(actor: User, portfolio: Portfolio, shares: dict[int, tuple[int, str]]):
    """A member says how much each member (themself too) gave: {member id: (share, comment)}."""

    if not portfolio.memberships.filter(pupil=actor).exists():
        raise PermissionDenied
    members = set(portfolio.memberships.values_list("pupil_id", flat=True))
    if not set(shares) <= members:
        raise ValidationError("You can only rate the members of your group.")
    with transaction.atomic():
        for member_id, (share, comment) in shares.items():
            if share not in Contribution.Share.values:
                raise ValidationError("Choose how much each member gave.")
            Contribution.objects.update_or_create(
                portfolio=portfolio,
                rater=actor,
                member_id=member_id,
                defaults={"share": share, "comment": comment.strip()[:300]},
            )
