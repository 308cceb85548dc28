"""What changes for families: a school invites a carer for one pupil with a one-time code,
cancels an invitation or unlinks a carer; a carer redeems a code (making their own account, or
adding a child to the one they have); and what a carer is shown is noted for the pupil.

Nothing links a carer to a child but a code the school made: the code is checked and marked
used in one transaction, by one conditional UPDATE, so of two people racing with one code
exactly one is linked; anything refused changes nothing."""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from risingtide.access.core import can, roles
from risingtide.audit.models import record
from risingtide.families import codes
from risingtide.families.models import Invitation, Shown
from risingtide.people.models import Membership, Role, User
from risingtide.register.models import Pupil

VALID_FOR = timedelta(days=14)
RELATIONSHIP_LIMIT = Invitation._meta.get_field("relationship").max_length
SUMMARY_LIMIT = Shown._meta.get_field("summary").max_length
ASK_AGAIN = "Ask the school for a new one."


def invite(actor: User, pupil: Pupil, relationship: str = "") -> tuple[Invitation, str]:
    """A new invitation for one carer of ``pupil``, and its code: the only time the code exists
    outside the carer's hands (it is kept as a digest)."""
    if not can(actor, "pupil_record.carers", pupil):
        raise PermissionDenied
    relationship = relationship.strip()
    if len(relationship) > RELATIONSHIP_LIMIT:
        raise ValidationError(
            {"relationship": f"Keep the relationship to {RELATIONSHIP_LIMIT} characters."}
        )
    if pupil.account_id is None:
        raise ValidationError(
            f"{pupil} has no Rising Tide account yet, so a carer cannot be linked to them. "
            "Add them to their class first (their teacher can), then invite their carer."
        )
    if not pupil.on_roll:
        raise ValidationError(f"{pupil} is no longer on the school's roll.")
    now = timezone.now()
    with transaction.atomic():
        for _ in range(3):  # a repeated digest would take ~10^17 codes: try again regardless
            code = codes.new_code()
            try:
                with transaction.atomic():
                    invitation = Invitation.objects.create(
                        pupil=pupil,
                        code_digest=codes.digest(code),
                        relationship=relationship,
                        created_by=actor,
                        expires_at=now + VALID_FOR,
                    )
                break
            except IntegrityError:
                continue
        else:  # pragma: no cover - three repeats in a row do not happen
            raise ValidationError("No new code could be made just now: try again.")
        record(actor, "families.invited", invitation, school=pupil.school)
    return invitation, code


def cancel(actor: User, invitation: Invitation) -> Invitation:
    """Cancel an invitation not yet used: its code stops working at once."""
    if not can(actor, "invitation.cancel", invitation):
        raise PermissionDenied
    with transaction.atomic():
        now = timezone.now()
        done = Invitation.objects.filter(
            pk=invitation.pk, used_at__isnull=True, cancelled_at__isnull=True
        ).update(cancelled_at=now)
        if not done:
            found = Invitation.objects.get(pk=invitation.pk)
            raise ValidationError(
                "That invitation was already used: unlink the carer instead."
                if found.used_at
                else "That invitation was already cancelled."
            )
        invitation.cancelled_at = now
        record(actor, "families.invitation_cancelled", invitation, school=invitation.pupil.school)
    return invitation


def unlink(actor: User, pupil: Pupil, carer_id: int) -> User:
    """End one carer's link to ``pupil`` (their account stays; other children stay linked)."""
    if not can(actor, "pupil_record.carers", pupil):
        raise PermissionDenied
    with transaction.atomic():
        link = (
            Membership.objects.select_related("user")
            .filter(role=Role.CARER, child_id=pupil.account_id, user_id=carer_id)
            .first()
            if pupil.account_id
            else None
        )
        if link is None:
            raise ValidationError("That carer is not linked to this pupil (any more).")
        carer = link.user
        link.delete()
        record(actor, "families.unlinked", carer, school=pupil.school, pupil=pupil.pk)
    return carer


@dataclass(frozen=True)
class NewCarer:
    """The account a carer makes for themself on the join page."""

    username: str
    first_name: str
    last_name: str
    email: str
    password: str


def check_new_carer(new: NewCarer) -> None:
    """The account's own checks, before any code is spent: a free username and a password
    Django's validators accept (field names as on the join page)."""
    if User.objects.filter(username__iexact=new.username).exists():
        raise ValidationError({"username": "That sign-in name is taken: choose another."})
    person = User(
        username=new.username,
        first_name=new.first_name,
        last_name=new.last_name,
        email=new.email,
    )
    try:
        password_validation.validate_password(new.password, person)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None


def _why_not(digest: str, now) -> str:
    """The reason a code did not work, in words a parent can act on."""
    found = Invitation.objects.filter(code_digest=digest).first()
    if found is None:
        return (
            "We do not recognise that code. Check it against the school's letter: it has "
            "12 letters and numbers, like ABCD-EFGH-JKMN."
        )
    if found.used_at:
        return f"That code has already been used: each code works once. {ASK_AGAIN}"
    if found.cancelled_at:
        return f"The school cancelled that code. {ASK_AGAIN}"
    expired = timezone.localtime(found.expires_at).strftime("%-d %B %Y")
    return f"That code ran out on {expired} (codes last 14 days). {ASK_AGAIN}"


def is_family_account(user: User) -> bool:
    """May this signed-in account take a code for another child? A carer's account, or one
    that joined with a code before and whose last link was removed; never an account that is,
    or was, a school's (staff, or a pupil's record's), whose roles may simply have been taken
    away."""
    held = roles(user)
    if user.is_staff or user.is_superuser or held - {Role.CARER}:
        return False
    if Role.CARER in held:
        return True
    return (
        Invitation.objects.filter(used_by=user).exists()
        and not Pupil.objects.filter(account=user).exists()
    )


def redeem(code: str, *, carer: User | None = None, new: NewCarer | None = None) -> Membership:
    """Spend a code: link its pupil to ``carer`` (signed in already) or to the ``new`` account
    made here. One transaction: the code is marked used by a conditional UPDATE, so a second
    use (even at the same moment) finds nothing to mark and is refused; any refusal after that
    rolls the mark back."""
    if (carer is None) == (new is None):
        raise ValueError("redeem needs either a carer or a new account")
    if carer is not None and not is_family_account(carer):
        raise ValidationError(
            "You are signed in with a school account. Sign out, then join with a family account."
        )
    if not codes.looks_like_a_code(code):
        raise ValidationError(
            {"code": "A code has 12 letters and numbers, like ABCD-EFGH-JKMN: check it."}
        )
    digest = codes.digest(code)
    now = timezone.now()
    with transaction.atomic():
        spent = Invitation.objects.filter(
            code_digest=digest,
            used_at__isnull=True,
            cancelled_at__isnull=True,
            expires_at__gt=now,
        ).update(used_at=now)
        if spent != 1:
            raise ValidationError({"code": _why_not(digest, now)})
        invitation = Invitation.objects.select_related("pupil__school", "pupil__account").get(
            code_digest=digest
        )
        child = invitation.pupil.account
        if child is None or not child.is_active:
            raise ValidationError(
                {"code": f"This code's pupil has no account at the moment. {ASK_AGAIN}"}
            )
        if carer is None:
            check_new_carer(new)
            try:
                with transaction.atomic():
                    carer = User.objects.create_user(
                        username=new.username,
                        first_name=new.first_name,
                        last_name=new.last_name,
                        email=new.email,
                        password=new.password,
                    )
            except IntegrityError:  # taken between the check and now
                raise ValidationError(
                    {"username": "That sign-in name is taken: choose another."}
                ) from None
        elif Membership.objects.filter(role=Role.CARER, user=carer, child=child).exists():
            raise ValidationError(
                {"code": f"You are already linked to {invitation.pupil.forename}."}
            )
        link = Membership.objects.create(user=carer, role=Role.CARER, child=child)
        Invitation.objects.filter(pk=invitation.pk).update(used_by=carer)
        record(carer, "families.joined", invitation, school=invitation.pupil.school)
    return link


def carer_saw_elsewhere(carer: User, child_id: int, what: str, summary: str) -> None:
    """A carer was shown something of their child on another app's page or in the API
    (``people.events.carer_saw``): kept with what the families pages show them."""
    Shown.objects.create(carer=carer, child_id=child_id, what=what, summary=summary[:SUMMARY_LIMIT])


def note_shown(carer: User, child: User, shown: list[tuple[str, str]]) -> None:
    """What one page view (or API read) showed a carer of their child, one row per kind, in
    one INSERT: the child, from 13, sees the list (``queries.shown_to_family``)."""
    Shown.objects.bulk_create(
        Shown(carer=carer, child=child, what=what, summary=summary[:SUMMARY_LIMIT])
        for what, summary in shown
    )
