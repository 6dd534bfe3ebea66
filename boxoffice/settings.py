"""Settings for the dashboard and the embedded sandbox.

Everything comes from the environment (or a `.env` file beside manage.py);
the defaults are what a newcomer on one laptop needs: SQLite files under
var/, the sandbox on 127.0.0.1:8001, an in-process cache.
"""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="insecure-local-only-key-set-SECRET_KEY-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",  # Django's own widget templates, for the project-wide form renderer
    "django_htmx",
    "axes",
    "django_tasks_db",
    "boxoffice.audit",
    "boxoffice.staff",
    "boxoffice.web",
    "boxoffice.venue",
    "sandbox",
]

# Background work (venue mode's replica sync and outbox drain) on Django's tasks framework.
# The database backend needs only `manage.py db_worker` (make run / serve start it); a bigger
# site points this at an RQ or Celery backend and nothing else changes.
TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions, before CommonMiddleware (as Django asks): the cookie, then Accept-Language.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Needs the user: a staff member's own choice of language beats the browser's.
    "boxoffice.staff.language.StaffLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "boxoffice.web.middleware.BrightStarErrorMiddleware",
    # Last, as django-axes asks: it turns a lockout into our lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "boxoffice.urls"
# Every form field renders one way: templates/components/field.html ({{ field.as_field_group }}).
FORM_RENDERER = "boxoffice.web.forms.Renderer"
WSGI_APPLICATION = "boxoffice.wsgi.application"

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
                "django.template.context_processors.csp",
                "boxoffice.staff.context_processors.staff",
                "boxoffice.web.context_processors.environment",
            ],
            # tz: {% timezone event.timezone %} shows an event's times in its own zone.
            # i18n: {% translate %} on every page without a {% load %} to forget.
            "builtins": ["boxoffice.web.templatetags", "django.templatetags.tz", "django.templatetags.i18n"],
        },
    },
]


def _database(var: str, filename: str, *, synchronous: str) -> dict:
    db = env.db(var, default=f"sqlite:///{VAR_DIR / filename}")
    if db["ENGINE"] == "django.db.backends.sqlite3":
        # IMMEDIATE takes the write lock at BEGIN, so two check-ins of one
        # ticket serialize instead of failing with "database is locked"
        # halfway through; WAL lets readers go on while a writer holds it.
        db.setdefault("OPTIONS", {}).update(
            {
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": f"PRAGMA journal_mode=WAL; PRAGMA synchronous={synchronous};",
            }
        )
        # Kept open per thread: reconnecting (and re-running the pragmas) cost
        # ~0.6 ms of every request in the page benchmark.
        db.setdefault("CONN_MAX_AGE", 60)
        # A file (not :memory:) so live-server threads each get a connection.
        # No DEPENDENCIES: the two databases are independent, so a test run
        # that needs only the sandbox's can set it up alone.
        db["TEST"] = {"NAME": str(VAR_DIR / f"test_{filename}"), "DEPENDENCIES": []}
    else:
        db.setdefault("CONN_MAX_AGE", 60)
        db.setdefault("CONN_HEALTH_CHECKS", True)
    return db


# The sandbox keeps its data in a database of its own: the dashboard's tables
# and the API's never mix, exactly as if the API ran somewhere else.
DATABASES = {
    # FULL: a commit is on disk before the answer goes out. The dashboard's rows are the audit trail and
    # venue mode's outbox (offline admissions BrightStar has not heard of yet), which must outlive a power
    # cut (a door laptop's battery) as they outlive a crash; NORMAL (WAL's usual) may lose the last commits
    # then. The price is one fsync per commit: ~0.15 ms measured here, so a scan writes its audit row and
    # the replica's update in one commit (audit.services.audited's `then`).
    "default": _database("DATABASE_URL", "boxoffice.sqlite3", synchronous="FULL"),
    # The sandbox stands in for BrightStar's own servers, locally: a crash loses nothing, a power cut may
    # lose the last commits, as with WAL's usual setting.
    "sandbox": _database("SANDBOX_DATABASE_URL", "sandbox.sqlite3", synchronous="NORMAL"),
}
DATABASE_ROUTERS = ["sandbox.dbrouter.SandboxRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://boxoffice")}
# Without CACHE_URL the cache is a copy per worker process: fine for cached API reads,
# never for a session (a logout on one worker would not reach the others).
CACHE_IS_SHARED = CACHES["default"]["BACKEND"] != "django.core.cache.backends.locmem.LocMemCache"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username is refused before its password is even checked.
    "axes.backends.AxesStandaloneBackend",
    # Each request's user is read from the database, never from a cache: a deactivation or a new
    # password reaches the next request on every worker, and no password hash sits in a cache.
    # Django's ModelBackend, its user query compiled once (sessions made under ModelBackend log in again).
    "boxoffice.staff.backends.StaffBackend",
]
# Login throttling: 5 wrong passwords for one username from one address locks it for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# A session lasts a working day, then staff log in again.
SESSION_COOKIE_AGE = 10 * 3600
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # the token reaches htmx through hx-headers, never through the cookie
# Sessions live in the database. With a shared cache (CACHE_URL=redis://...) they are also read
# through it, one query less per page; a per-process cache would serve a logged-out session on
# the workers that did not see the logout (staff/checks.py warns if SESSION_ENGINE asks for that).
SESSION_ENGINE = env(
    "SESSION_ENGINE",
    # boxoffice.staff.sessions: Django's database sessions, the query compiled once per connection.
    default="django.contrib.sessions.backends.cached_db" if CACHE_IS_SHARED else "boxoffice.staff.sessions",
)

# Served over HTTPS (production): secure cookies, HSTS, redirect to https.
# Off by default so `make run` works on http://127.0.0.1.
HTTPS = env.bool("HTTPS", default=False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# Behind a proxy that terminates TLS, trust its X-Forwarded-Proto (and only then).
if env.bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Strict by default: only our own files run; no inline script or style, no eval.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", "blob:"],
    "media-src": ["'self'", "blob:"],
    "connect-src": ["'self'"],
    "font-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

LANGUAGE_CODE = "en"
# What the dashboard speaks; each staff member picks one (staff profile), else the browser's
# Accept-Language decides. Adding one: here, then `make messages` and translate locale/<code>/.
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and times by language: templates name a format (DATETIME_FORMAT), boxoffice/formats/ says how.
FORMAT_MODULE_PATH = ["boxoffice.formats"]
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
# Hashed, compressed names served by whitenoise (make run / serve run collectstatic first).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# The sandbox mails order confirmations; locally they are printed, in tests kept in memory.
MAILERS = {"default": {"BACKEND": env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")}}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="BrightStar <tickets@brightstar.invalid>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

# --- The BrightStar API the dashboard talks to -------------------------------
# Unless set (environment or .env), it follows SANDBOX_ADDR, the address `make run` / `make serve`
# start the sandbox on, so `make run SANDBOX_ADDR=127.0.0.1:9101` needs nothing else.
# (sandbox/management/commands/runsandbox.py's base_url, which the dashboard may not import.)
_SANDBOX_ADDR = env("SANDBOX_ADDR", default="127.0.0.1:8001")
if _SANDBOX_ADDR.isdigit():  # a bare port, as runserver allows
    _SANDBOX_ADDR = f"127.0.0.1:{_SANDBOX_ADDR}"
_sandbox_host, _, _sandbox_port = _SANDBOX_ADDR.rpartition(":")
if _sandbox_host in ("0.0.0.0", "::", "[::]", ""):  # noqa: S104 - a bind address, reached on loopback
    _sandbox_host = "127.0.0.1"
BRIGHTSTAR_API_URL = env("BRIGHTSTAR_API_URL", default=f"http://{_sandbox_host}:{_sandbox_port}/v1/test")
BRIGHTSTAR_API_KEY = env("BRIGHTSTAR_API_KEY", default="")
# "connect,read" seconds; a request never goes out without both.
BRIGHTSTAR_TIMEOUT = tuple(env.list("BRIGHTSTAR_TIMEOUT", cast=float, default=[3.0, 10.0]))
# Attempts per request (1 = never retry); only replay-safe requests are retried.
BRIGHTSTAR_MAX_ATTEMPTS = env.int("BRIGHTSTAR_MAX_ATTEMPTS", default=3)
# Seconds an event or its ticket types may be served from cache.
BRIGHTSTAR_CACHE_SECONDS = env.int("BRIGHTSTAR_CACHE_SECONDS", default=30)

# How long a door phone that holds its own copy waits for the dashboard's answer to a scan or a name search
# before it decides from the copy (static/js/door-device.js). Long enough for a slow venue network, short
# enough that the queue at the door does not notice; tests set it short to reach the fallback at once.
DOOR_DEVICE_ANSWER_MS = 2500

# --- The sandbox (the local BrightStar API) ----------------------------------
SANDBOX_RATE_LIMIT = env("SANDBOX_RATE_LIMIT", default="1200/minute")
# Misbehave on purpose, e.g. "500:0.1,429:0.1,latency:0.1:2s,drop:0.05,lost:0.05" (sandbox/faults.py). Off by default.
SANDBOX_FAULTS = env("SANDBOX_FAULTS", default="")
