"""Settings, all from the environment; safe defaults for the demo, DEBUG off unless asked.

SHUANGBAI_HOME    instance folder (database, keys, uploads); default ./var
DATABASE_URL      postgres://... for PostgreSQL; default a SQLite file in the instance folder
SHUANGBAI_SECRET_KEY, SHUANGBAI_FIELD_KEY   secrets; when unset, generated once into the instance folder
SHUANGBAI_DEBUG, SHUANGBAI_ALLOWED_HOSTS, SHUANGBAI_HTTPS
SHUANGBAI_TILE_URL, SHUANGBAI_TILE_ATTRIBUTION, SHUANGBAI_TILE_CRS, SHUANGBAI_TILE_SUBDOMAINS,
SHUANGBAI_TILE_MAX_ZOOM   the service map's base map (none by default)
"""

import base64
import os
import secrets
from pathlib import Path

import dj_database_url


def envbool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent
HOME = Path(os.environ.get("SHUANGBAI_HOME", "var")).resolve()
HOME.mkdir(parents=True, exist_ok=True)


def envsecret(name: str, filename: str, make) -> str:
    """A secret from the environment, else from a file in the instance folder, created on first use."""
    if os.environ.get(name):
        return os.environ[name]
    path = HOME / filename
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = envsecret("SHUANGBAI_SECRET_KEY", "secret_key", lambda: secrets.token_urlsafe(50))
# 32-byte AES-GCM key for personal data fields; the keyed hash for look-ups is derived from it.
FIELD_ENCRYPTION_KEY = envsecret(
    "SHUANGBAI_FIELD_KEY", "field_key", lambda: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
)

DEBUG = envbool("SHUANGBAI_DEBUG")
ALLOWED_HOSTS = envlist("SHUANGBAI_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("SHUANGBAI_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "shuangbai.core",
    "shuangbai.regions",
    "shuangbai.stations",
    "shuangbai.staff",
    "shuangbai.registry",
    "shuangbai.visits",
    "shuangbai.supervision",
    "shuangbai.cases",
    "shuangbai.activities",
    "shuangbai.assistance",
    "shuangbai.bulletins",
    "shuangbai.maps",
    "shuangbai.dashboards",
    "shuangbai.project",  # project commands (demo, synth, report); above every app
]

MIDDLEWARE = [
    "shuangbai.core.scoping.ScopeGuardMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "shuangbai.core.audit.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "shuangbai.core.sessions.SessionLimitsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "shuangbai.core.audit.NoStoreMiddleware",
]

# Content-Security-Policy (django-csp): scripts only from this origin, none inline (pages use data attributes
# handled by static/js/actions.js); styles may be inline (htmx and the map set element styles); nothing is
# framed; forms post only here. A deployment's tile server is added to img-src where it is configured.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# (a map page adds the deployment's tile server to img-src: maps.geo.tile_origins)

ROOT_URLCONF = "shuangbai.urls"
WSGI_APPLICATION = "shuangbai.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # `may` and `permitted` (the permission table), masking and age filters in every template
            "builtins": ["shuangbai.core.templatetags.shuangbai"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shuangbai.menu.menu",
            ],
        },
    },
]

_sqlite_path = HOME / "shuangbai.sqlite3"
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL", default=f"sqlite:///{_sqlite_path}", conn_max_age=envint("DB_CONN_MAX_AGE", 60)
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while a writer writes; IMMEDIATE avoids lock upgrades failing mid-transaction.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "shuangbai.core.passwords.LengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["shuangbai.core.backends.ShuangbaiBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: this many failures for one username from one address within the window lock it.
LOGIN_FAILURE_LIMIT = envint("SHUANGBAI_LOGIN_FAILURE_LIMIT", 5)
# The dashboard's target line for 入户率 and the warning line under it, in percent (the city's own figures: one
# deployment serves one city's bureau, or a province whose cities share them).
COVERAGE_TARGET_PERCENT = envint("SHUANGBAI_COVERAGE_TARGET_PERCENT", 100)
COVERAGE_WARNING_PERCENT = envint("SHUANGBAI_COVERAGE_WARNING_PERCENT", 90)
LOGIN_FAILURE_WINDOW_MINUTES = envint("SHUANGBAI_LOGIN_FAILURE_WINDOW", 15)
# failures of one username from any addresses that lock it (guessing spread over many machines)
LOGIN_USER_FAILURE_LIMIT = envint("SHUANGBAI_LOGIN_USER_FAILURE_LIMIT", 10)
# the reverse proxies whose X-Forwarded-For hops are believed (comma-separated addresses); none: the header is
# ignored and the connecting address is the client
TRUSTED_PROXIES = frozenset(
    a.strip() for a in os.environ.get("SHUANGBAI_TRUSTED_PROXIES", "").split(",") if a.strip()
)

SESSION_COOKIE_AGE = envint("SHUANGBAI_SESSION_SECONDS", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# a sign-in ends after this many minutes without use (bureau roles sooner); SESSION_COOKIE_AGE is its absolute
# lifetime however busy (core.sessions)
IDLE_MINUTES = envint("SHUANGBAI_IDLE_MINUTES", 120)
IDLE_MINUTES_BUREAU = envint("SHUANGBAI_IDLE_MINUTES_BUREAU", 30)
LOGIN_URL_PATH = "/login/"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
HTTPS = envbool("SHUANGBAI_HTTPS")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = HOME / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = HOME / "media"
WHITENOISE_USE_FINDERS = DEBUG

# The service map's base map: a tile server's URL template ({z}/{x}/{y}; {s} where it has SUBDOMAINS, e.g.
# "01234567" for 天地图's t0..t7; a key such as 天地图's tk= goes in the URL), what its tiles must credit, and the
# coordinate system its tiles are drawn in: wgs84 (天地图, OpenStreetMap) or gcj02 (most Chinese web maps), into
# which the stored WGS-84 positions are converted for display. None by default: the map then draws its points on
# a plain background, and no request leaves the app's own origin.
MAP_TILE_URL = os.environ.get("SHUANGBAI_TILE_URL", "").strip()
MAP_TILE_ATTRIBUTION = os.environ.get("SHUANGBAI_TILE_ATTRIBUTION", "").strip()
MAP_TILE_CRS = os.environ.get("SHUANGBAI_TILE_CRS", "wgs84").strip().lower()
MAP_TILE_SUBDOMAINS = os.environ.get("SHUANGBAI_TILE_SUBDOMAINS", "").strip()
MAP_TILE_MAX_ZOOM = envint("SHUANGBAI_TILE_MAX_ZOOM", 18)
if MAP_TILE_CRS not in {"wgs84", "gcj02"}:
    raise ValueError("SHUANGBAI_TILE_CRS must be wgs84 or gcj02")

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SHUANGBAI_LOG_LEVEL", "WARNING")},
}
