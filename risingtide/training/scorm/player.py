"""The SCORM player's side of the house: it runs on another origin (``TRAINING_PLAYER_ORIGIN``)
that has no cookies of the platform's and answers nothing but the player (``middleware``).

A launch is authorised by a capability in the URL's path, signed by the platform and short-
lived: it names one package and the platform page (origin) that may frame it, and opens
nothing but that package's files. The platform page hands the runtime its CMI data and saves
what comes back, through ``postMessage`` (decision 16)."""

import mimetypes
import posixpath
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.http import FileResponse, Http404, HttpRequest

from risingtide.training.models import ScormPackage
from risingtide.training.scorm import packages

SALT = "risingtide.training.scorm.player"
TOKEN_SECONDS = 4 * 3600  # a long lesson; a new launch mints a new one
PREFIX = "/training/player/"

# What a package's files are served as. Anything else is a download-only byte stream.
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".xsd": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".ogg": "audio/ogg",
    ".wav": "audio/wav",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".vtt": "text/vtt; charset=utf-8",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".pdf": "application/pdf",
}


def origin() -> str:
    return settings.TRAINING_PLAYER_ORIGIN


def origin_of(request: HttpRequest) -> str:
    """The origin a request came to (scheme://host[:port]), as the browser sees it."""
    return f"{request.scheme}://{request.META.get('HTTP_HOST', '')}"


def on_player(request: HttpRequest) -> bool:
    configured = origin()
    return bool(configured) and urlsplit(configured).netloc == request.META.get("HTTP_HOST", "")


def mint(package: ScormPackage, platform_origin: str) -> str:
    """A capability to play ``package`` framed by a page of ``platform_origin``."""
    return signing.dumps({"p": package.pk, "o": platform_origin}, salt=SALT, compress=True)


def read(token: str) -> tuple[ScormPackage, str]:
    """The package and platform origin a capability names, or 404 (forged, or expired)."""
    try:
        said = signing.loads(token, salt=SALT, max_age=TOKEN_SECONDS)
        package = ScormPackage.objects.get(pk=int(said["p"]))
        platform = str(said["o"])
    except (signing.BadSignature, KeyError, TypeError, ValueError, ScormPackage.DoesNotExist):
        raise Http404("This player link has expired: open the module again.") from None
    return package, platform


def launch_url(token: str) -> str:
    return f"{origin()}{PREFIX}{token}/"


def wrapper_policy(platform: str) -> str:
    """The player page: our own script only; frames of the player origin; framed by the
    platform page that launched it."""
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        f"frame-src 'self'; frame-ancestors {platform}; base-uri 'none'; form-action 'none'"
    )


def package_policy(platform: str) -> str:
    """A package's own files. Packages are authored elsewhere and often use inline script, so
    it is allowed here: this origin holds nothing of the platform's to steal. Nothing loads
    from anywhere but the package itself; it can be framed only inside the player."""
    return (
        "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:; "
        "font-src 'self' data:; connect-src 'self'; frame-src 'self'; object-src 'none'; "
        f"frame-ancestors 'self' {platform}; base-uri 'self'; form-action 'self'"
    )


def isolate(response, policy: str):
    response["Content-Security-Policy"] = policy
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"  # the capability is in the URL
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, max-age=300"
    response.xframe_options_exempt = True
    return response


def serve_file(package: ScormPackage, platform: str, name: str):
    """One of the package's files, with its type, ``nosniff`` and the package's policy; 404
    for anything outside its folder or not there."""
    parts = name.split("/")
    if not name or "\\" in name or any(p in ("", ".", "..") for p in parts):
        raise Http404
    root = Path(packages.storage().path(package.folder)).resolve()
    path = (root / posixpath.join(*parts)).resolve()
    if root not in path.parents or not path.is_file():
        raise Http404
    suffix = path.suffix.lower()
    mime = TYPES.get(suffix) or "application/octet-stream"
    if suffix not in TYPES and (guessed := mimetypes.guess_type(path.name)[0]):
        # Unknown to us: served as bytes to download, never as something a browser runs.
        mime = (
            "application/octet-stream" if guessed.startswith(("text/", "application/")) else guessed
        )
    response = FileResponse(path.open("rb"), content_type=mime)
    return isolate(response, package_policy(platform))
