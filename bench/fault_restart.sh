#!/usr/bin/env bash
# PostgreSQL restarted under load (issue 8, faults). Not run in CI: it restarts PostgreSQL.
#   bench/fault_restart.sh [--duration 60] [--restart-at 20] [--clients 8] [--reseed]
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python bench/fault_restart.py "$@"
