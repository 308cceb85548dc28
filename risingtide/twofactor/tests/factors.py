"""Test helpers: give someone an authenticator app or recovery codes, and the app's code now
(computed as the app does, with django-otp's own TOTP)."""

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from risingtide.twofactor import services


def give_app(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


def code(device: TOTPDevice, step: int = 0) -> str:
    """The code the app shows now (``step`` 1: the next one, which a device accepts too, so a
    test can sign in twice within one 30-second step).

    Counted from the device's own drift: when a 30-second step ends between making a code and
    the server checking it, django-otp accepts the code as the previous step and records the app
    as one step behind; the next code must then be counted from there, or it is two ahead."""
    device.refresh_from_db()
    drift = device.drift + step
    number = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift)
    return f"{number:0{device.digits}d}"


def give_codes(user) -> list[str]:
    return services.new_recovery_codes(user)
