"""Settings for Rising Tide, read from the environment (see README, "Configuration").

Every value a deployment may change comes from a ``RISINGTIDE_*`` variable through the typed
helpers of ``lib/env.py``, which fail loudly on a value they cannot read.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF

from risingtide.lib.env import env_bool, env_decimal, env_int, env_list, env_str
from risingtide.lib.keyfile import kept_secret

BASE_DIR = Path(__file__).resolve().parent


DATA_DIR = Path(env_str("RISINGTIDE_DATA_DIR", "var")).resolve()


def _secret_key() -> str:
    """The configured key, or one generated once and kept in the data directory."""
    configured = env_str("RISINGTIDE_SECRET_KEY")
    if configured:
        return configured
    return kept_secret(DATA_DIR / "secret_key")


SECRET_KEY = _secret_key()
# The generated key's file (None when the key comes from the environment): backups carry it.
SECRET_KEY_FILE = None if env_str("RISINGTIDE_SECRET_KEY") else DATA_DIR / "secret_key"
DEBUG = env_bool("RISINGTIDE_DEBUG", False)
# Plain-HTTP runs (the demo, tests) turn this off; production sits behind TLS.
HTTPS = env_bool("RISINGTIDE_HTTPS", not DEBUG)
ALLOWED_HOSTS = env_list("RISINGTIDE_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("RISINGTIDE_CSRF_TRUSTED_ORIGINS", "")
SITE_NAME = env_str("RISINGTIDE_SITE_NAME", "Rising Tide")
# The site's address as people outside reach it: training credentials carry it (their id,
# issuer and verification links), so it must not change once credentials are issued.
PUBLIC_URL = env_str("RISINGTIDE_PUBLIC_URL", "http://localhost:8000").rstrip("/")
# The platform's signing keys for training credentials (private: 0600; made on first use,
# old ones kept so that what they signed still verifies: training/credential_keys.py).
CREDENTIAL_KEY_DIR = Path(
    env_str("RISINGTIDE_CREDENTIAL_KEY_DIR", str(DATA_DIR / "credential_keys"))
)

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
    "risingtide.credits",
    "risingtide.provision",
    "risingtide.training",
    "risingtide.learners",
    "risingtide.opportunities",
    "risingtide.learning_plans",
    "risingtide.families",
    # Two-factor sign-in (twofactor, decision 24): django-otp's devices (TOTP, and static tokens
    # as recovery codes) and passkeys; twofactor owns the pages and the policy.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "risingtide.twofactor",
    "risingtide.sso",
    "risingtide.rostering",
    "risingtide.lti",
    "risingtide.badges",
    "risingtide.backups",  # issue 21: backup and restore
    "risingtide.security",  # issue 21: the site administrator's security overview
    # Above every app that holds personal data (issue 21): subject-access exports, erasure.
    "risingtide.privacy",
    "risingtide.home",
    "risingtide.api",
    "risingtide.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The SCORM player's origin answers only the player (training/scorm/middleware.py).
    "risingtide.training.scorm.middleware.PlayerOriginMiddleware",
    "risingtide.lib.middleware.PermissionsPolicyMiddleware",
    "risingtide.lib.middleware.RequestGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Which device verified this session (django-otp), then: a person whose role or own device
    # asks for a second factor sees nothing else until they give it (twofactor/middleware.py).
    "django_otp.middleware.OTPMiddleware",
    "risingtide.twofactor.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-csp's, with the usual header kept (lib/middleware.py).
    "risingtide.lib.middleware.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "risingtide.urls"
WSGI_APPLICATION = "risingtide.wsgi.application"
AUTH_USER_MODEL = "people.User"
LOGIN_URL = "people:login"
LOGIN_REDIRECT_URL = "home:home"
LOGOUT_REDIRECT_URL = "people:login"

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
                "risingtide.home.header.navigation",
                # After Django's own csrf one: one masked token per request (lib/kept.py).
                "risingtide.lib.kept.csrf",
            ],
            # {% form_fields form %} on every page without a {% load %} (lib/form_fields.py).
            "builtins": ["risingtide.lib.form_fields"],
        },
    },
]
# Django's widget templates, with plain inputs and textareas drawn in Python (lib/widgets.py).
FORM_RENDERER = "risingtide.lib.widgets.Renderer"

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

# Each worker's own memory: right for what is kept here, since every key carries a version read
# from the database in the same request (menus, memberships, kept pages: decision 0015). Room for
# a school's worth of kept boards (20-90 KB each) and menus; the least recently used go first.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": env_int("RISINGTIDE_CACHE_ENTRIES", 2000)},
    }
}
# Several app servers share one Redis for sessions (cached_db), menus and kept pages; Redis
# unreachable is a miss, never an error (decision 29, lib/shared_cache.py).
REDIS_URL = env_str("RISINGTIDE_REDIS_URL")
if REDIS_URL:
    CACHES["default"] = {
        "BACKEND": "risingtide.lib.shared_cache.SharedRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env_str("RISINGTIDE_REDIS_KEY_PREFIX", "rt"),
        "TIMEOUT": env_int("RISINGTIDE_REDIS_TIMEOUT_SECONDS", 3600),
    }
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
    # Refuses a password where the person's school signs in through its provider alone (sso).
    "risingtide.sso.backends.ProviderOnlyBackend",
    "risingtide.people.backends.PersonBackend",  # Django's ModelBackend, lighter to load
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
# Django's database sessions, read with plain SQL (every signed-in request reads one); with a
# shared Redis, read from it first and written to both (the database is the fallback).
SESSION_ENGINE = "risingtide.people.cached_sessions" if REDIS_URL else "risingtide.people.sessions"
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

# SCORM packages play from this origin (scheme://host[:port]), never the platform's own, so a
# package's scripts cannot read the platform's cookies or call its API (decision 16). Empty:
# SCORM modules cannot be played. It must be another host (another site, ideally) that serves
# this same application, e.g. https://player.risingtide-content.example.
TRAINING_PLAYER_ORIGIN = env_str("RISINGTIDE_TRAINING_PLAYER_ORIGIN", "").rstrip("/")

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
        # Only the SCORM player's origin may be framed (decision 16); nothing when there is none.
        "frame-src": [TRAINING_PLAYER_ORIGIN] if TRAINING_PLAYER_ORIGIN else [NONE],
    }
}

# --- Two-factor sign-in (docs/two-factor.md) ---------------------------------------------------
# How long a check of who someone is stays fresh for sensitive acts (exports of pupil data, role
# changes, data-sharing agreements) before they are asked again.
TWO_FACTOR_FRESH_MINUTES = env_int("RISINGTIDE_TWO_FACTOR_FRESH_MINUTES", 15)
OTP_TOTP_ISSUER = "Rising Tide"
# The Django admin never shows a device's secret key (nor, twofactor/admin.py, recovery codes).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Passkeys are a second factor only: never a way to sign in without a password or single sign-on.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_RP_ID = urlsplit(PUBLIC_URL).hostname or "localhost"
OTP_WEBAUTHN_RP_NAME = "Rising Tide"
OTP_WEBAUTHN_ALLOWED_ORIGINS = [PUBLIC_URL]

# --- Static and media files -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("RISINGTIDE_MEDIA_DIR", str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "risingtide.lib.storage.MediaStorage"},
    "staticfiles": {"BACKEND": "risingtide.lib.storage.StaticStorage"},
}
# Several app servers share uploads: MEDIA_DIR on a shared mount, or a bucket (decision 29).
S3_BUCKET = env_str("RISINGTIDE_S3_BUCKET")
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "risingtide.lib.s3_storage.S3MediaStorage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("RISINGTIDE_S3_ENDPOINT_URL") or None,
            "region_name": env_str("RISINGTIDE_S3_REGION") or None,
            "access_key": env_str("RISINGTIDE_S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("RISINGTIDE_S3_SECRET_ACCESS_KEY") or None,
            "location": env_str("RISINGTIDE_S3_PREFIX", "media"),
            # Private objects: never a public URL, never overwritten under the same name.
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
            "addressing_style": env_str("RISINGTIDE_S3_ADDRESSING_STYLE") or None,
        },
    }
# Compress collected files (gzip and Brotli) for whitenoise to serve: right for production,
# where it happens once per release, but it costs a minute of CPU on every collectstatic, which
# `risingtide demo` runs on each start (it turns this off: docs/performance.md, "First run").
STATIC_COMPRESS = env_bool("RISINGTIDE_STATIC_COMPRESS", True)
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

# --- Backups (docs/backup.md) ---------------------------------------------------------------
# Where `risingtide manage backup` writes its archives by default, and where the site
# administrator's security overview looks for the newest one.
BACKUP_DIR = Path(env_str("RISINGTIDE_BACKUP_DIR", str(DATA_DIR / "backups")))
# A newest backup older than this shows as overdue on the security overview.
BACKUP_MAX_AGE_HOURS = env_int("RISINGTIDE_BACKUP_MAX_AGE_HOURS", 26)

# --- Platform limits --------------------------------------------------------------------------
PUPIL_IMPORT_MAX_ROWS = env_int("RISINGTIDE_PUPIL_IMPORT_MAX_ROWS", 1000)
PUPIL_IMPORT_MAX_BYTES = env_int("RISINGTIDE_PUPIL_IMPORT_MAX_BYTES", 2 * 1024 * 1024)
API_TOKEN_DAYS = env_int("RISINGTIDE_API_TOKEN_DAYS", 90)
UPLOAD_MAX_BYTES = env_int("RISINGTIDE_UPLOAD_MAX_MB", 50) * 1024 * 1024
# All the files one portfolio import may write, however many items name them.
PORTFOLIO_IMPORT_MAX_BYTES = env_int("RISINGTIDE_PORTFOLIO_IMPORT_MAX_MB", 1024) * 1024 * 1024
# A OneRoster bundle (rostering): all its files unpacked, and the data rows of any one file.
ROSTER_MAX_UNPACKED_BYTES = env_int("RISINGTIDE_ROSTER_MAX_UNPACKED_MB", 300) * 2**20
ROSTER_MAX_ROWS = env_int("RISINGTIDE_ROSTER_MAX_ROWS", 500_000)
# An import still checking or writing after this long was cut off (its worker killed).
ROSTER_STALLED_MINUTES = env_int("RISINGTIDE_ROSTER_STALLED_MINUTES", 120)
# The same for a pupil-data import and an LA's report run (their worker killed: decision 29).
TASK_STALLED_MINUTES = env_int("RISINGTIDE_TASK_STALLED_MINUTES", 60)
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

# --- E-credits ----------------------------------------------------------------------------------
# What one e-credit is worth in pounds when a provider redeems it (the remittance for finance).
CREDIT_VALUE_GBP = env_decimal("RISINGTIDE_CREDIT_VALUE_GBP", "1.00")

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

# --- Training: SCORM packages -----------------------------------------------------------------
# Unpacked packages live here, outside MEDIA_ROOT (whose sweep would take files no row names).
TRAINING_SCORM_DIR = Path(env_str("RISINGTIDE_TRAINING_SCORM_DIR", str(DATA_DIR / "scorm")))
# What one package may hold once unpacked: files, bytes in all, bytes in one file.
TRAINING_SCORM_MAX_FILES = env_int("RISINGTIDE_TRAINING_SCORM_MAX_FILES", 5000)
TRAINING_SCORM_MAX_UNPACKED_BYTES = (
    env_int("RISINGTIDE_TRAINING_SCORM_MAX_UNPACKED_MB", 500) * 2**20
)
TRAINING_SCORM_MAX_FILE_BYTES = env_int("RISINGTIDE_TRAINING_SCORM_MAX_FILE_MB", 200) * 2**20

# --- Privacy: subject-access exports (issue 21, docs/privacy.md) --------------------------------
# How many days a made export stays for the person who asked to download it; then it is removed.
PRIVACY_EXPORT_DAYS = env_int("RISINGTIDE_PRIVACY_EXPORT_DAYS", 3)
# Retention (docs/privacy.md): years a pupil stays off roll before `risingtide manage purge`
# erases their record; 0 (the default) keeps leavers until the school erases them.
RETENTION_LEAVERS_YEARS = env_int("RISINGTIDE_RETENTION_LEAVERS_YEARS", 0)
# Days an import (pupil data or roster) may wait for its mapping or confirmation before the purge
# cancels it and deletes its file; a finished import's file goes when it finishes.
RETENTION_IMPORT_DAYS = max(1, env_int("RISINGTIDE_RETENTION_IMPORT_DAYS", 14))
# Days a web clipping's saved copy of the page is kept (0: kept); the link and title stay.
RETENTION_SNAPSHOT_DAYS = env_int("RISINGTIDE_RETENTION_SNAPSHOT_DAYS", 0)
# Years audit events are kept (0: for good); the purge records what it took (decision 0031).
RETENTION_AUDIT_YEARS = env_int("RISINGTIDE_RETENTION_AUDIT_YEARS", 0)
