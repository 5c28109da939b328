"""Django settings, read from the environment.

DATABASE_URL selects the database (default: an SQLite file under var/). SECRET_KEY, DEBUG and
ALLOWED_HOSTS come from MUTUALISE_SECRET_KEY, MUTUALISE_DEBUG and MUTUALISE_ALLOWED_HOSTS.
"""

import os
from pathlib import Path

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("MUTUALISE_VAR_DIR", REPO_DIR / "var"))

DEBUG = os.environ.get("MUTUALISE_DEBUG", "0") == "1"
SECRET_KEY = os.environ.get("MUTUALISE_SECRET_KEY", "insecure-development-key-change-me")
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
    "mutualise.web",
    "mutualise.audit",
    "mutualise.register",
    "mutualise.elections",
    "mutualise.meetings",
    "mutualise.governance",
    "mutualise.participation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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

# A large member import on PostgreSQL proves its foreign keys set-wise instead of by a trigger
# per row, where the role may set session_replication_role (register/bulkwrite.py). "0" keeps
# the per-row triggers whatever the role may do.
MUTUALISE_IMPORT_SET_BASED_CHECKS = os.environ.get("MUTUALISE_IMPORT_SET_BASED_CHECKS", "1") == "1"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MUTUALISE_LOG_LEVEL", "WARNING")},
}
