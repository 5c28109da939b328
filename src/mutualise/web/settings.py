"""Django settings, read from the environment. They fail safe: see docs/security.md.

DATABASE_URL selects the database (default: an SQLite file under var/). SECRET_KEY, DEBUG and
ALLOWED_HOSTS come from MUTUALISE_SECRET_KEY, MUTUALISE_DEBUG and MUTUALISE_ALLOWED_HOSTS; the
voting-code key from MUTUALISE_CREDENTIAL_KEY. Without MUTUALISE_DEBUG=1 the two keys must be
real (50+ characters, not a placeholder) or nothing starts. Behind TLS: MUTUALISE_HTTPS=1 turns on
HSTS, the redirect to https and secure cookies; MUTUALISE_TRUSTED_PROXIES=N says how many reverse
proxies in front append to X-Forwarded-For (0, the default, trusts none). Tests and the demo use
`settings_dev`, which makes throwaway keys under var/.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from mutualise.mail.config import NOT_DELIVERING, email_settings, number_setting
from mutualise.mail.config import configured as email_configured

PACKAGE_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("MUTUALISE_VAR_DIR", REPO_DIR / "var"))

DEBUG = os.environ.get("MUTUALISE_DEBUG", "0") == "1"
_WEAK_KEYS = ("insecure", "change-me", "changeme", "django-insecure", "secret", "example")


def _key(name: str) -> str:
    """A key from the environment; a weak or missing one stops the server unless DEBUG is on."""
    value = os.environ.get(name, "")
    weak = len(value) < 50 or len(set(value)) < 5 or any(w in value.lower() for w in _WEAK_KEYS)
    if not weak:
        return value
    if DEBUG:
        return value or f"insecure-debug-only-{name}-" + "x" * 32
    raise ImproperlyConfigured(
        f"{name} is {'too weak' if value else 'not set'}: with MUTUALISE_DEBUG off the server "
        "needs a random key of 50+ characters, e.g. from "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )


SECRET_KEY = _key("MUTUALISE_SECRET_KEY")
# Voting codes are stored as HMACs under their own key, so SECRET_KEY can rotate mid-poll.
MUTUALISE_CREDENTIAL_KEY = _key("MUTUALISE_CREDENTIAL_KEY")
# Ballots waiting to be mixed (and proxies' instructions) are sealed under a key derived from
# this one if it is set, else from the voting-code key (secrecy/sealing.py, docs/secrecy.md).
# Set or change it only while no poll is open: a ballot sealed under the old key will not open.
MUTUALISE_BALLOT_SEAL_KEY = os.environ.get("MUTUALISE_BALLOT_SEAL_KEY", "")
ALLOWED_HOSTS = os.environ.get("MUTUALISE_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(
    ","
)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "mutualise.web",
    "mutualise.audit",
    "mutualise.register",
    "mutualise.accounts",
    "mutualise.elections",
    "mutualise.meetings",
    "mutualise.governance",
    "mutualise.participation",
    "mutualise.stake",
    "django_tasks",
    "django_tasks_db",
    "mutualise.jobs",
    "mutualise.mail",
]

# Long work (imports, mail, reminders) is queued in the project's own database and run by
# `mutualise worker` (mutualise/jobs): nothing else to install, SQLite or PostgreSQL.
# Days before the day to act that an officers' reminder appears (governance/checks/reminders.py).
MUTUALISE_REMINDER_DAYS_AHEAD = int(os.environ.get("MUTUALISE_REMINDER_DAYS_AHEAD", "28"))
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "mail"]}}

# A demo install (settings_dev, `make demo`): the outbox page shows the mail sent, bodies and all.
# Never on for real members (the page would show every officer what every member was sent), so
# these settings turn it off whatever the environment says; only settings_dev turns it on.
MUTUALISE_DEMO = False
_DEMO_SETTINGS = os.environ.get("DJANGO_SETTINGS_MODULE") == "mutualise.web.settings_dev"

# Mail (mail/config.py): MUTUALISE_EMAIL_URL, e.g. smtp://user:password@host:587?tls=1, or
# MUTUALISE_EMAIL_HOST/_PORT/_USER/_PASSWORD/_USE_TLS. Messages are recorded in the outbox in
# the caller's transaction and sent by the worker, in batches, at most MUTUALISE_EMAIL_RATE a
# second per worker (0: no limit), a refused address recorded, a failure tried again later.
_mail = email_settings(os.environ)
EMAIL_BACKEND = _mail.pop("EMAIL_BACKEND")
globals().update(_mail)
if EMAIL_BACKEND in NOT_DELIVERING and not (DEBUG or _DEMO_SETTINGS):
    raise ImproperlyConfigured(
        f"MUTUALISE_EMAIL_URL: {EMAIL_BACKEND.split('.')[-2]} mail is not delivered to anyone;"
        " outside a demo (mutualise.web.settings_dev) or debugging use smtp:// or smtps://"
    )
MUTUALISE_EMAIL_CONFIGURED = email_configured(os.environ)
DEFAULT_FROM_EMAIL = os.environ.get("MUTUALISE_EMAIL_FROM", "mutualise@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
MUTUALISE_EMAIL_RATE = number_setting(os.environ, "MUTUALISE_EMAIL_RATE", 10.0)
MUTUALISE_EMAIL_BATCH = int(number_setting(os.environ, "MUTUALISE_EMAIL_BATCH", 100))
MUTUALISE_EMAIL_MAX_ATTEMPTS = int(number_setting(os.environ, "MUTUALISE_EMAIL_MAX_ATTEMPTS", 6))
# Where the bounce address's mail is delivered (a maildir), read daily and by `mail read-bounces`.
MUTUALISE_BOUNCE_MAILDIR = os.environ.get("MUTUALISE_BOUNCE_MAILDIR", "")
MUTUALISE_EMAIL_RETRY_SECONDS = number_setting(os.environ, "MUTUALISE_EMAIL_RETRY_SECONDS", 60.0)
# The test suite (tests/conftest.py) sends on commit in the same process instead of queueing
# the worker's delivery task: the same code, without a worker.
MUTUALISE_EMAIL_EAGER = False

MIDDLEWARE = [
    "mutualise.web.security.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A NUL in any field is refused in words before a view sees it (PostgreSQL cannot store it).
    "mutualise.web.nul_guard.RefuseNulMiddleware",
    "mutualise.web.security.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "mutualise.web.rulebook_errors.UnreadableRulebookMiddleware",
]

ROOT_URLCONF = "mutualise.web.urls"
WSGI_APPLICATION = "mutualise.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mutualise.web.context.site",
            ],
        },
    }
]

_default_db = f"sqlite:///{VAR_DIR / 'mutualise.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_db), conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets readers proceed while a writer commits; IMMEDIATE avoids upgrade deadlocks.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The audit log's HMAC key, held outside the database (audit/keys.py, docs/audit.md); retired
# keys, comma-separated, still verify older events. Without a key the server will not start,
# unless a throwaway key under var/ is allowed (debug, the demo, the test suite).
MUTUALISE_AUDIT_KEY = os.environ.get("MUTUALISE_AUDIT_KEY", "")
MUTUALISE_AUDIT_OLD_KEYS = [
    k for k in os.environ.get("MUTUALISE_AUDIT_OLD_KEYS", "").split(",") if k
]
MUTUALISE_AUDIT_THROWAWAY_KEY = DEBUG or os.environ.get("MUTUALISE_AUDIT_THROWAWAY_KEY") == "1"

# The demo clock (mutualise/clock.py) is for demo installs only: no environment variable turns
# it on here; web/settings_dev.py does, for the demo and the tests.
MUTUALISE_DEMO_CLOCK = False
MUTUALISE_DEMO_CLOCK_FILE = ""

# The largest member file an officer may upload (a proxy in front should refuse bigger bodies
# too, e.g. nginx client_max_body_size); XLSX cell limits are in register/tabular.py.
MUTUALISE_UPLOAD_MAX_BYTES = int(os.environ.get("MUTUALISE_UPLOAD_MAX_BYTES", 100_000_000))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5_000_000  # larger uploads spool to a temporary file

# Invitations (mutualise/accounts): how long a link works, and the address links in mail start
# with. MUTUALISE_OPEN_FOUNDING=1 lets anyone signed in found a new organisation (by default
# only a system administrator may).
MUTUALISE_INVITATION_DAYS = int(os.environ.get("MUTUALISE_INVITATION_DAYS", "7"))
MUTUALISE_SITE_URL = os.environ.get("MUTUALISE_SITE_URL", "http://localhost:8000")
MUTUALISE_OPEN_FOUNDING = os.environ.get("MUTUALISE_OPEN_FOUNDING", "0") == "1"
# Claims of a membership and password resets (accounts/claims.py): tries per membership number
# or email address, and per client address, in a window of minutes. A reset link works for an
# hour (ASVS 2.5), and once.
MUTUALISE_CLAIM_LIMIT = int(os.environ.get("MUTUALISE_CLAIM_LIMIT", "5"))
MUTUALISE_CLAIM_CLIENT_LIMIT = int(os.environ.get("MUTUALISE_CLAIM_CLIENT_LIMIT", "20"))
MUTUALISE_CLAIM_WINDOW_MINUTES = int(os.environ.get("MUTUALISE_CLAIM_WINDOW_MINUTES", "60"))
PASSWORD_RESET_TIMEOUT = 3600

# A large member import on PostgreSQL proves its foreign keys set-wise instead of by a trigger
# per row, where the role may set session_replication_role (register/bulkwrite.py). "0" keeps
# the per-row triggers whatever the role may do.
MUTUALISE_IMPORT_SET_BASED_CHECKS = os.environ.get("MUTUALISE_IMPORT_SET_BASED_CHECKS", "1") == "1"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [  # ASVS 2.1: length over composition rules, no common passwords
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out account or address first
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "accounts:landing"  # a member lands on their membership
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [("govuk", REPO_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk")]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Behind TLS (MUTUALISE_HTTPS=1): https only, for a year, and cookies that never travel in clear.
HTTPS = os.environ.get("MUTUALISE_HTTPS", "0") == "1"
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer's probe speaks plain http
# How many reverse proxies in front append to X-Forwarded-For; their X-Forwarded-Proto is then
# believed too. 0 trusts no header: REMOTE_ADDR is the client (web/security.py).
MUTUALISE_TRUSTED_PROXIES = int(os.environ.get("MUTUALISE_TRUSTED_PROXIES", "0") or 0)
if MUTUALISE_TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("MUTUALISE_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

# Content Security Policy: scripts, styles and everything else from this site only; no inline
# script or style anywhere (tests/browser/test_csp.py collects violations on the main pages).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Password guessing (django-axes): an account, or an address, is locked after AXES_FAILURE_LIMIT
# wrong passwords for AXES_COOLOFF_TIME hours; each is counted on its own.
AXES_FAILURE_LIMIT = int(os.environ.get("MUTUALISE_SIGNIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]  # already resolved through the proxy setting
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Officers, returning officers and administrators sign in with a second factor (TOTP) and their
# sessions end on closing the browser or after a working day (web/security.py).
OTP_TOTP_ISSUER = os.environ.get("MUTUALISE_OTP_ISSUER", "mutualise")
MUTUALISE_PRIVILEGED_SESSION_SECONDS = 8 * 3600
SESSION_COOKIE_AGE = 14 * 24 * 3600  # a member's session

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MUTUALISE_LOG_LEVEL", "WARNING")},
}
