"""The one settings module: every value comes from the environment (see README, "Configuration").

Production is the default (``MESOCLINIC_DEBUG`` off), and production refuses to start without a
real secret key, so a forgotten variable stops the process instead of weakening it.
"""

from __future__ import annotations

import os
import warnings
import zoneinfo
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from mesoclinic.env import (
    data_dir,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_proxy_ssl_header,
    env_secret,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("MESOCLINIC_DEBUG", default=False)

# Allowed only with DEBUG on. Django's deploy check flags the "django-insecure" prefix too.
DEVELOPMENT_SECRET_KEY = "django-insecure-mesoclinic-development-key-never-use-in-production"  # noqa: S105 - a public, named placeholder that production refuses


def _secret_key(*, debug: bool) -> str:
    key = env_secret("MESOCLINIC_SECRET_KEY")
    if debug:
        return key or DEVELOPMENT_SECRET_KEY
    advice = (
        "production (MESOCLINIC_DEBUG off) needs at least 50 random characters, e.g. from "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`; "
        "for development set MESOCLINIC_DEBUG=1"
    )
    if key is None:
        raise ImproperlyConfigured(f"MESOCLINIC_SECRET_KEY is not set: {advice}")
    if key == DEVELOPMENT_SECRET_KEY or key.startswith("django-insecure"):
        raise ImproperlyConfigured(f"MESOCLINIC_SECRET_KEY is the development key: {advice}")
    if len(key) < 50 or len(set(key)) < 5:
        raise ImproperlyConfigured(
            f"MESOCLINIC_SECRET_KEY is too short or too repetitive ({len(key)} characters): "
            f"{advice}"
        )
    return key


SECRET_KEY = _secret_key(debug=DEBUG)

ALLOWED_HOSTS = env_list("MESOCLINIC_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("MESOCLINIC_CSRF_TRUSTED_ORIGINS")

# Relative paths are taken from the repository root, whatever the working directory.
DATA_DIR = data_dir(BASE_DIR)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Listed so that the API docs page serves Swagger UI from our static files, not a CDN.
    "ninja",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "mesoclinic.core",
    "mesoclinic.accounts",
    "mesoclinic.audit",
    "mesoclinic.patients",
    "mesoclinic.consultations",
    "mesoclinic.consent",
    "mesoclinic.photos",
    "mesoclinic.plans",
    "mesoclinic.scheduling",
    "mesoclinic.public",
    "mesoclinic.enquiries",
    "mesoclinic.ops",
    # Last: the demo clinic stands on every other app.
    "mesoclinic.demo",
]

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "patients:list"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out client is refused before its password is even checked.
    # django-axes' lockout, plus a limit on usernames tried from one address (spraying).
    "mesoclinic.accounts.throttle.SprayThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Argon2id first: new and re-hashed passwords use it; PBKDF2 stays to verify older hashes.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# Login throttling (django-axes): lock the username from that address after 5 failures.
AXES_FAILURE_LIMIT = env_int("MESOCLINIC_LOGIN_FAILURE_LIMIT", 5, min=1)
AXES_COOLOFF_TIME = 0.25  # hours: a locked client may try again after 15 minutes
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Password spraying: failures for this many different usernames from one address within the
# cool-off lock that address out for every username (accounts.throttle).
LOGIN_SPRAY_LIMIT = env_int("MESOCLINIC_LOGIN_SPRAY_LIMIT", 10, min=2)
# The locked-out page (429, Retry-After) for every sign-in form, the admin's included.
# Public enquiries: at most this many sent from one client address per window (enquiries.throttle);
# a form sent faster than the minimum fill time after it was shown is asked again.
ENQUIRY_LIMIT = env_int("MESOCLINIC_ENQUIRY_LIMIT", 5, min=1)
ENQUIRY_WINDOW_SECONDS = env_int("MESOCLINIC_ENQUIRY_WINDOW_SECONDS", 60 * 60, min=60)
ENQUIRY_MIN_FILL_SECONDS = env_int("MESOCLINIC_ENQUIRY_MIN_FILL_SECONDS", 3, min=0)
AXES_LOCKOUT_CALLABLE = "mesoclinic.accounts.lockout.lockout_response"

# Staff sessions: 30 minutes idle, 12 hours at most (accounts.middleware enforces both).
SESSION_IDLE_SECONDS = env_int("MESOCLINIC_SESSION_IDLE_SECONDS", 30 * 60, min=60)
SESSION_ABSOLUTE_SECONDS = env_int("MESOCLINIC_SESSION_ABSOLUTE_SECONDS", 12 * 3600, min=300)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Staff must pass a TOTP second factor; on by default, and always on in production.
MFA_REQUIRED = True if not DEBUG else env_bool("MESOCLINIC_MFA_REQUIRED", default=True)

# Audit events are kept 8 years, the UK Records Management Code's minimum for adults' records
# (after the last entry); the database refuses to delete younger rows (audit.triggers).
AUDIT_RETENTION_DAYS = env_int("MESOCLINIC_AUDIT_RETENTION_DAYS", 8 * 366, min=365)

# The API's docs and schema are for signed-in staff in production (accounts.api_docs).
API_DOCS_PUBLIC = env_bool("MESOCLINIC_API_DOCS_PUBLIC", default=DEBUG)

# Photos and signatures: stored through the storage API, never served from a public URL.
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# WhiteNoise serves static files straight from the apps, so a single process needs no
# collectstatic step or separate web server; the files are few and read at start-up.
WHITENOISE_USE_FINDERS = True
PHOTO_MAX_BYTES = env_int("MESOCLINIC_PHOTO_MAX_BYTES", 15 * 1024 * 1024, min=1024)
PHOTO_MAX_PIXELS = env_int("MESOCLINIC_PHOTO_MAX_PIXELS", 40_000_000, min=10_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

MIDDLEWARE = [
    # First: every later middleware's log lines and answers (redirects included) carry the id.
    "mesoclinic.ops.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "mesoclinic.accounts.middleware.SessionLimitsMiddleware",
    "mesoclinic.accounts.middleware.MfaRequiredMiddleware",
    "mesoclinic.accounts.middleware.PasswordChangeRequiredMiddleware",
    "mesoclinic.audit.context.AuditContextMiddleware",
    "mesoclinic.core.no_store.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "mesoclinic.core.middleware.DomainErrorMiddleware",
    "mesoclinic.ops.middleware.StorageFailureMiddleware",
    # Last, so that it sees the outcome of every other middleware (django-axes' advice).
    "axes.middleware.AxesMiddleware",
]

# Content Security Policy: no inline script or style anywhere, nothing from other origins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

ROOT_URLCONF = "mesoclinic.urls"
WSGI_APPLICATION = "mesoclinic.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "mesoclinic" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # The form kit's filters (error_summary) in every template, no {% load %} needed.
            "builtins": ["mesoclinic.core.templatetags.form_kit"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mesoclinic.accounts.context_processors.capabilities",
                "mesoclinic.core.context_processors.navigation",
                "mesoclinic.enquiries.context_processors.new_enquiries",
            ],
        },
    },
]


def _databases() -> dict[str, dict[str, Any]]:
    url = env_str("DATABASE_URL")
    if url:
        try:
            config = dj_database_url.parse(
                url,
                conn_max_age=env_int("MESOCLINIC_DB_CONN_MAX_AGE", 60, min=0),
                conn_health_checks=True,
            )
        except ValueError as error:
            raise ImproperlyConfigured(f"DATABASE_URL cannot be used: {error}") from None
        return {"default": dict(config)}
    # SQLite is embedded: its directory must exist before the first connection.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "mesoclinic.sqlite3",
            "OPTIONS": {
                # Take the write lock at BEGIN, so a transaction that reads then writes waits
                # for the lock instead of failing with "database is locked" half-way.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                # WAL lets readers run beside the writer; NORMAL is durable in WAL mode except
                # for the last transactions on power loss, never corrupting.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA busy_timeout=20000; PRAGMA foreign_keys=ON;"
                ),
            },
            # Tests use a file too, not Django's shared in-memory database: in that one a
            # second writer fails at once ("database table is locked") instead of waiting its
            # turn as it does in production, so concurrent tests would measure the wrong thing.
            "TEST": {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")},
        }
    }


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
USE_I18N = True
# Stored datetimes are UTC (USE_TZ); TIME_ZONE is the clinic's zone, used only at the edges.
USE_TZ = True
TIME_ZONE = env_str("MESOCLINIC_TIME_ZONE", "Europe/London")
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(
        f"MESOCLINIC_TIME_ZONE={TIME_ZONE!r} is not an IANA time zone, e.g. Europe/London"
    ) from None

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# WhiteNoise serves from the apps (WHITENOISE_USE_FINDERS), so an absent STATIC_ROOT (no
# collectstatic run) is normal; its start-up warning about it is noise.
# The warning is attributed to Django's handler module that builds the middleware, so it is
# matched by its message alone.
warnings.filterwarnings("ignore", message="No directory at:", category=UserWarning)

# --- HTTPS and browser hardening (production only: runserver speaks plain HTTP) ---------------
SECURE_PROXY_SSL_HEADER = env_proxy_ssl_header("MESOCLINIC_SECURE_PROXY_SSL_HEADER")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("MESOCLINIC_SECURE_SSL_REDIRECT", default=True)
    # A load balancer probes /health and /ready over plain HTTP inside the private network.
    SECURE_REDIRECT_EXEMPT = [r"^health$", r"^ready$"]
    SECURE_HSTS_SECONDS = env_int("MESOCLINIC_HSTS_SECONDS", 31_536_000, min=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host-: the browser accepts the cookie only from HTTPS, for path /, with no Domain, so
    # neither a subdomain nor a plain-HTTP page can set or overwrite it.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# --- Logging: one JSON object per line on stderr, where the process supervisor collects it -----
LOG_LEVEL = env_choice(
    "MESOCLINIC_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
)
# `plain` is for a developer's terminal; production and the tests write JSON (mesoclinic.ops.logs).
LOG_FORMAT = env_choice("MESOCLINIC_LOG_FORMAT", "json", ("json", "plain"))
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "mesoclinic.ops.logs.JsonFormatter"},
        "plain": {"()": "mesoclinic.ops.logs.PlainFormatter"},
    },
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
    # Replaces Django's default "django" logger, whose console handler would print twice.
    "loggers": {
        "django": {"handlers": ["stderr"], "level": LOG_LEVEL, "propagate": False},
        # The access line per request comes from mesoclinic.access; Django's own repeats 4xx/5xx
        # with the full request (query string included) attached.
        "django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
        # The development server logs each request line, query string included.
        "django.server": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        # gunicorn's own lines (`mesoclinic serve` hands it this configuration).
        "gunicorn.error": {"handlers": ["stderr"], "level": LOG_LEVEL, "propagate": False},
        # django-axes reports every reset of the failure counter at INFO; lockouts are WARNING.
        "axes": {"level": "WARNING"},
    },
}

# --- Serving (`mesoclinic serve`: gunicorn) -------------------------------------------------
SERVE_BIND = env_str("MESOCLINIC_BIND", "127.0.0.1:8000")
# gunicorn's advice for sync workers: two per core plus one (cores this process may use).
SERVE_WORKERS = env_int("MESOCLINIC_WEB_WORKERS", 2 * len(os.sched_getaffinity(0)) + 1, min=1)
SERVE_THREADS = env_int("MESOCLINIC_WEB_THREADS", 1, min=1, max=64)
SERVE_TIMEOUT = env_int("MESOCLINIC_WEB_TIMEOUT", 30, min=5)

# --- Error reports (Sentry's SDK), off unless a DSN is given ---------------------------------
SENTRY_DSN = env_secret("MESOCLINIC_SENTRY_DSN")
SENTRY_ENVIRONMENT = env_str("MESOCLINIC_SENTRY_ENVIRONMENT", "production")

# --- Backups (`mesoclinic backup` / `restore`) ----------------------------------------------
# A Fernet key (`mesoclinic backup --new-key` prints one): backups are encrypted when it is set.
BACKUP_KEY = env_secret("MESOCLINIC_BACKUP_KEY")
