"""The words of the demo's handful of pupils at Riverton Academy, put in the database: their
profiles with each change, what staff noticed, their learning plans with evidence, a review and
a conversation, and the carer invitations (``demo.personalisation`` calls these, after the
places; ``clock`` is its ``_Clock``, ``takes`` its participations by opportunity and pupil)."""

import hashlib
import random
from datetime import timedelta

from risingtide.demo.personalisation_text import HANDFUL
from risingtide.families.models import Invitation
from risingtide.feedback.models import Comment
from risingtide.learners.models import LearnerProfile, Observation, ProfileChange
from risingtide.learning_plans.models import Evidence, LearningPlan, Message, Review, Target
from risingtide.opportunities import places
from risingtide.people.models import Membership, Role, User
from risingtide.portfolios.models import Item
from risingtide.register.models import Pupil

# Invitation codes as families.codes makes them: twelve characters that cannot be misread.
CODE_ALPHABET = "ABCDEFGHJKMNPQRTUVWXYZ2346789"


def _code(rng: random.Random) -> str:
    """A one-time invitation code (only its digest is kept, of the twelve characters)."""
    return "".join(rng.choice(CODE_ALPHABET) for _ in range(12))


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def profiles(handful, guides, staff, clock) -> None:
    """Each pupil of the handful wrote their profile about six weeks ago and changed an answer
    last week; two members of staff noted something since."""
    made, changes, observations = [], [], []
    for voice in HANDFUL:
        pupil = handful.get(voice.slot)
        if pupil is None:
            continue
        me = pupil.account
        profile = LearnerProfile(pupil=pupil, updated_by=me, **voice.profile)
        profile.updated_at = clock.ago(40)
        made.append(profile)
        for n, (field, final) in enumerate(voice.profile.items()):
            first = voice.earlier.get(field, final)
            steps = [("", first, clock.ago(40) + timedelta(minutes=n))]
            if first != final:
                steps.append((first, final, clock.ago(9)))
            for before, after, when in steps:
                change = ProfileChange(
                    profile=profile,
                    field=field,
                    before=before,
                    after=after,
                    changed_by=me,
                    changed_by_name=me.get_full_name(),
                )
                change.when = when
                changes.append(change)
                profile.updated_at = max(profile.updated_at, when)
        for n, (who, text) in enumerate(voice.observations):
            author = guides[pupil.pk] if who == "guide" else staff[who]
            note = Observation(
                pupil=pupil,
                text=text.format(name=pupil.forename),
                author=author,
                author_name=author.get_full_name(),
            )
            note.when = clock.ago(30 - 12 * n)
            observations.append(note)
    LearnerProfile.objects.bulk_create(made)
    ProfileChange.objects.bulk_create(changes)
    Observation.objects.bulk_create(observations)
    LearnerProfile.objects.bulk_update(made, ["updated_at"])
    _when(changes, "changed_at")
    _when(observations, "created_at")


def _when(rows: list, field: str) -> None:
    """Insert stamps "now" on automatic times: put back when each row was written."""
    for row in rows:
        setattr(row, field, row.when)
    if rows:
        type(rows[0]).objects.bulk_update(rows, [field])


def _evidence_for(keys, pupil, takes, items, next_steps):
    for key in keys:
        kind, _, what = key.partition(":")
        if kind == "item" and what in items:
            yield {"item": items[what]}
        elif kind == "next_step":
            step = next((c for c in next_steps if c.body.startswith(what)), None)
            if step is not None:
                yield {"next_step": step}
        elif (key, pupil.pk) in takes.rows:
            p = takes.rows[(key, pupil.pk)]
            if p.state in places.HOLDING:
                yield {"participation": p}


def plans(handful, guides, staff, takes, clock) -> None:
    maya = handful["maya"].account
    items = {i.title: i for i in Item.objects.filter(portfolio__members=maya)}
    next_steps = list(Comment.objects.filter(portfolio__members=maya, kind=Comment.Kind.NEXT_STEP))
    made, targets, evidence, reviews, messages = [], [], [], [], []
    for voice in HANDFUL:
        pupil = handful.get(voice.slot)
        if pupil is None:
            continue
        guide, name = guides[pupil.pk], pupil.forename
        reviewed = clock.school_day(clock.today - timedelta(days=110 if voice.overdue else 23))
        due = clock.school_day(reviewed + timedelta(days=103 if voice.overdue else 44))
        plan = LearningPlan(pupil=pupil, next_review_on=due, created_by=guide)
        plan.when = clock.ago(45 if not voice.overdue else 120)
        made.append(plan)
        for n, (text, state, keys) in enumerate(voice.targets):
            target = Target(plan=plan, text=text, state=state, position=n, written_by=pupil.account)
            target.review_on, target.when = due, plan.when + timedelta(days=1)
            targets.append(target)
            for found in _evidence_for(keys, pupil, takes, items, next_steps):
                evidence.append(Evidence(target=target, added_by=guide, **found))
        reviews.append(
            Review(
                plan=plan,
                reviewed_on=reviewed,
                summary=voice.review.format(name=name),
                reviewed_by=guide,
                next_review_on=due,
            )
        )
        family_name = voice.family.format(name=name)
        for days, speaker, text in voice.conversation:
            author = {"pupil": pupil.account, "guide": guide}.get(speaker)
            if speaker == "family" and voice.slot == "maya":
                author = staff["carer"]
            message = Message(
                plan=plan,
                voice=speaker,
                text=text.format(name=name),
                author=author,
                author_name=author.get_full_name() if author else family_name,
            )
            message.when = clock.ago(days)
            messages.append(message)
    LearningPlan.objects.bulk_create(made)
    for model, rows in ((Target, targets), (Evidence, evidence), (Review, reviews)):
        model.objects.bulk_create(rows)  # their parents' ids are read as they go in
    Message.objects.bulk_create(messages)
    for rows in (made, targets, messages):
        _when(rows, "created_at")


def families(school, maya: Pupil, invited: Pupil | None, carer: User, staff, rng, clock):
    """Maya's mum was invited with a code and used it; another family's code is waiting."""
    Membership.objects.create(user=carer, role=Role.CARER, child=maya.account)
    used = Invitation.objects.create(
        pupil=maya,
        code_digest=_digest(_code(rng)),
        relationship="Mother",
        created_by=staff["coordinator"],
        expires_at=clock.ago(16),
        used_at=clock.ago(28),
        used_by=carer,
    )
    used.when = clock.ago(30)
    _when([used], "created_at")
    if invited is not None:
        Invitation.objects.create(
            pupil=invited,
            code_digest=_digest(_code(rng)),
            relationship="Mother",
            created_by=staff["coordinator"],
            expires_at=clock.now + timedelta(days=14),
        )
