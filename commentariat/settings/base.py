"""Complete, production-ready settings; every difference comes from the environment.

See README.md for the table of environment variables.
"""

import os
import secrets
from pathlib import Path

import dj_database_url


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key(data_dir: Path) -> str:
    """The key from the environment, else one generated on first start and kept in the data dir."""
    if key := os.environ.get("COMMENTARIAT_SECRET_KEY"):
        return key
    key_file = data_dir / "secret_key"
    try:
        return key_file.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(50)
        # O_EXCL: when several workers start at once, the first one's key wins.
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return key_file.read_text().strip()
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
        return key


PACKAGE_DIR = Path(__file__).resolve().parent.parent

# --- Paths --------------------------------------------------------------------
DATA_DIR = Path(os.environ.get("COMMENTARIAT_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

LOGIN_URL = "/admin/login/"

# --- Security -----------------------------------------------------------------
SECRET_KEY = _secret_key(DATA_DIR)
DEBUG = _env_bool("COMMENTARIAT_DEBUG")
ALLOWED_HOSTS = _env_list("COMMENTARIAT_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = _env_list("COMMENTARIAT_CSRF_TRUSTED_ORIGINS", "")
CSRF_FAILURE_VIEW = "commentariat.core.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Behind HTTPS (directly or through a proxy that sets X-Forwarded-Proto): secure cookies, HSTS,
# and redirects from plain HTTP. See docs/deployment.md.
if _env_bool("COMMENTARIAT_HTTPS"):
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("COMMENTARIAT_HSTS_SECONDS", str(365 * 86400)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("COMMENTARIAT_HSTS_INCLUDE_SUBDOMAINS")
    SECURE_HSTS_PRELOAD = _env_bool("COMMENTARIAT_HSTS_PRELOAD")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Whether every subdomain is HTTPS-only, and whether to ask browsers to preload that, is a
# decision about the operator's whole domain, not this app: off unless set, and not a warning.
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]

# --- Applications -------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "commentariat.core",
    "commentariat.publishing",
    "commentariat.discussion",
    "commentariat.moderation",
    "commentariat.portability",
    "commentariat.exports",
    "commentariat.search",
    "commentariat.api",
    "ninja",  # serves the API docs' own static files (no CDN)
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    # Outermost: compresses the final body, cache hits included (core/compression.py).
    "commentariat.core.compression.CompressionMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "commentariat.core.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Reads of GET/HEAD on the read replica when there is one; a writer's next reads on the primary.
    "commentariat.core.replica.ReplicaMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Anonymous forms on shared pages are checked by their origin (core/csrf.py); the rest by
    # Django's token check.
    "commentariat.core.csrf.CrossOriginMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Old addresses of posts (a changed slug; an imported site's /?p=123) answer with a 301;
    # before the page cache, so that the home page is never stored as "/?p=123".
    "commentariat.publishing.redirects.OldAddressMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Inside sessions: a reader with a session is never served a shared page.
    "commentariat.core.page_cache.PageCacheMiddleware",
    "commentariat.core.middleware.DatabaseUnavailableMiddleware",
    "commentariat.api.middleware.ApiWriteGuardMiddleware",
    "commentariat.api.middleware.ApiErrorsAsJsonMiddleware",
]

ROOT_URLCONF = "commentariat.urls"
WSGI_APPLICATION = "commentariat.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "commentariat.core.context_processors.site",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
# SQLite by default. IMMEDIATE transactions take the write lock up front, so a
# writer waits out the busy timeout instead of failing on lock upgrade; WAL lets
# readers run beside the writer. Measured in ../shared/NOTES.md.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": int(os.environ.get("COMMENTARIAT_SQLITE_TIMEOUT", "20")),
    "init_command": (
        "PRAGMA journal_mode=WAL;PRAGMA synchronous=FULL;PRAGMA foreign_keys=ON;PRAGMA temp_store=MEMORY;"
    ),
}
if database_url := os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(database_url, conn_max_age=60, conn_health_checks=True)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "commentariat.sqlite3",
            "OPTIONS": dict(SQLITE_OPTIONS),
            # Kept open between requests, as on PostgreSQL: opening one (and its PRAGMAs) cost
            # about a tenth of a comment POST.
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    }
# A read replica (PostgreSQL streaming replication, or any copy that follows the primary):
# reads that may lag go there, the rest to the primary (core/replica.py). Tests mirror it on
# the primary's test database.
if replica_url := os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(replica_url, conn_max_age=60, conn_health_checks=True)
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["replica"]["OPTIONS"] = dict(SQLITE_OPTIONS)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["commentariat.core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Behind PgBouncer in transaction pooling mode, one connection's consecutive transactions may run
# on different server connections, where a server-side cursor (QuerySet.iterator()) opened by an
# earlier one does not exist:
# https://docs.djangoproject.com/en/5.2/ref/databases/#transaction-pooling-server-side-cursors
# Nothing else is needed: Django binds parameters client-side by default (no prepared statements),
# and persistent connections (CONN_MAX_AGE) are then held to PgBouncer, not to PostgreSQL.
if _env_bool("COMMENTARIAT_PGBOUNCER", default=False):
    for _database in DATABASES.values():
        if _database["ENGINE"] == "django.db.backends.postgresql":
            _database["DISABLE_SERVER_SIDE_CURSORS"] = True

# --- Cache --------------------------------------------------------------------
if redis_url := os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            # Keeps answering when Redis is away (core/cache.py), so every call must give up fast.
            "BACKEND": "commentariat.core.cache.ResilientRedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "commentariat",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
    }
    # Sessions written through to the database, read from Redis: every app server sees them.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # One machine: the web workers, the task worker and the operator's commands are separate
    # processes, so the cache lives on disk where they all see it (core/cache.py).
    CACHES = {
        "default": {
            "BACKEND": "commentariat.core.cache.SharedDiskCache",
            "LOCATION": str(DATA_DIR / "cache"),
            "SHARDS": 4,
            # SQLite busy timeout of each shard; diskcache's own default (10 ms) gives up on a
            # write under load, and a lost version bump would leave a page stale.
            "DATABASE_TIMEOUT": 5,
            "OPTIONS": {"size_limit": 512 * 2**20},
        }
    }

# --- Background tasks ---------------------------------------------------------
# Queued in the database and run by `commentariat worker` (make serve starts one);
# COMMENTARIAT_TASKS=immediate runs them in the request instead, for a site without a worker.
if os.environ.get("COMMENTARIAT_TASKS", "database") == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Mail ---------------------------------------------------------------------
# Without an SMTP host the site sends nothing: "Email this post" becomes a mailto: link.
EMAIL_HOST = os.environ.get("COMMENTARIAT_SMTP_HOST", "")
EMAIL_PORT = int(os.environ.get("COMMENTARIAT_SMTP_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("COMMENTARIAT_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("COMMENTARIAT_SMTP_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("COMMENTARIAT_SMTP_STARTTLS", default=False)
EMAIL_USE_SSL = _env_bool("COMMENTARIAT_SMTP_SSL", default=False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("COMMENTARIAT_MAIL_FROM", "Commentariat <noreply@localhost>")

# --- Internationalization -----------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("COMMENTARIAT_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files (served by WhiteNoise from the data dir) --------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Logging ------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "commentariat.core.logging.JSONFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if os.environ.get("COMMENTARIAT_LOG_FORMAT") == "json" else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("COMMENTARIAT_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint narrates every render (and fontTools every font subset); keep their errors.
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
    },
}

# --- Commentariat -------------------------------------------------------------
COMMENTARIAT = {
    "SITE_NAME": os.environ.get("COMMENTARIAT_SITE_NAME", "The Commentariat"),
    # The public address of the site, for links that leave it (mail, print, PDF, exports): never
    # the request's Host header, which the client writes (core/links.py).
    "SITE_URL": os.environ.get("COMMENTARIAT_SITE_URL", "http://127.0.0.1:8000").rstrip("/"),
    "SITE_TAGLINE": os.environ.get(
        "COMMENTARIAT_SITE_TAGLINE", "Long-form analysis, and readers who argue back"
    ),
    "POSTS_PER_PAGE": 10,
    # Top-level comments per page of a thread; replies travel with their parent.
    "COMMENTS_PER_PAGE": int(os.environ.get("COMMENTARIAT_COMMENTS_PER_PAGE", "100")),
    # A reply below this depth joins the deepest level instead of nesting further.
    "MAX_COMMENT_DEPTH": int(os.environ.get("COMMENTARIAT_MAX_COMMENT_DEPTH", "5")),
    "COMMENT_NAME_MAX_LENGTH": 100,
    "COMMENT_BODY_MAX_LENGTH": int(os.environ.get("COMMENTARIAT_COMMENT_MAX_LENGTH", "20000")),
    # The same text from the same reader within this window is stored once.
    "DUPLICATE_WINDOW_SECONDS": 60,
    # A comment form sent sooner than this after it was shown is taken for a script.
    "COMMENT_FORM_MIN_SECONDS": int(os.environ.get("COMMENTARIAT_COMMENT_FORM_MIN_SECONDS", "2")),
    "COMMENT_FORM_MAX_AGE_SECONDS": 2 * 86400,
    "REMEMBER_COOKIE_DAYS": 365,
    # A commenter may edit or delete their own comment this long after posting it.
    "EDIT_WINDOW_SECONDS": 600,
    # Uploaded images with more pixels are refused from their header, before decoding (40 million:
    # a 7700 × 5200 photograph; decoding one costs about 4 bytes a pixel).
    "MAX_IMAGE_PIXELS": int(os.environ.get("COMMENTARIAT_MAX_IMAGE_PIXELS", "40000000")),
    # Sites allowed to embed comment threads (embed.js), e.g. "https://blog.example.org".
    "EMBED_ORIGINS": [
        o.strip().rstrip("/")
        for o in os.environ.get("COMMENTARIAT_EMBED_ORIGINS", "").split(",")
        if o.strip()
    ],
    # Comments a JSON client (the API, the embed) may send in an hour from one IP address and for
    # one email address (0: no limit); they stand in for the form's hidden field and start time.
    "API_COMMENTS_PER_IP_PER_HOUR": int(os.environ.get("COMMENTARIAT_API_COMMENTS_PER_IP_PER_HOUR", "30")),
    "API_COMMENTS_PER_EMAIL_PER_HOUR": int(
        os.environ.get("COMMENTARIAT_API_COMMENTS_PER_EMAIL_PER_HOUR", "10")
    ),
    "RETRY_AFTER_SECONDS": 5,
    # /healthz says the disk is full (503) when the data dir has less free space than this.
    "DISK_FREE_MIN_MB": int(os.environ.get("COMMENTARIAT_DISK_FREE_MIN_MB", "32")),
    # Full-page cache for anonymous readers (core/page_cache.py); saving what a page shows
    # invalidates it at once, the timeout bounds what only time changes (scheduled posts).
    "PAGE_CACHE": _env_bool("COMMENTARIAT_PAGE_CACHE", default=True),
    "PAGE_CACHE_SECONDS": int(os.environ.get("COMMENTARIAT_PAGE_CACHE_SECONDS", "300")),
    # How long a shared cache in front (Varnish, a CDN) may keep an anonymous page
    # (s-maxage); changes purge it at once through the purger below (core/purgers.py).
    "SHARED_CACHE_SECONDS": int(os.environ.get("COMMENTARIAT_SHARED_CACHE_SECONDS", "300")),
    # none | varnish | fastly | cloudflare, and what each needs.
    "PURGER": os.environ.get("COMMENTARIAT_PURGER", "none").strip().lower(),
    "VARNISH_URLS": _env_list("COMMENTARIAT_VARNISH_URLS", ""),
    "FASTLY_SERVICE_ID": os.environ.get("COMMENTARIAT_FASTLY_SERVICE_ID", ""),
    "FASTLY_API_TOKEN": os.environ.get("COMMENTARIAT_FASTLY_API_TOKEN", ""),
    "CLOUDFLARE_ZONE_ID": os.environ.get("COMMENTARIAT_CLOUDFLARE_ZONE_ID", ""),
    "CLOUDFLARE_API_TOKEN": os.environ.get("COMMENTARIAT_CLOUDFLARE_API_TOKEN", ""),
    # Where the cached pages' version numbers live (core/page_versions.py): a memory-mapped file
    # on one machine, the shared cache (Redis) when several app servers must agree.
    "PAGE_VERSIONS": "cache" if os.environ.get("REDIS_URL") else str(DATA_DIR / "page-versions"),
    # Readers with these get pages made for them: remembered details, edit grants, messages, and
    # passwords of protected posts (publishing/visibility.py PASSWORD_COOKIE).
    "PAGE_CACHE_BYPASS_COOKIES": [
        "commentariat_commenter",
        "commentariat_edits",
        "messages",
        "commentariat_postpass",
        # Set for a few seconds after a reader writes, when there is a read replica (core/replica.py).
        "commentariat_wrote",
    ],
    # After a reader writes, their reads stay on the primary this long (longer than the replica's lag).
    "REPLICA_PIN_SECONDS": int(os.environ.get("COMMENTARIAT_REPLICA_PIN_SECONDS", "5")),
    # Live updates of open threads (core/live.py, discussion/live.py): a Server-Sent Events stream
    # under ASGI, bounded per process (a waiting reader costs a coroutine); under WSGI, or past the
    # bound, or when the stream fails, the page asks a cheap endpoint every POLL_SECONDS instead.
    # Pages connect only while they are visible. Off: no script, no endpoints.
    "LIVE_UPDATES": _env_bool("COMMENTARIAT_LIVE_UPDATES", default=True),
    "LIVE_POLL_SECONDS": int(os.environ.get("COMMENTARIAT_LIVE_POLL_SECONDS", "30")),
    "LIVE_STREAMS_PER_PROCESS": int(os.environ.get("COMMENTARIAT_LIVE_STREAMS_PER_PROCESS", "200")),
    # A stream ends after this long and the browser reconnects: connections spread over workers again.
    "LIVE_STREAM_SECONDS": 300,
    # How often an open moderation queue asks for changes when no stream tells it (WSGI).
    "QUEUE_POLL_SECONDS": int(os.environ.get("COMMENTARIAT_QUEUE_POLL_SECONDS", "10")),
    # Events cross app servers through Redis pub/sub when there is one.
    "LIVE_REDIS_URL": os.environ.get("REDIS_URL", ""),
    # Who decides on new comments: the moderation policy (see moderation/screening.py).
    "SCREENER": "commentariat.moderation.screening.ModerationScreener",
    # The mode a new site starts in; admins change it at /moderation/policy/.
    "INITIAL_MODERATION_MODE": os.environ.get("COMMENTARIAT_INITIAL_MODERATION_MODE", "hold_first_time"),
    "SPAM_FILTER_MIN_EXAMPLES": 10,
    "SPAM_FILTER_RETRAIN_EVERY": 25,
    "CLAIM_MINUTES": 5,
    # "Email this post": how many a reader may send an hour, and one address may receive a day.
    "EMAIL_POST_PER_IP_PER_HOUR": 5,
    "EMAIL_POST_PER_RECIPIENT_PER_DAY": 3,
    # Reply notifications: at most one mail per address and post in this many minutes, listing
    # every new comment since the last (discussion/notification_batches.py).
    "NOTIFY_BATCH_MINUTES": float(os.environ.get("COMMENTARIAT_NOTIFY_BATCH_MINUTES", "10")),
    "PURGE_REMOVED_AFTER_DAYS": 30,
    # How many reverse proxies in front of the app append to X-Forwarded-For (0: trust none).
    "PROXY_COUNT": int(os.environ.get("COMMENTARIAT_PROXY_COUNT", "0")),
}
