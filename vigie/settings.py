"""Vigie settings: one module, read top to bottom, every knob from the environment.

Environments (``VIGIE_ENV``):
- ``development`` (default): DEBUG on, a throw-away secret key, SQLite under ``var/``.
- ``production``: DEBUG off, ``SECRET_KEY`` and ``ALLOWED_HOSTS`` required, HTTPS-only cookies, HSTS.
- ``test``: set by the test suite; fast password hashing, tasks run immediately.

The database is SQLite under ``VIGIE_DATA_DIR`` (``var/`` by default) unless ``DATABASE_URL`` is set
(``postgres://user@host:5432/name`` or ``sqlite:///path``).
"""

import ipaddress
import os
import sys
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from vigie.common.limits import parse_setting as parse_upload_limits

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


VIGIE_ENV = env("VIGIE_ENV", "test" if "pytest" in sys.modules else "development")
if VIGIE_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured(f"VIGIE_ENV must be development, production or test, not {VIGIE_ENV!r}")
PRODUCTION = VIGIE_ENV == "production"
TESTING = VIGIE_ENV == "test"

DEBUG = env_bool("DEBUG", default=VIGIE_ENV == "development")

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when VIGIE_ENV=production")
    SECRET_KEY = "insecure-development-key-never-use-in-production-" + "x" * 20  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when VIGIE_ENV=production")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Where ``vigie serve`` (and so ``make run``) listens: ``PORT`` as hosting platforms set it, ``VIGIE_HOST``.
SERVE_HOST = env("VIGIE_HOST", "127.0.0.1")
try:
    SERVE_PORT = int(env("PORT", "8000"))
except ValueError:
    raise ImproperlyConfigured(f"PORT must be a port number, not {env('PORT')!r}") from None

# Public address of this installation, used in e-mails (password reset, invitations, reminders).
SITE_URL = env("SITE_URL", f"http://{SERVE_HOST}:{SERVE_PORT}").rstrip("/")

DATA_DIR = Path(env("VIGIE_DATA_DIR", str(BASE_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "vigie.common",
    "vigie.core",
    "vigie.accounts",
    "vigie.audit",
    "vigie.breaches",
    "vigie.documents",
    "vigie.campaigns",
    "vigie.leaks",
    "vigie.incidents",
    "vigie.compliance",
    "vigie.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before any view reads the body (CSRF reads the form), after the user is known (no-store on their pages).
    "vigie.core.middleware.PrivateResponsesMiddleware",
    "vigie.core.middleware.RequestSizeLimitMiddleware",
    "vigie.core.middleware.NoNulCharactersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "vigie.accounts.middleware.SecondFactorRequiredMiddleware",
    # Last, so that it sees the outcome of every login attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "vigie.urls"
WSGI_APPLICATION = "vigie.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vigie.core.context_processors.vigie",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------------
# SQLite by default: WAL so that readers never block the writer, a busy timeout instead of "database is
# locked", and IMMEDIATE transactions so that a write transaction takes the lock up front rather than
# failing half-way when a second writer appears (the task worker runs beside the web server).
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
    "transaction_mode": "IMMEDIATE",
}
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
        DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "vigie.sqlite3"),
            "OPTIONS": dict(SQLITE_OPTIONS),
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and sign-in --------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out user before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; the tests only need a hasher that works.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60  # one hour

# The reverse proxies in front of Vigie (addresses or networks, e.g. "127.0.0.1,10.0.0.0/24"): only when the
# request comes from one of them is X-Forwarded-For believed, for the lockout and the access log (vigie/accounts/net.py).
VIGIE_TRUSTED_PROXIES = env_list("VIGIE_TRUSTED_PROXIES")
for _proxy in VIGIE_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"VIGIE_TRUSTED_PROXIES: {_proxy!r} is not an address or a network") from None

# Lockout: five failures for one account from one address lock that account *from that address* for 30 minutes;
# the same account signs in from any other address (docs/security.md: lockout without lock-in).
AXES_CLIENT_IP_CALLABLE = "vigie.accounts.net.client_ip"
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(env("AXES_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "Vigie"

# Sessions end after 8 hours, or when the browser closes; activity does not extend them beyond that.
SESSION_COOKIE_AGE = int(env("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- Security headers --------------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preload is on so that the deployment checklist is clean; set SECURE_HSTS_PRELOAD=false for a domain
    # whose other sub-domains are not all served over HTTPS.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# Strict Content-Security-Policy: no inline script or style, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
    },
}

# --- Internationalisation --------------------------------------------------------------------------------
LANGUAGE_CODE = "fr"
# Each app keeps its own catalogue in <app>/locale/fr/LC_MESSAGES/django.po (English msgids).
LANGUAGES = [("fr", "Français"), ("en", "English")]
# The language of the command line's messages (`vigie …`): fr or en. Records (journals, documents) stay French.
VIGIE_LANGUAGE = env("VIGIE_LANGUAGE", "fr").strip().lower() or "fr"
if VIGIE_LANGUAGE not in dict(LANGUAGES):
    raise ImproperlyConfigured(f"VIGIE_LANGUAGE must be one of {', '.join(dict(LANGUAGES))}, not {VIGIE_LANGUAGE!r}.")
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static files ----------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns at every start when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = DATA_DIR / "media"
# Request bodies (vigie/core/middleware.py): a page without a file field takes at most DATA_UPLOAD_MAX_MEMORY_SIZE
# (+1 MiB of form); an upload page at most VIGIE_MAX_UPLOAD_BYTES per file (+1 MiB). A larger Content-Length is
# refused with 413 before a byte is read; the reverse proxy should refuse it first (docs/security.md).
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
VIGIE_MAX_UPLOAD_BYTES = int(env("VIGIE_MAX_UPLOAD_BYTES", str(200 * 1024 * 1024)))  # the importers' file limit
# Limits of the file readers (sizes, rows, columns, XLSX archive, JSON depth…; vigie/common/limits.py and
# docs/security.md): "rows=2000000,xlsx_cells=4000000" overrides those named, the others keep their defaults;
# file_bytes is VIGIE_MAX_UPLOAD_BYTES unless named.
VIGIE_UPLOAD_LIMITS = {"file_bytes": VIGIE_MAX_UPLOAD_BYTES, **parse_upload_limits(env("VIGIE_UPLOAD_LIMITS"))}

# --- Background tasks ------------------------------------------------------------------------------------
# Django's Tasks API with the database backend: any number of `vigie worker` processes, on any number of
# machines, share the queue in the database. In tests, tasks run immediately in the calling thread.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING or env_bool("VIGIE_TASKS_IMMEDIATE")
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}

# --- E-mail ----------------------------------------------------------------------------------------------
# SMTP in production, and wherever a mail server is named (``EMAIL_HOST``); otherwise the console (development).
# Campaigns refuse to start on a backend that delivers nothing (console, locmem, file, dummy) unless the start
# is an explicit rehearsal (``vigie.campaigns.mail.delivers``).
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION or env("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Vigie <vigie@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Logging ---------------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING" if TESTING else "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # One line per task is too much beside the development server; raise it when debugging a worker.
        "django_tasks": {"level": env("TASKS_LOG_LEVEL", "WARNING")},
        "django_tasks_db": {"level": env("TASKS_LOG_LEVEL", "WARNING")},
    },
}

# --- Campaigns: informing the affected persons (vigie/campaigns) ------------------------------------------
# Key(s) encrypting the persons' personal data at rest (AES-256-GCM): ``VIGIE_DATA_KEY`` (base64 of 32 bytes;
# several comma-separated during a rotation, the first one encrypts) or ``VIGIE_DATA_KEY_FILE`` (one key per
# line). Neither set: development creates ``var/data.key`` (0600) on first use; production refuses to start a
# campaign. The key never goes into the database.
VIGIE_DATA_KEY = env("VIGIE_DATA_KEY")
VIGIE_DATA_KEY_FILE = env("VIGIE_DATA_KEY_FILE")
# The Django e-mail backend of campaigns (default: EMAIL_BACKEND). An Anymail backend works by configuration.
VIGIE_CAMPAIGN_EMAIL_BACKEND = env("VIGIE_CAMPAIGN_EMAIL_BACKEND", EMAIL_BACKEND)
VIGIE_CAMPAIGN_FROM_EMAIL = env("VIGIE_CAMPAIGN_FROM_EMAIL", DEFAULT_FROM_EMAIL)
VIGIE_CAMPAIGN_RATE = float(env("VIGIE_CAMPAIGN_RATE", "50"))  # e-mails per second, per campaign; 0 = no limit
VIGIE_CAMPAIGN_SENDERS = int(env("VIGIE_CAMPAIGN_SENDERS", "2"))  # parallel dispatch tasks (one connection each)
VIGIE_CAMPAIGN_MAX_ATTEMPTS = int(env("VIGIE_CAMPAIGN_MAX_ATTEMPTS", "5"))
VIGIE_CAMPAIGN_RETRY_SECONDS = float(env("VIGIE_CAMPAIGN_RETRY_SECONDS", "60"))  # first back-off, then doubled
VIGIE_CAMPAIGN_LEASE_SECONDS = float(env("VIGIE_CAMPAIGN_LEASE_SECONDS", "60"))  # a crashed sender's claim expires
VIGIE_CAMPAIGN_IMPORT_STALE_SECONDS = float(env("VIGIE_CAMPAIGN_IMPORT_STALE_SECONDS", "300"))  # then it died
# Every socket operation of a campaign's SMTP connection: a server silent this long has failed, and the campaign
# pauses (rather than each recipient costing the wait).
VIGIE_CAMPAIGN_SMTP_TIMEOUT = float(env("VIGIE_CAMPAIGN_SMTP_TIMEOUT", "30"))
# A database error (locked, connection lost) in a sender is retried this many times, waiting 0.5 s, 1 s, 2 s…
VIGIE_CAMPAIGN_DB_RETRIES = int(env("VIGIE_CAMPAIGN_DB_RETRIES", "6"))
# The campaign watch (a periodic task while campaigns run): recipients left "being sent" by a dead sender this
# long after their claim expired, or a running campaign with nobody sending, get their senders queued again.
VIGIE_CAMPAIGN_WATCH_SECONDS = float(env("VIGIE_CAMPAIGN_WATCH_SECONDS", "60"))
VIGIE_CAMPAIGN_STUCK_SECONDS = float(env("VIGIE_CAMPAIGN_STUCK_SECONDS", "300"))
VIGIE_CAMPAIGN_LETTERS_PER_FILE = int(env("VIGIE_CAMPAIGN_LETTERS_PER_FILE", "1000"))
# The split of a leaked file between an incident's controllers (vigie/incidents): each controller's rows are validated
# and encrypted in this many forked processes (at most one per core) when the file has this many rows or more.
VIGIE_SPLIT_PROCESSES = int(env("VIGIE_SPLIT_PROCESSES", "2"))
VIGIE_SPLIT_PARALLEL_ROWS = int(env("VIGIE_SPLIT_PARALLEL_ROWS", "20000"))
VIGIE_CAMPAIGN_RETENTION_DAYS = int(env("VIGIE_CAMPAIGN_RETENTION_DAYS", "90"))  # then the persons' data is purged
VIGIE_SMS_BACKEND = env("VIGIE_SMS_BACKEND")  # dotted path of an SMS provider class; unset = no SMS channel
VIGIE_SMS_SENDER = env("VIGIE_SMS_SENDER", "")  # alphanumeric sender ID, at most 11 characters (ARCEP)

# --- Access log (vigie/audit) ---------------------------------------------------------------------------------
# The key of the log's HMAC chain (never in the database): set it in production, apart from SECRET_KEY, so that
# rotating SECRET_KEY leaves the log verifiable; unset, it is derived from SECRET_KEY.
VIGIE_AUDIT_KEY = env("VIGIE_AUDIT_KEY")
# Signed checkpoints of the chain's head, outside the database (best on another disk or machine): written by
# `vigie audit checkpoint` and by the workers every VIGIE_AUDIT_CHECKPOINT_SECONDS; `vigie audit verify` reads them.
VIGIE_AUDIT_CHECKPOINT_FILE = Path(env("VIGIE_AUDIT_CHECKPOINT_FILE", str(DATA_DIR / "audit-checkpoints.jsonl")))
if TESTING:  # the test databases are throw-away: so are their checkpoints, never those of var/
    VIGIE_AUDIT_CHECKPOINT_FILE = Path(tempfile.gettempdir()) / f"vigie-test-audit-checkpoints-{os.getpid()}.jsonl"
VIGIE_AUDIT_CHECKPOINT_SECONDS = float(env("VIGIE_AUDIT_CHECKPOINT_SECONDS", "3600"))

# --- API and webhooks (vigie/api) ----------------------------------------------------------------------------
# Requests per minute and per token; counted in Django's cache (per process with the default local-memory cache).
VIGIE_API_RATE = int(env("VIGIE_API_RATE", "300"))
# Public notice pages (the poster's QR code) one IP address may open per minute; 0 = no limit. A patient opens
# one; a script trying tokens is slowed down (the 128-bit token already makes guessing hopeless).
VIGIE_NOTICE_RATE = int(env("VIGIE_NOTICE_RATE", "30"))
# Webhooks: addresses that are not public are refused (SSRF) unless their network is listed here, e.g.
# "10.0.0.0/8" for an intranet SIEM; plain http only where allowed (never by default in production).
VIGIE_WEBHOOK_ALLOWED_NETWORKS = env_list("VIGIE_WEBHOOK_ALLOWED_NETWORKS")
VIGIE_WEBHOOK_ALLOW_HTTP = env_bool("VIGIE_WEBHOOK_ALLOW_HTTP", not PRODUCTION)
VIGIE_WEBHOOK_TIMEOUT = float(env("VIGIE_WEBHOOK_TIMEOUT", "10"))  # seconds to connect, then to answer
# Delays between tries, in seconds: a delivery is tried once, then once after each delay, then given up.
VIGIE_WEBHOOK_RETRY_SECONDS = [float(s) for s in env_list("VIGIE_WEBHOOK_RETRY_SECONDS", "5,60,300,1800,7200,21600")]
VIGIE_WEBHOOK_TICK_SECONDS = float(env("VIGIE_WEBHOOK_TICK_SECONDS", "60"))  # the clock of deadline events
VIGIE_WEBHOOK_LOG_DAYS = int(env("VIGIE_WEBHOOK_LOG_DAYS", "30"))  # then a delivery leaves the delivery log
