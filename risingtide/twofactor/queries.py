"""What the two-factor pages show: a person's devices, a place's staff with whether each has a
second factor (one query, however many staff), who to ask when a phone and codes are lost, and
the set-up picture. Reads only."""

import base64
from dataclasses import dataclass

import qrcode
from django.db.models import Exists, OuterRef
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential
from qrcode.image.svg import SvgPathImage

from risingtide.access.core import anchors, visible
from risingtide.people.models import Membership, Role
from risingtide.twofactor.services import devices


@dataclass(frozen=True)
class DeviceRow:
    persistent_id: str
    kind: str
    name: str
    created: object
    last_used: object
    left: int | None = None  # recovery codes not yet spent


def device_rows(user) -> list[DeviceRow]:
    rows = []
    for device in devices(user):
        if isinstance(device, StaticDevice):
            kind, left = "Recovery codes", device.token_set.count()
        elif isinstance(device, WebAuthnCredential):
            kind, left = "Passkey", None
        else:
            kind, left = "Authenticator app", None
        rows.append(
            DeviceRow(
                device.persistent_id,
                kind,
                device.name,
                getattr(device, "created_at", None),
                getattr(device, "last_used_at", None),
                left,
            )
        )
    return rows


def staff_of(actor, *, school=None, la=None):
    """The staff of a school (or of an LA's schools) the actor may see, with whether each has
    a second factor set up, in one query."""
    where = {"school": school} if school else {"school__local_authority": la}
    ids = Membership.objects.filter(
        role__in=[Role.TEACHER, Role.LEADING_TEACHER, Role.HEAD], **where
    ).values("user_id")
    return (
        visible(actor, "staff_member")
        .filter(pk__in=ids)
        .annotate(
            has_app=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            has_passkey=Exists(
                WebAuthnCredential.objects.filter(user=OuterRef("pk"), confirmed=True)
            ),
        )
        .order_by("last_name", "first_name")
    )


def who_to_ask(user) -> list[tuple[str, str]]:
    """Who can reset this person's second factor: their schools' heads, their LAs' leads (as
    (name, role) pairs); the site administrator is always named in words on the page."""
    places = [a for role, a in anchors(user).items()]
    schools = set().union(*(a.schools for a in places)) if places else set()
    las = set().union(*(a.las for a in places)) if places else set()
    found = (
        Membership.objects.filter(role=Role.HEAD, school__in=schools)
        | Membership.objects.filter(role=Role.LA_LEAD, local_authority__in=las)
    ).select_related("user", "school", "local_authority")
    rows = []
    for m in found.exclude(user=user).order_by("role", "user__last_name"):
        place = m.school or m.local_authority
        rows.append((m.user.get_full_name(), f"{m.get_role_display()}, {place}"))
    return rows


def app_picture(device: TOTPDevice) -> str:
    """The QR code of the app's set-up link, as an SVG data URL (an <img>: no inline SVG
    styles for the content security policy to refuse)."""
    svg = qrcode.make(device.config_url, image_factory=SvgPathImage, box_size=12).to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


def app_secret(device: TOTPDevice) -> str:
    """The secret in the base32 the apps take when typed, in groups of four."""
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
