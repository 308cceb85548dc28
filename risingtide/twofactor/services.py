"""What changes in two-factor sign-in: setting up an authenticator app, making recovery codes,
checking a code, removing a device, resetting a person's second factor, and setting a place's
requirement. The acting person comes first; every change a person did not make themself is
audited (never with a secret or a code in it)."""

import re
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.models import MAX_THROTTLE_DELAY_SECONDS
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from risingtide.audit.models import record
from risingtide.twofactor.models import Requirement

RECOVERY_CODES = 10
APP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


@dataclass(frozen=True)
class Checked:
    """The answer to a code: the device that took it, or how long to wait when locked out."""

    device: object | None = None
    wait_seconds: int = 0


def start_app(user) -> TOTPDevice:
    """A new, unconfirmed authenticator-app device (any earlier unfinished one is dropped)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)


def pending_app(user, pk) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, pk=pk, confirmed=False).first()


def confirm_app(user, device: TOTPDevice, code: str) -> Checked:
    """The first code from the app proves it holds the secret: the device is then in use.
    Throttled as every code is."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        if wait_seconds(device) or not device.verify_token(_digits(code)):
            return Checked(wait_seconds=wait_seconds(device))
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return Checked(device=device)


def new_recovery_codes(user) -> list[str]:
    """Ten single-use codes, replacing any earlier ones (shown once: only the codes remain
    in the database, as django-otp keeps them)."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def _digits(code: str) -> str:
    return re.sub(r"\s", "", code or "")


def _recovery(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def wait_seconds(device) -> int:
    """How long a throttled device still refuses codes (django-otp doubles it each failure)."""
    allowed, _ = device.verify_is_allowed()
    if allowed:
        return 0
    passed = (timezone.now() - device.throttling_failure_timestamp).total_seconds()
    needed = min(
        device.get_throttle_factor() * 2 ** (device.throttling_failure_count - 1),
        MAX_THROTTLE_DELAY_SECONDS,
    )
    return max(1, int(needed - passed + 0.999))


def check_code(user, code: str) -> Checked:
    """A code from the app (six digits) or a recovery code (spent when used). Every device is
    throttled by django-otp: a locked one answers how long to wait, and a wrong code there
    is not even tried."""
    app = code and _digits(code).isdigit()
    model = TOTPDevice if app else StaticDevice
    token = _digits(code) if app else _recovery(code)
    wait = 0
    with transaction.atomic():
        for device in model.objects.select_for_update().filter(user=user, confirmed=True):
            locked = wait_seconds(device)
            if locked:
                wait = max(wait, locked)
            elif device.verify_token(token):
                return Checked(device=device)
            else:
                wait = max(wait, wait_seconds(device))
    return Checked(wait_seconds=wait)


def devices(user) -> list:
    """The person's devices in use: apps, passkeys, and their recovery codes."""
    return list(devices_for_user(user))


def remove_device(user, device) -> None:
    if device.user_id != user.pk:
        raise ValueError("Not this person's device")
    device.delete()


def reset(actor, person, school=None) -> int:
    """Remove every device of ``person`` (they lost their phone and their codes): at their next
    sign-in they set up again. Audited, without any detail of the devices."""
    count = 0
    with transaction.atomic():
        for device in devices_for_user(person, confirmed=None):
            device.delete()
            count += 1
        record(actor, "twofactor.reset", person, school=school, devices=count)
    return count


def set_requirement(actor, *, required: bool, include_teachers: bool, school=None, la=None):
    """Require (or stop requiring) a second factor at a school, an LA, or (neither) the site."""
    place = {"school": school} if school else {"local_authority": la} if la else {"site": True}
    with transaction.atomic():
        if required:
            Requirement.objects.update_or_create(
                **place, defaults={"include_teachers": include_teachers, "set_by": actor}
            )
        else:
            Requirement.objects.filter(**place).delete()
        record(
            actor,
            "twofactor.requirement",
            school or la,
            school=school,
            required=required,
            include_teachers=include_teachers and required,
        )


def requirement_at(*, school=None, la=None) -> Requirement | None:
    place = {"school": school} if school else {"local_authority": la} if la else {"site": True}
    return Requirement.objects.filter(**place).first()
