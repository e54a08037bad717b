"""Evident's settings: one module, driven by the environment.

Every value has a safe development default so `make run` works on a fresh clone; production
sets DEBUG=false, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL (see README, "Deploy").
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("EVIDENT_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-3f9c1e7a5b2d4e6f8a0b"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# An expired form token shows the usual page, with any composer text handed back.
CSRF_FAILURE_VIEW = "forum.site_views.errors.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.orcid",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.usersessions",
    "django_tasks",
    "django_tasks_db",
    "accounts",
    "forum",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "forum.caching.page_cache.VisitorPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "config.security.RefuseNulCharactersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "accounts.second_factor.SecondFactorRequiredMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "forum.context_processors.site",
            ],
        },
    },
    {
        # Templates rendered once per post or topic on a page, where Django's template language
        # made a cold 100-post page slow (config/jinja_env.py). Looked for after the Django
        # templates, in their own folder.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "config.jinja_env.environment", "keep_trailing_newline": True},
    },
]

# --- Database ------------------------------------------------------------------------------
# SQLite is the embedded default. WAL lets readers carry on while one writer writes, and
# IMMEDIATE transactions take the write lock at BEGIN, so two replies racing for the next
# post number queue up instead of failing with "database is locked" halfway through.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'evident.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A page's queries read a few hundred rows along an index. PostgreSQL would still plan some
    # of them in parallel (a study's latest citations, say): starting the workers cost more than
    # the query (8.6 ms against 3.5), and on a busy server they take cores from other requests.
    # 0 turns parallel plans off for the web's connections; a batch job may set it higher.
    workers = int(os.environ.get("DATABASE_PARALLEL_WORKERS", "0"))
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c max_parallel_workers_per_gather={workers}".strip()
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Cache (Redis when REDIS_URL is set) -----------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Redis down, stalled or restarted: pages render from the database, rate limits count in
    # each process's memory, and nothing Redis held before is trusted again (forum/caching/resilient_cache.py).
    REDIS_TIMEOUT = float(os.environ.get("REDIS_TIMEOUT", "0.25"))
    CACHES = {
        "default": {
            "BACKEND": "forum.caching.resilient_cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "evident",
            "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
            # While down, Redis is tried again after this many seconds.
            "RETRY_SECONDS": float(os.environ.get("REDIS_RETRY_SECONDS", "5")),
            # The longest a process trusts its copy of the cache epoch (the staleness bound).
            "EPOCH_SECONDS": float(os.environ.get("CACHE_EPOCH_SECONDS", "2")),
        }
    }
else:
    # One process's memory: post fragments and cached pages (20 entries a topic page) need room.
    CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("CACHE_MAX_ENTRIES", "20000"))},
    }}

# --- Background tasks ------------------------------------------------------------------------
# Immediate in development and tests; production sets TASKS_BACKEND to the database backend
# and runs `manage.py worker` (db_worker plus recovery of tasks whose worker died).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND") or "django_tasks.backends.immediate.ImmediateBackend",
    }
}

# --- Accounts ------------------------------------------------------------------------------
# Sessions are read from the cache and written through to the database: a member's topic page
# from the shared copy (forum/caching/member_pages.py) then costs no query for the session. With
# the cache down, sessions are read from the database (forum/caching/resilient_cache.py).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
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
LOGIN_REDIRECT_URL = "forum:latest"

ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_FORMS = {"login": "accounts.forms.LoginForm"}
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_USERNAME_MIN_LENGTH = 3
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Evident] "
# Changing an email address, a password or a second factor asks for the password (or a
# factor) again if the last sign-in is older than five minutes.
ACCOUNT_REAUTHENTICATION_REQUIRED = True

# --- Second factors and passkeys (allauth.mfa) ------------------------------------------------
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "Evident"
MFA_PASSKEY_LOGIN_ENABLED = True
# Browsers allow WebAuthn on http://localhost and 127.0.0.1 only; the library checks the origin
# itself and needs telling that plain http is fine there (development and the test server).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
# Moderators and administrators hide posts and verify clinicians: without a second factor,
# moderation sends them to set one up first. Off only for a local demo (`make run`).
FORUM_MODERATOR_SECOND_FACTOR = env_bool("FORUM_MODERATOR_SECOND_FACTOR", True)

# --- Sign-in with ORCID and a community's own OpenID Connect provider --------------------------
SOCIALACCOUNT_ADAPTER = "accounts.social.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # an address from a provider never opens an existing account
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
SOCIALACCOUNT_PROVIDERS = {
    "orcid": {
        # sandbox.orcid.org while trying it out; the public API reads the iD and name.
        "BASE_DOMAIN": os.environ.get("ORCID_BASE_DOMAIN", "orcid.org"),
        "MEMBER_API": False,
        "APPS": [{"client_id": os.environ["ORCID_CLIENT_ID"], "secret": os.environ.get("ORCID_CLIENT_SECRET", "")}]
        if os.environ.get("ORCID_CLIENT_ID") else [],
    },
    "openid_connect": {
        "APPS": [{
            "provider_id": os.environ.get("OIDC_PROVIDER_ID", "sso"),
            "name": os.environ.get("OIDC_PROVIDER_NAME", "Single sign-on"),
            "client_id": os.environ["OIDC_CLIENT_ID"],
            "secret": os.environ.get("OIDC_CLIENT_SECRET", ""),
            "settings": {"server_url": os.environ.get("OIDC_SERVER_URL", "")},
        }] if os.environ.get("OIDC_CLIENT_ID") and os.environ.get("OIDC_SERVER_URL") else [],
    },
}

# Rate limits: allauth's defaults apply (ACCOUNT_RATE_LIMITS unset): failed logins, sign-ups,
# password resets and verification mails are throttled; over the limit allauth renders 429.html.
# A member whose password sign-in is locked (five wrong guesses at their account, made by anyone)
# can still sign in with a code mailed to them; an account with a second factor is asked for it
# after the code as after a password.
ACCOUNT_LOGIN_BY_CODE_ENABLED = True

# --- Client addresses behind a proxy (config/client_address.py) ------------------------------
# How many proxies of ours stand in front of the web server, each appending to X-Forwarded-For:
# 1 for the README's nginx. 0 ignores the header (a forged one included) and keys every
# per-address limit on the connection's address. One answer for the whole site: allauth's
# adapter asks the same function, and allauth's own setting gets the same count.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT") or "0")
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# --- Email ---------------------------------------------------------------------------------
# Development: every message is printed to the console and written to var/mail/ as a file,
# so a person (or a test) can click the confirmation link.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "config.mail.ConsoleAndFileBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Evident <noreply@evident.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Static files ----------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Uploads (forum/uploads/storing.py). Files are served through forum.uploads.views, which
    # checks who may see them, so base_url is never handed to browsers. For S3-compatible object
    # storage see README "Deploying".
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": os.environ.get("EVIDENT_UPLOADS_DIR", str(VAR_DIR / "uploads"))},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

if os.environ.get("UPLOADS_S3_BUCKET"):
    # S3-compatible object storage (pip install ".[s3]"); credentials come from the usual
    # AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY environment variables that boto3 reads.
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": os.environ["UPLOADS_S3_BUCKET"],
        "endpoint_url": os.environ.get("UPLOADS_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("UPLOADS_S3_REGION") or None,
        "default_acl": "private", "querystring_auth": True, "file_overwrite": False,
    }}

# --- Security ------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Sent by config.security.ContentSecurityPolicyMiddleware. No inline script or style anywhere:
# scripts and stylesheets are static files, and JavaScript positions things through the CSSOM
# (element.style), which style-src does not govern. Images come from this site only: uploads
# are served by the site itself even with object storage (forum/uploads/views.py reads them
# through the storage API), and other sites' images in posts are links to the one page that shows
# such a picture on request, whose own policy adds https: (forum/discussion/views/external_images.py).
# data: and blob: URLs are never needed, so they are not allowed.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
if not DEBUG:
    CONTENT_SECURITY_POLICY["upgrade-insecure-requests"] = []
# Django's admin templates carry inline style attributes; its scripts are static files.
CONTENT_SECURITY_POLICY_ADMIN = {"style-src": ["'self'", "'unsafe-inline'"]}
CONTENT_SECURITY_POLICY_ADMIN_PREFIX = "/admin/"
# The largest request body Django will read (there are no file uploads). The largest field is a
# pasted BibTeX/RIS library, 200,000 characters, which fits even percent-encoded; anything bigger
# is refused with 413 (config.security.bad_request) before a form sees it.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * 1024 * 1024)
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Forum ---------------------------------------------------------------------------------
FORUM_POSTS_PER_PAGE = int(os.environ.get("FORUM_POSTS_PER_PAGE", "20"))
# Parts of topic pages are cached: each post's HTML under a key made of what it shows
# (forum/caching/post_fragments.py), the Evidence panel under the topic's generations (forum/caching/page_cache.py);
# and each member's bell count under theirs (forum/caching/notification_bell.py).
FORUM_FRAGMENT_CACHE = os.environ.get("FORUM_FRAGMENT_CACHE", "true").lower() in {"1", "true", "yes"}
# Visitors (not signed in) get whole topic pages from the cache, kept exact by generations
# (forum/caching/page_cache.py); a page is kept until a "3 minutes ago" on it would read
# differently, and this long at the most.
FORUM_PAGE_CACHE = os.environ.get("FORUM_PAGE_CACHE", "true").lower() in {"1", "true", "yes"}
FORUM_PAGE_CACHE_SECONDS = int(os.environ.get("FORUM_PAGE_CACHE_SECONDS", "600"))
# Open pages learn of new posts, edits and notifications without a reload (forum/live/pages.py).
FORUM_LIVE = os.environ.get("FORUM_LIVE", "true").lower() in {"1", "true", "yes"}
# Open pages ask /live/ whether what they show has changed; a request is held open this long
# while nothing has (forum/live/pages.py). 0 answers at once (plain polling). Keep it below the proxy's
# read timeout (nginx's default is 60 s).
FORUM_LIVE_WAIT_SECONDS = float(os.environ.get("FORUM_LIVE_WAIT_SECONDS", "55"))
# Search ranks the newest this many matches of a query; a common word on a big forum matches
# hundreds of thousands of posts, and ranking them all takes seconds (forum/search/posts.py).
FORUM_SEARCH_CANDIDATES = int(os.environ.get("FORUM_SEARCH_CANDIDATES", "1000"))
# How long a query's candidates are reused, with only posts written since read again (forum/search/
# reuse.py); edits, hides and deletes end the reuse at once. 0: every search starts afresh.
FORUM_SEARCH_REUSE_SECONDS = int(os.environ.get("FORUM_SEARCH_REUSE_SECONDS", "300"))
FORUM_TOPICS_PER_PAGE = int(os.environ.get("FORUM_TOPICS_PER_PAGE", "30"))
SITE_NAME = os.environ.get("SITE_NAME", "Evident")
# The address members reach the site at: every link in every mail is built from it
# (config/site_links.py). `make run` sets it to the address it serves; production must set it
# (`check --deploy` fails without it: evident.E001).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "")
# New members (until both thresholds pass) get limits that make spam unprofitable.
FORUM_NEW_USER_DAYS = int(os.environ.get("FORUM_NEW_USER_DAYS", "2"))
FORUM_NEW_USER_MIN_POSTS = int(os.environ.get("FORUM_NEW_USER_MIN_POSTS", "3"))
FORUM_NEW_USER_POSTS_PER_DAY = int(os.environ.get("FORUM_NEW_USER_POSTS_PER_DAY", "10"))
FORUM_NEW_USER_MAX_LINKS = int(os.environ.get("FORUM_NEW_USER_MAX_LINKS", "2"))
# Uploads (forum/uploads/storing.py): new members cannot upload at all.
FORUM_UPLOAD_MAX_BYTES = int(os.environ.get("FORUM_UPLOAD_MAX_BYTES", str(8 * 1024 * 1024)))
FORUM_UPLOADS_PER_DAY = int(os.environ.get("FORUM_UPLOADS_PER_DAY", "30"))
FORUM_UPLOAD_MAX_PIXELS = int(os.environ.get("FORUM_UPLOAD_MAX_PIXELS", str(40_000_000)))
# The pixels an upload may make the server decode, all frames of an animation counted: PNG, WebP
# and GIF are decoded in full, a JPEG at the fraction of its size the stored copy needs.
FORUM_UPLOAD_MAX_DECODED_PIXELS = int(os.environ.get("FORUM_UPLOAD_MAX_DECODED_PIXELS", str(24_000_000)))
FORUM_UPLOAD_MAX_DIMENSION = int(os.environ.get("FORUM_UPLOAD_MAX_DIMENSION", "2400"))
FORUM_UPLOAD_MAX_FRAMES = int(os.environ.get("FORUM_UPLOAD_MAX_FRAMES", "100"))
# Still images longer than this (either side, in pixels) are shown in posts as a thumbnail of
# this size that opens the full picture.
FORUM_UPLOAD_THUMBNAIL_DIMENSION = int(os.environ.get("FORUM_UPLOAD_THUMBNAIL_DIMENSION", "800"))
# Distinct uploads one post may show or link to (checked on every write, edits included).
FORUM_UPLOADS_PER_POST = int(os.environ.get("FORUM_UPLOADS_PER_POST", "10"))
# Everyone: posts per user and per IP address in a sliding minute (counted in the cache).
FORUM_POSTS_PER_MINUTE_PER_USER = int(os.environ.get("FORUM_POSTS_PER_MINUTE_PER_USER", "6"))
FORUM_POSTS_PER_MINUTE_PER_IP = int(os.environ.get("FORUM_POSTS_PER_MINUTE_PER_IP", "30"))
# How many @mentions in one post notify anyone.
FORUM_NEW_USER_MAX_MENTIONS = int(os.environ.get("FORUM_NEW_USER_MAX_MENTIONS", "3"))
FORUM_MAX_MENTIONS = int(os.environ.get("FORUM_MAX_MENTIONS", "20"))
# Distinct trusted members whose spam flags hide a post until a moderator reviews it.
FORUM_SPAM_FLAGS_TO_HIDE = int(os.environ.get("FORUM_SPAM_FLAGS_TO_HIDE", "3"))

# --- Study references (Crossref, PubMed) ----------------------------------------------------
CROSSREF_API_URL = os.environ.get("CROSSREF_API_URL", "https://api.crossref.org")
PUBMED_API_URL = os.environ.get("PUBMED_API_URL", "https://eutils.ncbi.nlm.nih.gov/entrez/eutils")
REFERENCES_CONTACT_EMAIL = os.environ.get("REFERENCES_CONTACT_EMAIL", "admin@evident.example")
REFERENCES_HTTP_TIMEOUT = float(os.environ.get("REFERENCES_HTTP_TIMEOUT", "10"))
REFERENCES_MAX_RETRIES = int(os.environ.get("REFERENCES_MAX_RETRIES", "3"))
# A registry that could not be reached is tried again in the background (forum/evidence/
# lookup_retries.py): first after this many seconds, doubling, for up to REFERENCES_RETRY_FOR.
REFERENCES_RETRY_BACKOFF = float(os.environ.get("REFERENCES_RETRY_BACKOFF", "60"))
REFERENCES_RETRY_FOR = float(os.environ.get("REFERENCES_RETRY_FOR", "86400"))
# Searching the registries by title from "Add reference" (forum/evidence/study_search.py): a
# member is waiting, so Crossref and PubMed together get this many seconds, and each member this
# many registry searches a minute (the library answers past it).
REFERENCES_SEARCH_TIMEOUT = float(os.environ.get("REFERENCES_SEARCH_TIMEOUT", "4"))
REFERENCES_SEARCHES_PER_MINUTE = int(os.environ.get("REFERENCES_SEARCHES_PER_MINUTE", "40"))
# Registry status of cited trials (ClinicalTrials.gov API v2) and open-access copies (Unpaywall),
# fetched in the background after a study's look-up or refresh (forum/evidence/registry_status.py,
# forum/references/unpaywall.py). Unpaywall requires a contact address on every request.
CLINICALTRIALS_BASE_URL = os.environ.get("CLINICALTRIALS_BASE_URL", "https://clinicaltrials.gov")
UNPAYWALL_BASE_URL = os.environ.get("UNPAYWALL_BASE_URL", "https://api.unpaywall.org")
UNPAYWALL_EMAIL = os.environ.get("UNPAYWALL_EMAIL", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# --- Task worker faults (forum/operations/task_queue.py) -------------------------------------------------
# `manage.py worker` says it is alive this often (a row per worker, forum/operations/task_queue.py); a
# worker not heard from for TASKS_HEARTBEAT_TIMEOUT is dead (kill -9, OOM, reboot), and its task
# runs again. The timeout is several beats, so one slow beat does not count as a death.
TASKS_HEARTBEAT_INTERVAL = float(os.environ.get("TASKS_HEARTBEAT_INTERVAL", "5"))
TASKS_HEARTBEAT_TIMEOUT = float(os.environ.get("TASKS_HEARTBEAT_TIMEOUT", "30"))
# A task RUNNING longer than this on a worker that keeps no heartbeat (django-tasks-db's plain
# db_worker) is taken to have lost it. Longer than any task takes: a study look-up with its
# retries is well under a minute.
TASKS_VISIBILITY_TIMEOUT = int(os.environ.get("TASKS_VISIBILITY_TIMEOUT", "600"))
# Tries of a task that keeps failing (or whose worker keeps dying), then it stays FAILED.
TASKS_MAX_ATTEMPTS = int(os.environ.get("TASKS_MAX_ATTEMPTS", "4"))
# Seconds before the second try; doubled for each further one.
TASKS_RETRY_BACKOFF = int(os.environ.get("TASKS_RETRY_BACKOFF", "30"))
# /healthz and `manage.py task_queue` call the worker "behind" when a task waits longer than this.
TASKS_ALERT_WAIT_SECONDS = int(os.environ.get("TASKS_ALERT_WAIT_SECONDS", "300"))
# /healthz shows its details to staff and to requests with "Authorization: Bearer <token>".
HEALTHZ_TOKEN = os.environ.get("HEALTHZ_TOKEN", "")
# Load balancers probe over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
