"""Settings for Rising Tide, read from the environment (see README, "Configuration").

Every value a deployment may change comes from a ``RISINGTIDE_*`` variable through the typed
helpers below, which fail loudly on a value they cannot read.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DATA_DIR = Path(env_str("RISINGTIDE_DATA_DIR", "var")).resolve()


def _secret_key() -> str:
    """The configured key, or one generated once and kept in the data directory."""
    configured = env_str("RISINGTIDE_SECRET_KEY")
    if configured:
        return configured
    path = DATA_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


SECRET_KEY = _secret_key()
DEBUG = env_bool("RISINGTIDE_DEBUG", False)
# Plain-HTTP runs (the demo, tests) turn this off; production sits behind TLS.
HTTPS = env_bool("RISINGTIDE_HTTPS", not DEBUG)
ALLOWED_HOSTS = env_list("RISINGTIDE_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("RISINGTIDE_CSRF_TRUSTED_ORIGINS", "")
SITE_NAME = env_str("RISINGTIDE_SITE_NAME", "Rising Tide")

INSTALLED_APPS = [
    "risingtide.home.apps.RisingTideAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # its Swagger UI from static files, not a CDN
    "risingtide.schools",
    "risingtide.people",
    "risingtide.access",
    "risingtide.audit",
    "risingtide.tasc",
    "risingtide.portfolios",
    "risingtide.feedback",
    "risingtide.transfer",
    "risingtide.library",
    "risingtide.register",
    "risingtide.insights",
    "risingtide.standards",
    "risingtide.home",
    "risingtide.api",
    "risingtide.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "risingtide.lib.middleware.PermissionsPolicyMiddleware",
    "risingtide.lib.middleware.RequestGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "risingtide.urls"
WSGI_APPLICATION = "risingtide.wsgi.application"
AUTH_USER_MODEL = "people.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "risingtide.home.context.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("RISINGTIDE_DATABASE_URL") or f"sqlite:///{DATA_DIR / 'risingtide.sqlite3'}"
_is_sqlite = DATABASE_URL.startswith("sqlite")
# Keep connections: a new PostgreSQL one per request cost as much CPU as the page itself, and
# a new SQLite one reads the whole schema again (2-4 ms a request; docs/performance.md).
# PostgreSQL's are checked before reuse; a SQLite file cannot go away under us.
_db = dj_database_url.parse(
    DATABASE_URL,
    conn_max_age=env_int("RISINGTIDE_DB_CONN_MAX_AGE", 600 if _is_sqlite else 60),
    conn_health_checks=not _is_sqlite,
)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # A classroom of pupils autosaving at once: WAL lets readers run beside the one writer,
    # IMMEDIATE takes the write lock at BEGIN (no deadlock-prone lock upgrades), and the
    # timeout makes a writer wait its turn instead of failing with "database is locked".
    _db["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("RISINGTIDE_SQLITE_TIMEOUT", 10),
    }
    _db["TEST"] = {"NAME": env_str("RISINGTIDE_TEST_SQLITE_NAME") or None}
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Passwords, sign-in and sessions ----------------------------------------------------------
PASSWORD_HASHERS = [
    "risingtide.lib.hashers.ClassroomArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "risingtide.people.throttle.ThrottleBackend",
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lock a username from one address, not a whole address: a school's pupils share one public IP.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env_int("RISINGTIDE_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("RISINGTIDE_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "risingtide.people.throttle.client_ip"
# Wider limits over the same window (risingtide/people/throttle.py).
LOGIN_ACCOUNT_LIMIT = env_int("RISINGTIDE_LOGIN_ACCOUNT_LIMIT", 20)
LOGIN_ADDRESS_LIMIT = env_int("RISINGTIDE_LOGIN_ADDRESS_LIMIT", 100)
AXES_VERBOSE = False

# Shared classroom computers: the session ends with the browser, and after a school day at most.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = env_int("RISINGTIDE_SESSION_HOURS", 8) * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "risingtide.home.views.csrf_failure"

# --- Security headers -------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = env_int("RISINGTIDE_HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
BEHIND_PROXY = env_bool("RISINGTIDE_BEHIND_PROXY", False)
PROXY_COUNT = env_int("RISINGTIDE_PROXY_COUNT", 1)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# No inline script or style anywhere: every page works under this policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Static and media files -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("RISINGTIDE_MEDIA_DIR", str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "risingtide.lib.storage.MediaStorage"},
    "staticfiles": {"BACKEND": "risingtide.lib.storage.StaticStorage"},
}
# Serve straight from the app folders when collectstatic has not run (demo, tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- Email ------------------------------------------------------------------------------------
EMAIL_HOST = env_str("RISINGTIDE_EMAIL_HOST")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("RISINGTIDE_EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("RISINGTIDE_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("RISINGTIDE_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("RISINGTIDE_EMAIL_TLS", True)
DEFAULT_FROM_EMAIL = env_str("RISINGTIDE_EMAIL_FROM", "Rising Tide <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background tasks -------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- Locale -----------------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("RISINGTIDE_TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

# --- Logging ----------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("RISINGTIDE_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Platform limits --------------------------------------------------------------------------
PUPIL_IMPORT_MAX_ROWS = env_int("RISINGTIDE_PUPIL_IMPORT_MAX_ROWS", 1000)
PUPIL_IMPORT_MAX_BYTES = env_int("RISINGTIDE_PUPIL_IMPORT_MAX_BYTES", 2 * 1024 * 1024)
API_TOKEN_DAYS = env_int("RISINGTIDE_API_TOKEN_DAYS", 90)
UPLOAD_MAX_BYTES = env_int("RISINGTIDE_UPLOAD_MAX_MB", 50) * 1024 * 1024
# All the files one portfolio import may write, however many items name them.
PORTFOLIO_IMPORT_MAX_BYTES = env_int("RISINGTIDE_PORTFOLIO_IMPORT_MAX_MB", 1024) * 1024 * 1024
# A pupil's portfolio with no activity for this many days shows as stuck on the teacher's grid.
STUCK_AFTER_DAYS = env_int("RISINGTIDE_STUCK_AFTER_DAYS", 7)
# Tell people by email (through EMAIL_* above) that there is new feedback; off by default:
# many pupils have no address, and the in-app notices are enough.
FEEDBACK_EMAIL = env_bool("RISINGTIDE_FEEDBACK_EMAIL", False)

# --- Register insights ------------------------------------------------------------------------
# Disclosure control for every figure shown outside its own school: counts below the threshold
# show as "c" (with complementary suppression); a rounding base (e.g. 5) rounds the counts
# shown, 0 leaves them exact.
SUPPRESSION_THRESHOLD = env_int("RISINGTIDE_SUPPRESSION_THRESHOLD", 6)
SUPPRESSION_ROUNDING = env_int("RISINGTIDE_SUPPRESSION_ROUNDING", 0)
# A G&T pupil whose attainment falls this many standardised points (or more) below what their
# starting point predicts is on the school's underachievement list (a third of an SD).
UNDERACHIEVEMENT_POINTS = env_int("RISINGTIDE_UNDERACHIEVEMENT_POINTS", 5)

# --- Outbound fetching ------------------------------------------------------------------------
# Web clippings (risingtide/lib/fetch/): one deadline for the whole fetch, redirects included;
# a size cap on the page after decompression; how many redirects to follow.
FETCH_TIMEOUT_SECONDS = env_int("RISINGTIDE_FETCH_TIMEOUT_SECONDS", 10)
FETCH_MAX_BYTES = env_int("RISINGTIDE_FETCH_MAX_BYTES", 5 * 1024 * 1024)
FETCH_MAX_REDIRECTS = env_int("RISINGTIDE_FETCH_MAX_REDIRECTS", 5)
# For tests only: "host:port" entries fetched without the public-address checks, so a browser
# journey can clip a page from a local server ("127.0.0.1:8123", "[::1]:8123"). Leave it empty
# in production: anything listed here is reachable by every pupil who can paste a link.
FETCH_ALLOW_HOSTS = env_list("RISINGTIDE_FETCH_ALLOW_HOSTS", "")
