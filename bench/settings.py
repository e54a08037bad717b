"""Settings for benchmarks and the load test: production behaviour (DEBUG off) on loopback.

Everything comes from config.settings and the environment as in production; the differences are
only what a benchmark on this machine needs:

* the bench urlconf, which adds the "floor" view (prebuilt bytes through the same middleware);
* plain static storage, so pages render without running collectstatic first (static files are
  served by WhiteNoise and are not what these figures measure);
* no HTTPS redirect or secure-only cookies, since the load test speaks plain HTTP on 127.0.0.1;
* posting rate limits raised, because one benchmark member posts many replies a minute;
* mail kept in memory (locmem), since there is no mail server;
* background tasks queued in the database as in production (a reply's figure includes queueing
  its mail, not writing and sending it; the load test runs a worker).
"""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret-" + "0" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("FORUM_POSTS_PER_MINUTE_PER_USER", "1000000")
os.environ.setdefault("FORUM_POSTS_PER_MINUTE_PER_IP", "1000000")
os.environ.setdefault("LOG_LEVEL", "WARNING")
# Mail goes nowhere: notification emails are counted, not sent.
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ.setdefault("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")

from config.settings import *  # noqa: E402,F401,F403
from config.settings import STORAGES  # noqa: E402

ROOT_URLCONF = "bench.urls"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0

import warnings  # noqa: E402

# WhiteNoise looks for collected static files that benchmarks never build.
warnings.filterwarnings("ignore", "No directory at", UserWarning)
