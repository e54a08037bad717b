"""Settings come from the environment, and production values pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-secret-" + "x7Q2p9Lm4Rt8Vw1Zs6Yk3Nb5Hc0Jd" * 2,
    "ALLOWED_HOSTS": "forum.example.org",
    "DATABASE_URL": "sqlite:////tmp/evident-deploy-check.sqlite3",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "SITE_URL": "https://forum.example.org",
    "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    "TRUSTED_PROXY_COUNT": "1",
}


def test_production_settings_pass_check_deploy():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_that_a_per_process_cache_cannot_keep_cached_pages_exact():
    env = {k: v for k, v in PRODUCTION.items() if k != "REDIS_URL"}

    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **env)

    assert result.returncode != 0
    assert "evident.W001" in result.stdout + result.stderr


@pytest.mark.parametrize("forgotten, warning", [("TASKS_BACKEND", "evident.W020"), ("TRUSTED_PROXY_COUNT", "evident.W021")])
def test_check_deploy_warns_about_a_forgotten_task_queue_or_proxy_count(forgotten, warning):
    env = {**PRODUCTION, forgotten: ""}  # empty counts as unset

    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **env)

    assert result.returncode != 0
    assert warning in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION, "SECRET_KEY": ""}

    result = run_manage("check", **env)

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_redis_url_switches_the_cache_to_redis_that_survives_an_outage():
    result = run_manage(
        "shell", "-c", "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )

    assert result.stdout.strip().splitlines()[-1] == "forum.caching.resilient_cache.ResilientRedisCache"


def test_sqlite_runs_in_wal_mode(tmp_path):
    result = run_manage(
        "shell", "-c",
        "from django.db import connection; c = connection.cursor(); c.execute('PRAGMA journal_mode'); "
        "print(c.fetchone()[0])",
        DATABASE_URL=f"sqlite:///{tmp_path / 'wal.sqlite3'}",
    )

    assert result.stdout.strip().splitlines()[-1] == "wal", result.stderr


def show_on_postgres(setting: str, url: str = "postgres://postgres@127.0.0.1:5432/postgres", **env):
    result = run_manage(
        "shell", "-c",
        f"from django.db import connection; c = connection.cursor(); c.execute('SHOW {setting}'); print(c.fetchone()[0])",
        DATABASE_URL=url, **env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_postgres_connections_plan_no_parallel_workers_unless_asked():
    # Starting parallel workers for a page's small queries cost more than they saved.
    assert show_on_postgres("max_parallel_workers_per_gather") == "0"
    assert show_on_postgres("max_parallel_workers_per_gather", DATABASE_PARALLEL_WORKERS="2") == "2"


def test_postgres_options_given_in_the_database_url_are_kept():
    url = "postgres://postgres@127.0.0.1:5432/postgres?options=-c%20statement_timeout%3D4321"

    assert show_on_postgres("statement_timeout", url) == "4321ms"
    assert show_on_postgres("max_parallel_workers_per_gather", url) == "0"
