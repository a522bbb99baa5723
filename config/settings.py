"""Parley settings: one module, driven by environment variables.

With no environment variables Parley runs embedded: SQLite in the project folder, DEBUG on,
console email, a file cache every process shares and Celery tasks run inline. Production is
switched on by environment variables (see `.env.example` and the configuration table in README.md):
DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS, EMAIL_URL and DEBUG=0.
Secrets never have a production default.

Django settings reference: https://docs.djangoproject.com/en/5.2/ref/settings/
"""

from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from config.environment import Env
from config.secret_key import development_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent

# Environment variables (django-environ), plus a `.env` file in the project folder if there
# is one; variables already set win over the file.
env = Env()
if (BASE_DIR / ".env").is_file():
    Env.read_env(BASE_DIR / ".env")


# ---------------------------------------------------------------------------
# Core
# ---------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=True)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG=0.")
    # Never used once DEBUG is off. Made for this checkout, not written here: with a key
    # anyone can read in the code, anyone reaching a site served to the network (`make run
    # HOST=0.0.0.0`) could sign a guest's "manage your comments" link or their comments'
    # cookie, and read, change or erase what they posted.
    SECRET_KEY = development_secret_key(BASE_DIR / ".cache" / "development-secret-key")

# Earlier keys, still accepted while links, cookies and sessions signed with them are about
# (comma-separated, newest first): rotating SECRET_KEY then signs nobody out and breaks no
# emailed link.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

# The key of the keyed hashes Parley keeps and compares later (guests' voter keys, verified
# guests' history, notes and bans on an address): unlike signatures they cannot be checked
# under several keys, so it stays when SECRET_KEY is rotated. Unset, it is the oldest of
# SECRET_KEY_FALLBACKS, else SECRET_KEY (core.keys.hashing_key).
PARLEY_HASH_KEY = env.str("PARLEY_HASH_KEY", default="")

# The public address of the site, e.g. https://comments.example.org: the one source of every
# absolute link (emails, feeds). `make run` serves it on http://127.0.0.1:8000.
PARLEY_SITE_URL = env.str("PARLEY_SITE_URL", default="").strip() or "http://127.0.0.1:8000"

# Embedded (DEBUG), the site also answers on the host its own links name: `make run
# HOST=0.0.0.0` serves the machine's network address, and PARLEY_SITE_URL names it.
_site_host = urlsplit(PARLEY_SITE_URL).hostname or "localhost"
_local_hosts = [
    "localhost",
    "127.0.0.1",
    "[::1]",
    f"[{_site_host}]" if ":" in _site_host else _site_host,
]
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=list(dict.fromkeys(_local_hosts)) if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "django.forms",
    # django-comments-xtd must come before django_comments.
    "django_comments_xtd",
    "django_comments",
    "allauth",
    "allauth.account",
    "core",
    "articles",
    "comments",
    "moderation",
    "readers",
    "transfer",
    "demo",
    "health",
]

MIDDLEWARE = [
    # Outermost: a read whose database connection was cut runs again on a fresh one, and
    # what still fails is a 503 saying so (core/db_outage.py), never a 500.
    "core.db_outage.DatabaseOutageMiddleware",
    # Then the shared article page is answered from the cache before any other work.
    "articles.middleware.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "core.csp.CSPMiddleware",
]

if not DEBUG:
    # Static files from the app server in production (runserver serves them in DEBUG).
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
# Form fields render through the project's templates (templates/django/forms/field.html).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # {% url %} reversed once per set of values (core/templatetags/urls_reversed_once.py).
            "builtins": ["core.templatetags.urls_reversed_once"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
                "core.context_processors.language_switch",
                "core.context_processors.roles",
            ],
        },
    },
]

# ---------------------------------------------------------------------------
# Database: SQLite by default, PostgreSQL with DATABASE_URL
# ---------------------------------------------------------------------------
DATABASE_URL = env.str("DATABASE_URL", default="").strip()
# Lets two test runs on one machine keep separate test databases.
TEST_DB_SUFFIX = env.str("PARLEY_TEST_DB_SUFFIX", default="")
if DATABASE_URL:
    DATABASES = {
        "default": {
            **env.database("DATABASE_URL", DATABASE_URL),
            "CONN_MAX_AGE": env.int("DATABASE_CONN_MAX_AGE", default=60),
            "CONN_HEALTH_CHECKS": True,
        }
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Django's, rolling back a transaction cut short in its own commit or rollback
        # (core/backends/cut_short.py).
        DATABASES["default"]["ENGINE"] = "core.backends.postgresql"
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}{TEST_DB_SUFFIX}"}
else:
    DATABASES = {
        "default": {
            # Django's, converting each query's placeholders once (core/backends/sqlite3).
            "ENGINE": "core.backends.sqlite3",
            "NAME": env.str("SQLITE_PATH", default=str(BASE_DIR / "db.sqlite3")),
            # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at
            # BEGIN so two posters queue on the busy timeout instead of failing with
            # "database is locked" when a read transaction upgrades to a write.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # Kept across requests, as PostgreSQL's is: opening one (Django registers its SQL
            # functions on each) cost 1.4 ms of every request's CPU.
            "CONN_MAX_AGE": env.int("DATABASE_CONN_MAX_AGE", default=60),
            # A file, not :memory:, so threaded and multi-process tests share one database.
            "TEST": {"NAME": str(BASE_DIR / f".test-db{TEST_DB_SUFFIX}.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---------------------------------------------------------------------------
# Cache and Celery: Redis with REDIS_URL, otherwise a shared file cache and inline tasks
# ---------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="").strip()
# Each part on REDIS_URL, in a logical database of its own, unless its own variable gives it
# a Redis of its own: the cache may evict keys and fill up, the broker must do neither.
_redis_cache_url = env.redis_part(
    "REDIS_CACHE_URL", shared=REDIS_URL, db_var="REDIS_CACHE_DB", db=1
)
_redis_broker_url = env.redis_part(
    "REDIS_BROKER_URL", shared=REDIS_URL, db_var="REDIS_BROKER_DB", db=0
)
_redis_live_url = env.redis_part("REDIS_LIVE_URL", shared=REDIS_URL, db_var="REDIS_LIVE_DB", db=2)
# A healthy Redis answers in well under a millisecond; a hung one is given up on after this,
# and then skipped for a while (core/breaker.py).
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=0.5)

if REDIS_URL:
    # django-redis in its "memcached-like" mode: with Redis down, reads miss and writes are
    # dropped (and logged) instead of failing the request, so the page cache and the rate
    # limiters degrade rather than turn logins and posts into error pages.
    CACHES = {
        "default": {
            "BACKEND": "core.cache.ParleyRedisCache",
            "LOCATION": _redis_cache_url,
            "OPTIONS": {
                "SOCKET_TIMEOUT": REDIS_SOCKET_TIMEOUT,
                "SOCKET_CONNECT_TIMEOUT": REDIS_SOCKET_TIMEOUT,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    # Embedded: a cache on disk that every process of the site shares, so pages are dropped
    # and limits counted the same under any number of workers (core/file_cache.py).
    _cache_dir = env.str(
        "PARLEY_CACHE_DIR", default=str(BASE_DIR / ".cache" / f"parley{TEST_DB_SUFFIX}")
    )
    CACHES = {
        "default": {
            "BACKEND": "core.file_cache.SharedFileCache",
            "LOCATION": _cache_dir,
            "OPTIONS": {"MAX_ENTRIES": 10000},
        },
        # The embedded beat's claims (core/embedded_beat.py), a key per job, in a folder of
        # their own: the default culls a third of its entries once it holds MAX_ENTRIES, and
        # a claim culled there ran its job before its interval was out.
        "beat": {
            "BACKEND": "core.file_cache.SharedFileClaims",
            "LOCATION": str(Path(_cache_dir) / "beat"),
        },
    }

# The live thread (comments/live.py): a Redis Stream per article, or with no Redis a buffer
# in the one process `make run` starts.
# Streams one client address (its /64 for IPv6) may hold open at once, per server process.
PARLEY_LIVE_STREAMS_PER_CLIENT = env.int("PARLEY_LIVE_STREAMS_PER_CLIENT", default=20)
PARLEY_LIVE_REDIS_URL = _redis_live_url

# Embedded: an in-process broker, unused since tasks run inline ("localhost" only keeps kombu
# from warning that no host was given).
CELERY_BROKER_URL = _redis_broker_url or "memory://localhost/"
# kombu's Redis transport, made to survive Redis restarting under a busy worker (core/broker.py).
CELERY_BROKER_TRANSPORT = "core.broker:Transport" if REDIS_URL else None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task that outlives the visibility timeout is delivered twice, so the hard limit stays
# well below it; tasks are idempotent anyway.
CELERY_TASK_TIME_LIMIT = 60
CELERY_TASK_SOFT_TIME_LIMIT = 45
# How long an import started in the admin may run on a worker before it is stopped (and
# nothing of it stored): a large site's export takes minutes, past the limit above. Its
# message is taken as it arrives (acks_late off), so no visibility timeout applies to it.
PARLEY_IMPORT_SECONDS = env.int("PARLEY_IMPORT_SECONDS", default=4 * 3600)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Without socket timeouts kombu blocks .delay() forever on a hung Redis; with them a post
# gives up on the broker within about a second and the pending sweep picks the comment up.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=300),
    "socket_timeout": REDIS_SOCKET_TIMEOUT,
    "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
    "unacked_restore_interval": 2,
    "unacked_restore_throttle": 1,
    # A worker killed while restoring would otherwise block every restore for 300 s.
    "unacked_mutex_expire": 15,
}
# One attempt: a broker that cannot take a task now is tried again by the sweeps, not by a
# reader waiting for their post.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 0, "interval_start": 0}
# Webhooks wait on other people's servers (up to 5 s an attempt), so they have a queue of
# their own. Every worker consumes both queues (deploy/, `make worker`); one more worker with
# `--queues=webhooks` keeps slow receivers away from scoring completely.
CELERY_TASK_ROUTES = {
    "moderation.tasks.webhook_deliver_task": {"queue": "webhooks"},
    "moderation.tasks.webhook_deliveries_sweep_task": {"queue": "webhooks"},
}
# Seconds between moderators' "held comments" emails: comments held meanwhile go in one.
PARLEY_HELD_DIGEST_DELAY = env.int("PARLEY_HELD_DIGEST_DELAY", default=300)
# Days a comment keeps its IP address and browser string, and the log of emails sent its
# rows (readers.services.retention; 0 keeps them for ever). Bans and repeats are screened
# over 7 days, so keep it above that.
PARLEY_ADDRESS_RETENTION_DAYS = env.int("PARLEY_ADDRESS_RETENTION_DAYS", default=90)
# Hours between authors' emails listing the new comments on their articles.
PARLEY_AUTHOR_DIGEST_HOURS = env.float("PARLEY_AUTHOR_DIGEST_HOURS", default=24.0)
# Seconds between retrainings of the spam model while moderators keep deciding, and how many
# new decisions retrain it at once: a site's first spam wave teaches it within minutes.
PARLEY_RETRAIN_SECONDS = env.float("PARLEY_RETRAIN_SECONDS", default=6 * 3600.0)
PARLEY_RETRAIN_AFTER_LABELS = env.int("PARLEY_RETRAIN_AFTER_LABELS", default=25)
# Embedded (no REDIS_URL) there is no beat: each web process looks this often (seconds) for
# the jobs below that are due and runs them itself (core/embedded_beat.py). 0 turns it off;
# cron then runs the management commands the README lists.
PARLEY_EMBEDDED_BEAT_TICK = env.float("PARLEY_EMBEDDED_BEAT_TICK", default=10.0)
# The heartbeat proves that a worker takes beat's tasks; embedded there is no worker to prove.
PARLEY_EMBEDDED_BEAT_SKIP = ("worker-heartbeat",)
# Celery's own scheduler, which also records in the database that beat runs, so the health
# check can tell a beat that stopped from one never started (health/beat.py).
CELERY_BEAT_SCHEDULER = "health.beat:RecordingScheduler"
CELERY_BEAT_SCHEDULE = {
    "sweep-pending-comments": {"task": "moderation.tasks.pending_sweep_task", "schedule": 60.0},
    # Scheduled articles are visible from their time without it; this marks them published
    # and drops their cached pages at that moment.
    "publish-due-articles": {
        "task": "articles.tasks.articles_publish_due_task",
        "schedule": 60.0,
    },
    # Likewise for updates dated in the future: this drops the cached pages and emails the
    # followers at that moment.
    "publish-due-updates": {
        "task": "articles.tasks.updates_publish_due_task",
        "schedule": 60.0,
    },
    "held-comments-digest": {
        "task": "moderation.tasks.held_digest_task",
        "schedule": float(PARLEY_HELD_DIGEST_DELAY),
    },
    "notifications-sweep": {
        "task": "readers.tasks.notifications_sweep_task",
        "schedule": 300.0,
    },
    "worker-heartbeat": {"task": "health.tasks.heartbeat_task", "schedule": 30.0},
    # Asks whether retraining is due (moderation.services.training): a few new decisions
    # wait for PARLEY_RETRAIN_SECONDS, PARLEY_RETRAIN_AFTER_LABELS of them do not.
    "retrain-spam-model": {
        "task": "moderation.tasks.spam_model_train_task",
        "schedule": min(300.0, PARLEY_RETRAIN_SECONDS),
    },
    "author-digest": {
        "task": "readers.tasks.author_digests_send_task",
        "schedule": PARLEY_AUTHOR_DIGEST_HOURS * 3600,
    },
    "personal-data-expire": {
        "task": "readers.tasks.personal_data_expire_task",
        "schedule": 24 * 3600.0,
    },
    # Every confirmation email leaves a row (ACCOUNT_EMAIL_CONFIRMATION_HMAC is off), which
    # allauth never deletes; past ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS it confirms nothing.
    "email-confirmations-expire": {
        "task": "readers.tasks.email_confirmations_expire_task",
        "schedule": 24 * 3600.0,
    },
    "webhook-deliveries-sweep": {
        "task": "moderation.tasks.webhook_deliveries_sweep_task",
        "schedule": 120.0,
    },
    # An import uploaded while the queue was away is run once it is back.
    "import-runs-sweep": {"task": "transfer.tasks.import_runs_sweep_task", "schedule": 120.0},
}

# ---------------------------------------------------------------------------
# Email: console by default; in production EMAIL_URL, e.g.
# smtp+tls://user:password@smtp.example.com:587 (STARTTLS) or smtp+ssl://…:465 (TLS).
# ---------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Parley <parley@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_URL = env.str("EMAIL_URL", default="").strip()
if EMAIL_URL:
    if "tls=" in EMAIL_URL.partition("?")[2]:
        raise ImproperlyConfigured(
            "EMAIL_URL: write smtp+tls://user:password@host:587 instead of smtp://…?tls=1."
        )
    _email = env.email_url_config(EMAIL_URL)
    # django-environ hands the query's parameters back as OPTIONS, which Django's mail
    # settings have no place for: left there, a ?timeout=5 was silently dropped.
    _options = {key.lower(): value for key, value in _email.pop("OPTIONS", {}).items()}
    EMAIL_TIMEOUT = _options.pop("timeout", 10)
    if _options:
        raise ImproperlyConfigured(
            f"EMAIL_URL: {', '.join(sorted(_options))} is not read; only ?timeout=seconds is."
        )
    globals().update(_email)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# ---------------------------------------------------------------------------
# Authentication: django-allauth, username + password, email optional
# https://docs.allauth.org/en/latest/account/configuration.html
# ---------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "optional"
# Verification links carry a random key kept in the database, not allauth's default of the
# address row's id signed with SECRET_KEY: a site restored from a backup numbers addresses
# afresh, and a link another site sent for its row 7 would verify someone's row 7 here.
ACCOUNT_EMAIL_CONFIRMATION_HMAC = False
ACCOUNT_UNIQUE_EMAIL = True
PARLEY_EMAIL_SUBJECT_PREFIX = "[Parley] "
ACCOUNT_EMAIL_SUBJECT_PREFIX = PARLEY_EMAIL_SUBJECT_PREFIX
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_USERNAME_MIN_LENGTH = 3
# With email optional, allauth's default still says "email taken" at signup; "strict" answers
# the same for known and unknown addresses everywhere (at the cost of letting one unverified
# address sit on several accounts).
ACCOUNT_PREVENT_ENUMERATION = "strict"
# allauth's limiters key on the client address Parley defines (PARLEY_TRUSTED_PROXY_COUNT).
ACCOUNT_ADAPTER = "core.accounts.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "core.accounts.LoginForm",
    "signup": "core.accounts.SignupForm",
    "reset_password_from_key": "core.accounts.ResetPasswordKeyForm",
}
# Reset links name the address they were mailed to, and using one verifies it.
ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR = "core.reset_tokens.ResetTokenGenerator"  # noqa: S105
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # "key" is an account and a client network together (core.accounts.AccountAdapter), so
    # a stranger's wrong passwords never lock the account's owner out.
    "login_failed": "10/m/ip,5/300s/key",
    "signup": "20/m/ip",
    # Per address, as Parley caps its own confirmation emails (five an hour): allauth's
    # 5/m/key let anyone have 300 reset (or "no account here") emails an hour sent to any
    # address, from as many networks as they like.
    "reset_password": "20/m/ip,5/h/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    # Signup and "resend" confirmations to one address: any number of accounts may claim it
    # unverified (strict enumeration prevention), each mailing it; five an hour, as Parley's
    # own confirmation emails. Past it allauth sends nothing (the links sent still work) and
    # core.accounts.confirmation_limit_install has the page say so, and when to try again.
    "confirm_email": "1/180s/key,5/h/key",
}

# ---------------------------------------------------------------------------
# Comments: django-comments-xtd on django-contrib-comments, with Parley's own model and form
# https://django-comments-xtd.readthedocs.io/en/latest/
# ---------------------------------------------------------------------------
PARLEY_THREAD_DEPTH = env.int("PARLEY_THREAD_DEPTH", default=5)
PARLEY_THREADS_PER_PAGE = env.int("PARLEY_THREADS_PER_PAGE", default=50)
# Comments a page shows in whole threads; later threads on the page show their first comment
# and a "Show N replies" link to the whole thread.
PARLEY_COMMENTS_PER_PAGE = env.int("PARLEY_COMMENTS_PER_PAGE", default=100)
# The orders the article page knows (comments.selectors.ORDERS, which a test holds equal).
PARLEY_COMMENT_ORDERS = ("oldest", "newest", "best")
PARLEY_COMMENT_ORDER = env.choice(
    "PARLEY_COMMENT_ORDER", default="oldest", choices=PARLEY_COMMENT_ORDERS
)
PARLEY_COMMENT_EMAIL_REQUIRED = env.bool("PARLEY_COMMENT_EMAIL_REQUIRED", default=False)
# Days after publication when comments close by themselves; 0 keeps them open (articles can
# override this, or close comments by hand).
PARLEY_CLOSE_COMMENTS_AFTER_DAYS = env.int("PARLEY_CLOSE_COMMENTS_AFTER_DAYS", default=0)
# Minutes during which a commenter may edit their comment (deleting is always possible).
PARLEY_EDIT_MINUTES = env.int("PARLEY_EDIT_MINUTES", default=15)
# Moderation: the rules themselves are edited by admins (Admin → Moderation rules).
PARLEY_PENDING_SWEEP_AGE = env.int("PARLEY_PENDING_SWEEP_AGE", default=120)  # seconds
PARLEY_UNDO_MINUTES = env.int("PARLEY_UNDO_MINUTES", default=30)
# Webhooks may not point at loopback, private or link-local addresses (the server must not be
# made to post into its own network) unless this allows it, e.g. for a receiver on the LAN.
PARLEY_WEBHOOK_ALLOW_PRIVATE = env.bool("PARLEY_WEBHOOK_ALLOW_PRIVATE", default=False)
# Tests only: with no broker, post webhooks inside the committing request instead of from a
# background thread (a test's uncommitted rows are invisible to another thread).
PARLEY_WEBHOOK_INLINE_SYNC = False
# Rate limits as "requests/seconds", per action, for signed-in users and for guests (per
# client address). django-ratelimit counts them in the cache; if the cache is down they let
# requests through rather than fail them.
PARLEY_RATE_LIMITS = {
    "comment": {
        "user": env.rate("PARLEY_RATE_COMMENT_USER", default="10/60"),
        "guest": env.rate("PARLEY_RATE_COMMENT_GUEST", default="5/60"),
    },
    "report": {
        "user": env.rate("PARLEY_RATE_REPORT_USER", default="20/3600"),
        "guest": env.rate("PARLEY_RATE_REPORT_GUEST", default="5/3600"),
    },
    "follow": {
        "user": env.rate("PARLEY_RATE_FOLLOW_USER", default="30/3600"),
        "guest": env.rate("PARLEY_RATE_FOLLOW_GUEST", default="10/3600"),
    },
    "vote": {
        "user": env.rate("PARLEY_RATE_VOTE_USER", default="60/60"),
        "guest": env.rate("PARLEY_RATE_VOTE_GUEST", default="30/60"),
    },
    # Attempts to erase an account or an address's data: the form asks for the password,
    # so this is what keeps it from being guessed. Not a figure anyone needs to tune.
    "erase": {"user": "5/3600", "guest": "5/3600"},
    # Signed-out posts whose text is kept over a login (core.kept_post): each can write a
    # session row, so a client dropping its cookies cannot write one per request.
    "kept_post": {"user": "0/1", "guest": "10/3600"},
}
RATELIMIT_FAIL_OPEN = True
# Seconds an anonymous reader's article page is served from the cache (0: off). The entry is
# dropped at once when the page's visible content changes.
PARLEY_PAGE_CACHE_SECONDS = env.int("PARLEY_PAGE_CACHE_SECONDS", default=60)
# Seconds a reverse proxy or CDN may keep that page (its Cache-Control s-maxage): pages it
# keeps are not dropped on a change, so this is how stale a proxied page can be.
PARLEY_PAGE_PROXY_SECONDS = env.int("PARLEY_PAGE_PROXY_SECONDS", default=5)
# Number of reverse proxies in front of Parley that append to X-Forwarded-For; 0 trusts
# nobody and takes REMOTE_ADDR. allauth is told the same (core.accounts.AccountAdapter).
PARLEY_TRUSTED_PROXY_COUNT = env.int("PARLEY_TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = PARLEY_TRUSTED_PROXY_COUNT

# Asked before a comment is stored: may refuse the poster or shadow-ban them (the bans).
PARLEY_COMMENT_SCREEN = "moderation.services.bans.comment_screen"
# Asked as a comment is stored: with scoring inline, the scorer's verdict is stored with it.
PARLEY_COMMENT_JUDGE = "moderation.services.scoring.comment_judge"
# Asked by the article page: who may moderate its comments in place (moderators; authors on
# their own articles when the moderation rules allow it).
PARLEY_COMMENT_MODERATION_CHECK = "moderation.permissions.comment_moderation_allowed"
# Asked by votes and the article page: down votes on or off, the default order, and when
# down votes put a comment in front of the moderators (which the second hook does).
# Guests (each browser one voter) who may vote on one comment from one address (its /64
# for IPv6): a browser that drops its cookie is a new voter, so the address caps them.
PARLEY_VOTE_GUESTS_PER_ADDRESS = env.int("PARLEY_VOTE_GUESTS_PER_ADDRESS", default=3)
PARLEY_VOTE_RULES = "moderation.hooks.vote_rules"
PARLEY_VOTES_REPORT = "moderation.hooks.comment_down_voted"
# Asked by emailed links that name a row by its id alone (from before they named the
# address too): when a backup was last restored here, since ids before it may name other rows.
PARLEY_RESTORED_AT = "transfer.selectors.restore_last_at"

COMMENTS_APP = "django_comments_xtd"
COMMENTS_XTD_MODEL = "comments.models.Comment"
COMMENTS_XTD_FORM_CLASS = "comments.forms.CommentForm"
# xtd's confirmation and mute links carry pickled, never-expiring payloads: they are off and
# their URLs are not mounted. The salt is set anyway so nothing signs with an empty one.
COMMENTS_XTD_CONFIRM_EMAIL = False
COMMENTS_XTD_SALT = b"parley.comments"
COMMENTS_XTD_MAX_THREAD_LEVEL = PARLEY_THREAD_DEPTH - 1
COMMENTS_XTD_THREADED_EMAILS = False
COMMENT_MAX_LENGTH = env.int("PARLEY_COMMENT_MAX_LENGTH", default=3000)
COMMENTS_TIMEOUT = 2 * 60 * 60

# Request limits, stated rather than left to Django's defaults. A comment is at most
# COMMENT_MAX_LENGTH characters and an article a few hundred KiB, so a larger body is refused
# with a 400 that says why, before it is read (nginx is given the same figure in
# deploy/nginx-parley.conf). The moderation queue sends at most 200 ids at a time.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("PARLEY_MAX_BODY_BYTES", default=1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 1
# A file upload larger than this is spooled to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 512 * 1024  # 2.5 MiB

# ---------------------------------------------------------------------------
# Internationalisation and static files
# ---------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
# The languages Parley ships complete catalogues for (locale/). A reader's language comes
# from the footer's switcher (the django_language cookie), then Accept-Language, then
# LANGUAGE_CODE; tests/config/test_translations.py fails on any string left untranslated.
LANGUAGES = [("en-gb", "English"), ("de", "Deutsch"), ("uk", "Українська")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates are written with each language's DATE_FORMAT and DATETIME_FORMAT; config/formats
# keeps British English's month in full, as Parley has always shown it.
FORMAT_MODULE_PATH = ["config.formats"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files uploaded in the admin for import (transfer.ImportRun): private, never served, and
# deleted once their import has run. Celery workers must see the same folder.
MEDIA_ROOT = env.path("PARLEY_UPLOAD_DIR", default=BASE_DIR / ".uploads")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# ---------------------------------------------------------------------------
# Security: on by default, production hardening when DEBUG=0
# https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
# ---------------------------------------------------------------------------
CSRF_FAILURE_VIEW = "comments.views_refused.csrf_failure"
# Content-Security-Policy (django-csp): no inline scripts or styles anywhere, no plugins, no
# framing, forms only to this site. https://django-csp.readthedocs.io/
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
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
if PARLEY_TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# A monitor asking gunicorn directly, over plain HTTP, must see the health itself: redirected
# to HTTPS it would get a 301 whatever the health.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    # Preload is a request to be built into browsers as HTTPS-only, this domain and every
    # subdomain, which takes months to undo: the site's owner asks for it, not a default.
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    # Django's deploy check (security.W021) calls that off setting an oversight; here it is
    # the default by choice, and README says how to opt in.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SESSION_COOKIE_SAMESITE = "Lax"
    CSRF_COOKIE_HTTPONLY = True
    LANGUAGE_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {
        "no_client_tracebacks": {"()": "core.log_filters.ClientErrorsWithoutTraceback"},
        "health_check_warnings_dropped": {"()": "core.log_filters.HealthCheckWarningsDropped"},
        "outages_in_one_line": {"()": "core.log_filters.OutagesInOneLine"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": [
                "no_client_tracebacks",
                "health_check_warnings_dropped",
                "outages_in_one_line",
            ],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own console handler (DEBUG only) wrote each django.* record a second
        # time, unfiltered: a reader refused (403) or sending too much (400) printed a
        # traceback. Every record goes through the console handler above instead.
        "django": {"handlers": [], "level": "INFO"},
        "django.db.backends": {"level": "WARNING"},
    },
}
