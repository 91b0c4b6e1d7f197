"""Settings for the DIZ Portal.

Everything that differs between a laptop and production comes from environment variables
(documented in `.env.example` and the README). Defaults are safe: debug off, secure cookies,
and no start at all without a secret key unless debug is explicitly on.
"""

import os
import tempfile
from pathlib import Path

import dj_database_url
import dj_email_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool = False) -> bool:
    """On or off; a typo such as "ture" refuses to start rather than quietly mean off."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of {', '.join(sorted(TRUE_WORDS | FALSE_WORDS))}; it is {value!r}."
    )


def env_choice(name: str, choices: tuple[str, ...], default: str) -> str:
    value = os.environ.get(name, "").strip().lower() or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}; it is {value!r}.")
    return value


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_count(name: str, default: int = 0) -> int:
    """A whole number of 0 or more; anything else refuses to start rather than guess."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not (value.isascii() and value.isdigit()):
        raise ImproperlyConfigured(f"{name} must be a whole number, 0 or more; it is {value!r}.")
    return int(value)


DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or (
    "django-insecure-dev-only-key-never-use-in-production" if DEBUG else ""
)
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set. Set it to a long random string in production "
        "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
        "or set DJANGO_DEBUG=1 for local development."
    )

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "www.diz.org.uk"
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# Portal apps: the Programme manager group is granted every permission on their models.
PORTAL_APPS = ["diz_portal", "partners", "projects", "assets", "events"]

INSTALLED_APPS = [
    "diz_portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_filters",
    "simple_history",
    "csp",
    "django_tasks",
    "django_tasks_db",
    *PORTAL_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A NUL byte in a path, query or form is a 400 before PostgreSQL or the page cache sees it.
    "diz_portal.middleware.RejectNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "diz_portal.cache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Staff without an authenticator app are sent from the admin and dashboard to set one up.
    "partners.middleware.StaffTwoFactorRequiredMiddleware",
]

ROOT_URLCONF = "diz_portal.urls"
# Our field template links each error and hint to its input (aria-describedby).
FORM_RENDERER = "diz_portal.forms.PortalFormRenderer"
WSGI_APPLICATION = "diz_portal.wsgi.application"

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
                "diz_portal.context_processors.site",
            ],
        },
    },
]

# Database: SQLite file in the project root unless DATABASE_URL says otherwise.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_count("DJANGO_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers take the lock when their transaction starts, and wait up to 20 s for it. In WAL
    # mode readers never wait for a writer (a background import, say), and writers wait only
    # for each other's short transactions.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            # mmap: reads come from the OS page cache without a copy per page, a quarter off
            # index-heavy queries over 500,000 assets (issue 14).
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA mmap_size=268435456;"
            ),
        }
    )
    # The test database is a file, not memory, so that a worker process a test starts reaches
    # it too (tests/portal/test_worker.py); one per test run, so parallel runs never collide.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"diz-test-{os.getpid()}.sqlite3")
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# `make bench` only: adds /bench/ok/, a trivial view to compare throughput against.
BENCH_TRIVIAL_VIEW = env_bool("DIZ_BENCH_TRIVIAL_VIEW", default=False)

# Whole pages for anonymous visitors, invalidated on any content change (diz_portal/cache.py).
PAGE_CACHE_SECONDS = env_count("DJANGO_PAGE_CACHE_SECONDS", 300)

# Background work (django.tasks API, backported): the queue lives in the database, so no new
# server is needed. `manage.py db_worker --queue-name '*'` runs the jobs; the test suite runs
# them at once, in-process ("immediate"), except where a test starts a real worker.
TASKS_BACKEND = env_choice("DIZ_TASKS_BACKEND", ("database", "immediate"), "database")
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if TASKS_BACKEND == "database"
            else "django_tasks.backends.immediate.ImmediateBackend"
        ),
        # "email" is kept apart so a long import never holds up a registration confirmation.
        "QUEUES": ["default", "email", "imports"],
    }
}

# Caches. "default" holds the login and enquiry rate limits, so it must be shared by every
# process: Redis when REDIS_URL is set, else the database ("diz_cache", created by migration
# diz_portal 0005). "pages" holds whole pages and aggregates (diz_portal/cache.py); its keys
# carry the content version, so per-process memory is safe there and keeps hits fast.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "diz",
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "diz-pages",
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "diz_cache",
            # Culling could forget a rate limit; one row per address and action is small.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "diz-pages",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
    }


# Reverse proxies in front of the app that append to X-Forwarded-For (nginx on the same host:
# 1). Decides the client address for rate limits (diz_portal/clientip.py); 0 trusts no header.
DIZ_TRUSTED_PROXIES = env_count("DIZ_TRUSTED_PROXIES", 0)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# django-allauth: email address login, verified addresses, no public sign-up.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_ADAPTER = "partners.adapters.InviteOnlyAccountAdapter"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/5m/ip,5/5m/key",
    "reset_password": "5/m/ip,3/m/key",
    "reset_password_from_key": "20/m/ip",
}
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "DIZ Portal"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard:index"
LOGOUT_REDIRECT_URL = "home"

# Email: console backend unless DJANGO_EMAIL_URL (smtp://user:pass@host:587/?tls=True) is set.
EMAIL_URL = os.environ.get("DJANGO_EMAIL_URL", "")
if EMAIL_URL:
    _email = dj_email_url.parse(EMAIL_URL)
    EMAIL_BACKEND = _email["EMAIL_BACKEND"]
    EMAIL_HOST = _email["EMAIL_HOST"]
    EMAIL_PORT = _email["EMAIL_PORT"]
    EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
    EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
    EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
    EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
    # A mail server that stops answering must not hold a worker for ever (?timeout=N sets it).
    EMAIL_TIMEOUT = _email["EMAIL_TIMEOUT"] or 30
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "DIZ Portal <noreply@diz.org.uk>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
PROGRAMME_MANAGER_EMAIL = os.environ.get("DIZ_PROGRAMME_MANAGER_EMAIL", "programme@diz.org.uk")

LANGUAGE_CODE = "en-gb"
# Our wording where a library's differs: allauth's Title Case headings in sentence case.
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Built by `npm run build` (GOV.UK Frontend, Leaflet) and committed: no Node step at run time.
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files browsers ask for at the site's root (/favicon.ico), served by whitenoise as they are.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# Signed agreements: never under MEDIA_URL, served only by views that check who asks
# (diz_portal/documents.py). Back it up with the database.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("DJANGO_PRIVATE_MEDIA_ROOT", BASE_DIR / "private-media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Security headers. The Content-Security-Policy forbids inline script and style everywhere;
# map tiles are the one outside origin a page may load.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = 0 if DEBUG else env_count("DJANGO_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "https://tile.openstreetmap.org"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

SITE_NAME = "Essex + Herts Digital Innovation Zone"
SITE_URL = os.environ.get("DJANGO_SITE_URL", "https://www.diz.org.uk").rstrip("/")

# Uploaded images (logos, project pictures): see diz_portal/images.py.
IMAGE_UPLOAD_MAX_BYTES = 2 * 1024 * 1024
IMAGE_UPLOAD_MAX_PIXELS = 4096 * 4096
# Uploaded documents (agreement templates, signed agreements): diz_portal/documents.py.
DOCUMENT_UPLOAD_MAX_BYTES = 10 * 1024 * 1024

# --- partners (issue 3) ---
INVITATION_MAX_AGE_DAYS = env_count("DIZ_INVITATION_MAX_AGE_DAYS", 7)

# --- projects (issue 4) ---

# --- assets (issue 5) ---
# A county's street lights (130,000 rows of about 110 bytes) in one file; checked by a job.
ASSET_IMPORT_MAX_BYTES = 20 * 1024 * 1024
# The map shows single assets up to this many in view, and clusters (counts per grid cell)
# beyond (issue 14).
ASSET_MAP_MAX_FEATURES = 300

# --- events (issue 6) ---
