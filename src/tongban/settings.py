"""Django settings, read from ``TONGBAN_*`` environment variables.

The defaults serve a local demo on the embedded SQLite database. With
``TONGBAN_MODE=production`` the process refuses to start on an insecure secret
key, on DEBUG, or without allowed hosts, so a demo configuration can never be
deployed by accident.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("TONGBAN_DATA_DIR", Path.cwd() / "var")).resolve()

DEMO_SECRET_KEY = "tongban-demo-secret-key-not-for-production-use-0123456789abcdef"


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


MODE = os.environ.get("TONGBAN_MODE", "demo").strip().lower()
if MODE not in {"demo", "production"}:
    raise ImproperlyConfigured("TONGBAN_MODE must be 'demo' or 'production'")
IS_PRODUCTION = MODE == "production"

SECRET_KEY = os.environ.get("TONGBAN_SECRET_KEY", DEMO_SECRET_KEY)
DEBUG = _env_bool("TONGBAN_DEBUG", default=not IS_PRODUCTION)
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("TONGBAN_ALLOWED_HOSTS", "" if IS_PRODUCTION else "*").split(",")
    if host.strip()
]

if IS_PRODUCTION:
    # Fail fast: an insecure production process is worse than none.
    if SECRET_KEY == DEMO_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "TONGBAN_SECRET_KEY must be set to a random value of at least 50 characters in production"
        )
    if DEBUG:
        raise ImproperlyConfigured("TONGBAN_DEBUG must be off in production")
    if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
        raise ImproperlyConfigured("TONGBAN_ALLOWED_HOSTS must list the served host names in production")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # serves its own Swagger UI files: no CDN
    "django_htmx",
    "oauth2_provider",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "tongban.core",
    "tongban.agencies",
    "tongban.identity",
    "tongban.catalogue",
    "tongban.portal",
    "tongban.workbench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tongban.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes requires: it turns lockouts raised during authentication into responses.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tongban.urls"
WSGI_APPLICATION = "tongban.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# An empty variable counts as unset, so `TONGBAN_DATABASE_URL= cmd` selects the default.
DATABASE_URL = os.environ.get("TONGBAN_DATABASE_URL") or f"sqlite:///{DATA_DIR / 'tongban.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run beside the single writer; IMMEDIATE takes the write
        # lock at BEGIN so select_for_update-style transitions serialise cleanly.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TONGBAN_TEST_SQLITE_NAME", "")}
else:
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TONGBAN_TEST_DATABASE_NAME", "test_tongban")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "identity.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses locked-out credentials before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "workbench:login"
LOGIN_REDIRECT_URL = "workbench:home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TONGBAN_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Security defaults: on in every mode; HTTPS-only cookies in production.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = IS_PRODUCTION
CSRF_COOKIE_SECURE = IS_PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if IS_PRODUCTION:
    SECURE_SSL_REDIRECT = _env_bool("TONGBAN_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 31536000
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'self'"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TONGBAN_LOG_LEVEL", "INFO")},
}

# Personal data keys (core/crypto.py): derived from the secret key in demo mode, required in production.
TONGBAN_FIELD_KEYS = os.environ.get("TONGBAN_FIELD_KEYS", "")
TONGBAN_LOOKUP_KEY = os.environ.get("TONGBAN_LOOKUP_KEY", "")
if IS_PRODUCTION and not (TONGBAN_FIELD_KEYS and TONGBAN_LOOKUP_KEY):
    raise ImproperlyConfigured("TONGBAN_FIELD_KEYS and TONGBAN_LOOKUP_KEY must be set in production")

# Outside systems (DESIGN.md "Layout": adapters with sandboxes, chosen by configuration).
TONGBAN_ADAPTERS = {
    "sms": os.environ.get("TONGBAN_SMS_GATEWAY", "tongban.core.sms.SandboxSmsGateway"),
    "population_registry": os.environ.get(
        "TONGBAN_POPULATION_REGISTRY", "tongban.identity.adapters.sandbox.SandboxPopulationRegistry"
    ),
    "exit_entry_registry": os.environ.get(
        "TONGBAN_EXIT_ENTRY_REGISTRY", "tongban.identity.adapters.sandbox.SandboxExitEntryRegistry"
    ),
    "bank_card": os.environ.get("TONGBAN_BANK_CARD_VERIFIER", "tongban.identity.adapters.sandbox.SandboxBankCardVerifier"),
    "face": os.environ.get("TONGBAN_FACE_VERIFIER", "tongban.identity.adapters.sandbox.SandboxFaceVerifier"),
    "legal_person_registry": os.environ.get(
        "TONGBAN_LEGAL_PERSON_REGISTRY", "tongban.identity.adapters.sandbox.SandboxLegalPersonRegistry"
    ),
}
if IS_PRODUCTION and any(".sandbox." in path or "Sandbox" in path for path in TONGBAN_ADAPTERS.values()):
    # A sandbox answers "verified" for made-up people: never in production.
    if not _env_bool("TONGBAN_ALLOW_SANDBOX_ADAPTERS", False):
        raise ImproperlyConfigured("production needs real adapters (TONGBAN_SMS_GATEWAY, …) instead of sandboxes")

# --- OpenID Connect provider (identity/oidc) -------------------------------------
# --- end OpenID Connect provider ---------------------------------------------------

# --- Staff hardening: second factor, lockout, session lifetime --------------------
# --- end staff hardening ----------------------------------------------------------

# "auto" picks PostgreSQL full-text search on PostgreSQL and FTS5 on SQLite.
TONGBAN_SEARCH_BACKEND = os.environ.get("TONGBAN_SEARCH_BACKEND", "auto")
