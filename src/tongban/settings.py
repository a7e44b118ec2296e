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
    "tongban.seals",
    "tongban.licences",
    "tongban.payments",
    "tongban.logistics",
    "tongban.notifications",
    "tongban.catalogue",
    "tongban.cases",
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
    # After messages, so that a session ended for inactivity can say so on the login page.
    "tongban.identity.sessions.SessionLifetimeMiddleware",
    "tongban.identity.sessions.SecondFactorMiddleware",
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
                # acting_grant: the enterprise the session acts for, shown in the page header (ID-4).
                "tongban.identity.context_processors.acting",
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
    # Applicants log in with phone + password (identity/backends.py); staff with username + password.
    "tongban.identity.backends.PhonePasswordBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    # Only for machine-generated client secrets (OAUTH2_PROVIDER["CLIENT_SECRET_HASHER"]), never for people.
    "tongban.identity.oidc.hashers.ClientSecretHasher",
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
# Largest material an applicant may upload (CASE-5), in bytes; 10 MiB unless set.
TONGBAN_UPLOAD_MAX_BYTES = int(os.environ.get("TONGBAN_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))

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
    "bank_card": os.environ.get(
        "TONGBAN_BANK_CARD_VERIFIER", "tongban.identity.adapters.sandbox.SandboxBankCardVerifier"
    ),
    "face": os.environ.get("TONGBAN_FACE_VERIFIER", "tongban.identity.adapters.sandbox.SandboxFaceVerifier"),
    "legal_person_registry": os.environ.get(
        "TONGBAN_LEGAL_PERSON_REGISTRY", "tongban.identity.adapters.sandbox.SandboxLegalPersonRegistry"
    ),
}


def _refuse_sandbox_adapters() -> None:
    """A sandbox answers "verified" for made-up people: never in production (unless a staging site says so)."""
    if (
        IS_PRODUCTION
        and any(".sandbox." in path or "Sandbox" in path for path in TONGBAN_ADAPTERS.values())
        and not _env_bool("TONGBAN_ALLOW_SANDBOX_ADAPTERS", False)
    ):
        raise ImproperlyConfigured("production needs real adapters (TONGBAN_SMS_GATEWAY, …) instead of sandboxes")


_refuse_sandbox_adapters()
# Sandbox failure modes, to rehearse outages: SMS "timeout" or "rejected"; registries "unavailable".
TONGBAN_SMS_SANDBOX_FAILURE = os.environ.get("TONGBAN_SMS_SANDBOX_FAILURE", "")
TONGBAN_REGISTRY_SANDBOX_FAILURE = os.environ.get("TONGBAN_REGISTRY_SANDBOX_FAILURE", "")

# --- OpenID Connect provider (identity/oidc) -------------------------------------
# Agencies' systems sign people in through the platform (ID-2, docs/sso.md): django-oauth-toolkit as an
# OpenID provider at <site>/o (or TONGBAN_OIDC_ISSUER), authorization code flow with PKCE only.
from tongban.identity.oidc import keys as _oidc_keys  # noqa: E402 - standard library and cryptography only

TONGBAN_OIDC_PRIVATE_KEY = os.environ.get("TONGBAN_OIDC_PRIVATE_KEY", "")
if IS_PRODUCTION:
    # A key generated on the server's disk would differ between app servers and vanish with the container.
    if not TONGBAN_OIDC_PRIVATE_KEY.strip():
        raise ImproperlyConfigured(
            "TONGBAN_OIDC_PRIVATE_KEY must hold the OpenID provider's RSA key (PEM) in production"
        )
    _oidc_keys.checked_pem(TONGBAN_OIDC_PRIVATE_KEY, "TONGBAN_OIDC_PRIVATE_KEY")  # fail fast on a malformed key
# The person logs in on the applicant login page; settings.LOGIN_URL is the staff workbench's.
TONGBAN_OIDC_LOGIN_URL = "/account/login/"
# Named so that migrations referring to the toolkit's models resolve (these are the toolkit's defaults).
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_ISS_ENDPOINT": os.environ.get("TONGBAN_OIDC_ISSUER", "").strip().rstrip("/"),
    # Read (or, in demo mode, created) when the first token is signed, not when a command starts.
    "OIDC_RSA_PRIVATE_KEY": _oidc_keys.lazy_private_key(TONGBAN_OIDC_PRIVATE_KEY, DATA_DIR / "oidc/signing-key.pem"),
    "OIDC_SERVER_CLASS": "tongban.identity.oidc.validator.SignOnServer",
    "OAUTH2_VALIDATOR_CLASS": "tongban.identity.oidc.validator.SignOnValidator",
    "SCOPES": {
        "openid": _("确认您的身份（平台账号标识、实名等级、登录方式）"),
        "profile": _("您的姓名（实名核验通过后）"),
        "phone": _("您的手机号码"),
        "enterprise": _("您当前代表的企业及授权范围（统一社会信用代码、企业名称、授权角色）"),
    },
    "DEFAULT_SCOPES": ["openid"],
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OIDC_SUBJECT_TYPES_SUPPORTED": ["pairwise"],
    "OIDC_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": ["client_secret_basic", "client_secret_post", "none"],
    "PKCE_REQUIRED": True,
    "CLIENT_SECRET_HASHER": "tongban_client_secret",
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"] if IS_PRODUCTION else ["https", "http"],
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "ID_TOKEN_EXPIRE_SECONDS": 3600,
    "REQUEST_APPROVAL_PROMPT": "force",  # the consent page every time: the person sees what is shared
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": True,
    "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": True,
    "OIDC_RP_INITIATED_LOGOUT_DELETE_TOKENS": True,
    # RFC 9700 (OAuth 2.0 security best current practice): refuse what it forbids, store tokens hashed.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": IS_PRODUCTION,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
    # No refresh tokens are issued (identity/oidc/validator.py); should that change, replay revokes the family.
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
}
# --- end OpenID Connect provider ---------------------------------------------------

# --- Staff hardening: second factor, lockout, session lifetime --------------------
# Session lifetime (identity/sessions.py): logged out after 30 idle minutes and 12 hours after login.
TONGBAN_SESSION_IDLE_SECONDS = int(os.environ.get("TONGBAN_SESSION_IDLE_MINUTES", "30")) * 60
TONGBAN_SESSION_ABSOLUTE_SECONDS = int(os.environ.get("TONGBAN_SESSION_ABSOLUTE_HOURS", "12")) * 3600
# The middleware decides idleness (and says so on the login page); the engine forgets a session after 12 hours.
SESSION_COOKIE_AGE = TONGBAN_SESSION_ABSOLUTE_SECONDS
# Second factor (identity/services/second_factor.py): every staff account (any role, is_staff or superuser)
# must confirm a TOTP code before any page under these paths opens; the other views named here stay open.
TONGBAN_SECOND_FACTOR_PATHS = ("/workbench/", "/admin/")
TONGBAN_SECOND_FACTOR_URL = "workbench:two_factor"
TONGBAN_SECOND_FACTOR_OPEN_VIEWS = (
    "workbench:login", "workbench:logout", "workbench:two_factor", "workbench:two_factor_enrol", "admin:logout",
)
OTP_TOTP_ISSUER = "通办工作台"
OTP_TOTP_THROTTLE_FACTOR = 1  # django-otp's own back-off: 1, 2, 4, 8 … seconds after each wrong code
# Lockout: 5 wrong passwords (django-axes, per username and per IP address) or 5 wrong TOTP codes lock 15 minutes.
TONGBAN_LOCKOUT_FAILURES = 5
TONGBAN_LOCKOUT_MINUTES = int(os.environ.get("TONGBAN_LOCKOUT_MINUTES", "15"))
AXES_FAILURE_LIMIT = TONGBAN_LOCKOUT_FAILURES
AXES_COOLOFF_TIME = TONGBAN_LOCKOUT_MINUTES / 60  # hours, as django-axes reads a float
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one reaching the limit locks
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tongban.identity.lockout.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# Behind N reverse proxies the client address is the N-th from the right of X-Forwarded-For.
TONGBAN_PROXY_COUNT = int(os.environ.get("TONGBAN_PROXY_COUNT", "0"))
if TONGBAN_PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = TONGBAN_PROXY_COUNT
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
# --- end staff hardening ----------------------------------------------------------

# Each process reads the working-day calendar once per this many seconds (an operator's edit reaches every
# process within it; the editing process sees it at once).
TONGBAN_CALENDAR_CACHE_SECONDS = float(os.environ.get("TONGBAN_CALENDAR_CACHE_SECONDS", "60"))

# "auto" picks PostgreSQL full-text search on PostgreSQL and FTS5 on SQLite.
TONGBAN_SEARCH_BACKEND = os.environ.get("TONGBAN_SEARCH_BACKEND", "auto")

# --- Trust services: seals and licences -------------------------------------------
# Seal keys and the platform CA live under TONGBAN_TRUST_DIR (never in the repository): the CA root is
# created there at first start; keys are PEM files encrypted with the field keys (docs/trust-services.md).
TONGBAN_TRUST_DIR = Path(os.environ.get("TONGBAN_TRUST_DIR", DATA_DIR / "trust")).resolve()
TONGBAN_ADAPTERS.update({
    # The only code that touches seal private keys; an HSM adapter with the same methods replaces it.
    "seal_key_store": os.environ.get("TONGBAN_SEAL_KEY_STORE", "tongban.seals.keystore.FileKeyStore"),
})
# Show tokens (亮证, LIC-3): lifetime in seconds and how many verifications one token allows.
TONGBAN_SHOW_TOKEN_SECONDS = int(os.environ.get("TONGBAN_SHOW_TOKEN_SECONDS", "300"))
TONGBAN_SHOW_TOKEN_MAX_USES = int(os.environ.get("TONGBAN_SHOW_TOKEN_MAX_USES", "3"))
# The address printed in licence QR codes and show tokens (the public verification page lives under it).
TONGBAN_PUBLIC_URL = os.environ.get("TONGBAN_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# --- end trust services -----------------------------------------------------------

# --- Unified payment ----------------------------------------------------------------
# Payment channels offered to payers, in order (PAY-1, docs/payments.md); each code has an adapter role
# payment_channel_<code>. Channel notification keys: TONGBAN_PAYMENT_KEY_<CODE>, else DATA_DIR/payments/.
TONGBAN_PAYMENT_CHANNELS = [code.strip() for code in os.environ.get("TONGBAN_PAYMENT_CHANNELS",
                                                                     "wallet,bankcard").split(",") if code.strip()]
TONGBAN_ADAPTERS.update({
    "payment_channel_wallet": "tongban.payments.channels.sandbox.SandboxWalletChannel",
    "payment_channel_bankcard": "tongban.payments.channels.sandbox.SandboxBankCardChannel",
    # E-receipts are sealed by the collecting agency's e-seal (platform receipt key where it has none).
    "receipt_signer": os.environ.get("TONGBAN_RECEIPT_SIGNER", "tongban.payments.signing.SealReceiptSigner"),
})
# Days a payment order stays payable before it is closed.
TONGBAN_PAYMENT_PERIOD_DAYS = int(os.environ.get("TONGBAN_PAYMENT_PERIOD_DAYS", "15"))
# Sandbox channel faults to rehearse (comma-separated: lose, duplicate, reorder, delay, corrupt) and the delay.
TONGBAN_PAYMENT_SANDBOX_FAULTS = os.environ.get("TONGBAN_PAYMENT_SANDBOX_FAULTS", "")
TONGBAN_PAYMENT_SANDBOX_DELAY = int(os.environ.get("TONGBAN_PAYMENT_SANDBOX_DELAY", "30"))
# --- end payment --------------------------------------------------------------------

# --- Unified logistics --------------------------------------------------------------
# LOG-1 (docs/logistics.md): the courier adapter, its push secrets, and the sandbox's fault switches.
TONGBAN_ADAPTERS.update({
    "courier": os.environ.get("TONGBAN_COURIER", "tongban.logistics.couriers.sandbox.SandboxCourier"),
})
# Per-courier HMAC secrets for signed tracking pushes (a real courier adds its own entry from the environment);
# an empty one is derived from the secret key, which suits only the sandbox.
TONGBAN_COURIER_SECRETS = {"sandbox": os.environ.get("TONGBAN_COURIER_SANDBOX_SECRET", "")}
# Active shipments without news for this long get their tracks queried (lost pushes).
TONGBAN_COURIER_STALL_SECONDS = int(os.environ.get("TONGBAN_COURIER_STALL_SECONDS", str(6 * 3600)))
# Sandbox courier: seconds between tracking steps, the "delay" fault's lateness, the fault switches
# (delay, duplicate, reorder, corrupt_signature, lose, fail_order, timeout_order, returned, fail_query),
# and where it pushes (empty = in process, through the same service as the endpoint).
TONGBAN_COURIER_SANDBOX_STEP_SECONDS = int(os.environ.get("TONGBAN_COURIER_SANDBOX_STEP_SECONDS", "60"))
TONGBAN_COURIER_SANDBOX_DELAY_SECONDS = int(os.environ.get("TONGBAN_COURIER_SANDBOX_DELAY_SECONDS", "600"))
TONGBAN_COURIER_SANDBOX_FAULTS = os.environ.get("TONGBAN_COURIER_SANDBOX_FAULTS", "")
TONGBAN_COURIER_SANDBOX_CALLBACK_URL = os.environ.get("TONGBAN_COURIER_SANDBOX_CALLBACK_URL", "")
# --- end logistics ------------------------------------------------------------------

# Modules above add their adapters to TONGBAN_ADAPTERS: check them all once more.
_refuse_sandbox_adapters()
