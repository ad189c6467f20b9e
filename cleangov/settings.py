"""CleanGov settings, read from the environment.

* No ``DATABASE_URL``: a SQLite file in the data directory (WAL mode).
* ``DATABASE_URL=postgres://...``: PostgreSQL.
* ``CLEANGOV_ENV=production``: refuses to start without a real secret key or with DEBUG on, and
  turns on secure cookies and HSTS.
* DEBUG is off unless asked for (``CLEANGOV_DEBUG=1`` or ``cleangov serve --debug``), in development
  too: a debug page lists every URL pattern and setting to whoever reaches the server.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("CLEANGOV_DATA_DIR", Path.cwd() / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

ENVIRONMENT = os.environ.get("CLEANGOV_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _development_secret() -> str:
    """Generate a secret on first run and keep it in the data directory, never in the repository."""
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


# Off by default everywhere, the demo included: a county server is reached by the whole office
# network, and Django's debug pages show URL patterns, settings and stack frames to anyone.
DEBUG = _env_bool("CLEANGOV_DEBUG", False)
SECRET_KEY = os.environ.get("CLEANGOV_SECRET_KEY") or ("" if PRODUCTION else _development_secret())
# A separate key for hashing identity numbers, so rotating SECRET_KEY never orphans the hashes.
IDENTITY_HASH_KEY = os.environ.get("CLEANGOV_IDENTITY_KEY") or SECRET_KEY

if PRODUCTION:
    if len(SECRET_KEY) < 40 or SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfigured("CLEANGOV_SECRET_KEY must be set to a random string of 40+ characters.")
    if not os.environ.get("CLEANGOV_IDENTITY_KEY"):
        raise ImproperlyConfigured("CLEANGOV_IDENTITY_KEY must be set in production.")
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production (unset CLEANGOV_DEBUG).")

ALLOWED_HOSTS = [h for h in os.environ.get("CLEANGOV_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CLEANGOV_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # Django's widget templates, for the project form renderer (FORM_RENDERER below)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "django_altcha",  # the proof-of-work widget's static files (public forms, cleangov/core/public.py)
    "cleangov.core",
    "cleangov.accounts",
    "cleangov.orgs",
    "cleangov.deadlines",
    "cleangov.duties",
    "cleangov.ledgers",
    # finance before assessment: demo contributors run in this order, and the assessment reads finance metrics.
    "cleangov.finance",
    "cleangov.rectification",
    "cleangov.cases",
    "cleangov.whistleblowing",
    "cleangov.democracy",
    "cleangov.disclosure",
    "cleangov.assessment",
    "cleangov.finance.dashboards",  # dashboards' summary tables (docs/finance-dashboards.md)
]

MIDDLEWARE = [
    # First: a /public/ request loses the visitor's address, user agent and referrer before any
    # other code can log or store them (cleangov/core/public.py).
    "cleangov.core.public.PublicPrivacyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "cleangov.accounts.middleware.TwoFactorEnforcementMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cleangov.urls"
WSGI_APPLICATION = "cleangov.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# One look for every form: cleangov/templates/forms/ (docs/development/README.md, "Shared helpers").
FORM_RENDERER = "cleangov.core.forms.FormRenderer"

# --- Database -----------------------------------------------------------------------------------
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("CLEANGOV_SQLITE_PATH", str(DATA_DIR / "cleangov.sqlite3")),
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so two writers of the audit hash chain
                # can never read the same chain head; WAL lets readers go on meanwhile.
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
            # A file, not memory, so a real worker process started by a test sees the test database.
            "TEST": {"NAME": str(DATA_DIR / "test.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and security ----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
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
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout after repeated failed logins (django-axes): per username and address pair.
AXES_FAILURE_LIMIT = int(os.environ.get("CLEANGOV_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("CLEANGOV_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# Roles whose users must use TOTP two-factor authentication (comma separated role codes).
# Empty by default so the demo stays easy to try; counties switch it on per role.
TWO_FACTOR_REQUIRED_ROLES = [
    r for r in os.environ.get("CLEANGOV_2FA_REQUIRED_ROLES", "").split(",") if r.strip()
]
OTP_TOTP_ISSUER = "CleanGov"

SESSION_COOKIE_AGE = int(os.environ.get("CLEANGOV_SESSION_SECONDS", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env_bool("CLEANGOV_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy: no inline scripts, nothing from other origins (the app works offline).
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        # The ALTCHA proof-of-work (public forms) hashes in Web Workers it creates from blob: URLs of
        # its own same-origin script; without this the widget stays at "Verifying..." for ever.
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = os.environ.get("CLEANGOV_LANGUAGE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("CLEANGOV_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
# WhiteNoise serves straight from the finders (no collectstatic step); it only needs the root to exist.
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# --- Background tasks ---------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get("CLEANGOV_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# A task whose worker has not been seen for this long is recovered: retried while it has attempts
# left, otherwise marked interrupted (cleangov.core.recovery; docs/deployment/README.md).
CLEANGOV_TASK_LEASE_SECONDS = float(os.environ.get("CLEANGOV_TASK_LEASE_SECONDS", "120"))
CLEANGOV_TASK_MAX_ATTEMPTS = int(os.environ.get("CLEANGOV_TASK_MAX_ATTEMPTS", "3"))
# Tests only: seconds to sleep at every progress step, so a test can kill a worker mid-task.
CLEANGOV_TASK_STEP_DELAY = float(os.environ.get("CLEANGOV_TASK_STEP_DELAY", "0"))

# --- Public portal (cleangov/core/public.py) ---------------------------------------------------------
# The proof-of-work's signing key is derived from SECRET_KEY; its difficulty (the largest number the
# browser may have to try; about a second on a cheap phone at the default) is configurable.
CLEANGOV_POW_MAX_NUMBER = int(os.environ.get("CLEANGOV_POW_MAX_NUMBER", 100_000))
ALTCHA_CHALLENGE_EXPIRE = 20 * 60 * 1000  # milliseconds


def _altcha_key():
    import hashlib
    import hmac
    return hmac.new(SECRET_KEY.encode(), b"cleangov.public.altcha", hashlib.sha256).hexdigest()


ALTCHA_HMAC_KEY = _altcha_key()

# --- Reports (cleangov/whistleblowing, docs/whistleblowing.md) ---------------------------------------
# Argon2id cost of receipt codes and handler keys (libsodium's "interactive" level by default: about
# 0.1-0.3 s and 64 MiB per derivation); tests lower it except where they measure it.
CLEANGOV_WB_KDF_OPSLIMIT = int(os.environ.get("CLEANGOV_WB_KDF_OPSLIMIT", 2))
CLEANGOV_WB_KDF_MEMLIMIT = int(os.environ.get("CLEANGOV_WB_KDF_MEMLIMIT", 64 * 1024 * 1024))
CLEANGOV_WB_MAX_FILE_BYTES = int(os.environ.get("CLEANGOV_WB_MAX_FILE_BYTES", 10 * 1024 * 1024))
# A phone photo is 12 to 50 megapixels; more is refused before decoding (a small file can declare billions).
CLEANGOV_WB_MAX_IMAGE_PIXELS = int(os.environ.get("CLEANGOV_WB_MAX_IMAGE_PIXELS", 60_000_000))
CLEANGOV_WB_MAX_REQUEST_BYTES = int(os.environ.get("CLEANGOV_WB_MAX_REQUEST_BYTES", 30 * 1024 * 1024))
CLEANGOV_WB_SUBMIT_PER_MINUTE = int(os.environ.get("CLEANGOV_WB_SUBMIT_PER_MINUTE", 30))
CLEANGOV_WB_FOLLOW_PER_MINUTE = int(os.environ.get("CLEANGOV_WB_FOLLOW_PER_MINUTE", 60))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CLEANGOV_LOG_LEVEL", "WARNING")},
    # Pillow logs every EXIF tag's value at DEBUG (camera, GPS, owner of a reporter's photo): never below INFO.
    "loggers": {"PIL": {"level": "INFO"}},
}

# --- Upload limits (cleangov/core/uploads.py, docs/uploads.md) -----------------------------------
# Every file the platform reads is bounded; each setting may come from the environment variable of the
# same name. Defaults are the engine's (voucher_audit/limits.py).
CLEANGOV_UPLOAD_MAX_BYTES = int(os.environ.get("CLEANGOV_UPLOAD_MAX_BYTES", 50 * 1024 * 1024))
CLEANGOV_UPLOAD_MAX_ROWS = int(os.environ.get("CLEANGOV_UPLOAD_MAX_ROWS", 2_000_000))
CLEANGOV_UPLOAD_MAX_COLUMNS = int(os.environ.get("CLEANGOV_UPLOAD_MAX_COLUMNS", 200))
CLEANGOV_UPLOAD_MAX_CELL_CHARS = int(os.environ.get("CLEANGOV_UPLOAD_MAX_CELL_CHARS", 2_000))
CLEANGOV_XLSX_MAX_UNCOMPRESSED_BYTES = int(os.environ.get("CLEANGOV_XLSX_MAX_UNCOMPRESSED_BYTES", 1024 * 1024 * 1024))
CLEANGOV_XLSX_MAX_RATIO = float(os.environ.get("CLEANGOV_XLSX_MAX_RATIO", 100))
CLEANGOV_DATE_MIN = os.environ.get("CLEANGOV_DATE_MIN", "2000-01-01")
CLEANGOV_DATE_MAX_DAYS_AHEAD = int(os.environ.get("CLEANGOV_DATE_MAX_DAYS_AHEAD", 366))
CLEANGOV_YAML_MAX_BYTES = int(os.environ.get("CLEANGOV_YAML_MAX_BYTES", 1024 * 1024))
# A voucher file uploaded but never imported (its preview refused it, or nobody confirmed) is removed with
# its problem list after this many hours, so abandoned uploads cannot fill the disk.
CLEANGOV_STAGED_UPLOAD_HOURS = float(os.environ.get("CLEANGOV_STAGED_UPLOAD_HOURS", 24))
# Form fields other than files stay small (Django's default, 2.5 MB); an upload past 2.5 MB goes to a
# temporary file rather than memory. The upload itself is refused past CLEANGOV_UPLOAD_MAX_BYTES by the forms.
# The largest request body the server reads at all (Waitress answers 413 past it): the largest upload a
# form takes, plus room for the form's other fields.
CLEANGOV_MAX_REQUEST_BYTES = int(os.environ.get(
    "CLEANGOV_MAX_REQUEST_BYTES", max(CLEANGOV_UPLOAD_MAX_BYTES, CLEANGOV_WB_MAX_REQUEST_BYTES) + 4 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 100
