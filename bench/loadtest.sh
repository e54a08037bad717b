#!/usr/bin/env bash
# Load test: gunicorn on 127.0.0.1 serving a seeded database, locust headless for a bounded time.
#
#   bench/loadtest.sh --database postgres --size 10k --users 20 --duration 30s
#   bench/loadtest.sh --database sqlite --size 10k --users 10 --duration 30s --workers 2
#
# Prints requests/s, p50, p95, p99 and the error count per request type and overall; the raw
# locust CSVs stay in var/bench/loadtest/. gunicorn is stopped on exit, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."

database=postgres size=10k users=20 duration=30s workers=2 threads=1 port=8765 spawn_rate=10 members=10
while [ $# -gt 0 ]; do
  case "$1" in
    --database) database=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --users) users=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --spawn-rate) spawn_rate=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

export DJANGO_SETTINGS_MODULE=bench.settings
# Several gunicorn workers must share one cache, or a change made through one worker would not
# show through the others (forum/caching/page_cache.py). Database 1, emptied first, is the load test's.
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/1}
redis-cli -u "$REDIS_URL" flushdb > /dev/null
redis_stats() { redis-cli -u "$REDIS_URL" info stats | tr -d '\r' | grep -E '^keyspace_(hits|misses):'; }
redis_before=$(redis_stats)
if [ "$database" = postgres ]; then
  export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/evident_bench_$size}
  # Each run starts from a vacuumed database: the replies and votes of earlier runs leave dead row
  # versions in the topics they touch (a three-minute run is below autovacuum's thresholds), and
  # run after run slowed every read of those topics: 253 requests/s before this, 229 after five runs.
  psql "$DATABASE_URL" -qc "VACUUM (ANALYZE)"
else
  unset DATABASE_URL
  export EVIDENT_VAR_DIR=$PWD/var/bench/$size
  [ -f "$EVIDENT_VAR_DIR/evident.sqlite3" ] || { echo "seed var/bench/$size first (bench/README.md)" >&2; exit 1; }
fi

out=var/bench/loadtest
mkdir -p "$out"
prefix="$out/${database}-${size}-$(date +%Y%m%d-%H%M%S)"
export BENCH_TARGETS="$prefix-targets.json"
export BENCH_CACHE_STATS="$prefix-page-cache.json"
.venv/bin/python bench/sessions.py --members "$members" > "$BENCH_TARGETS"

# No access log, as the README's production command runs it (the proxy in front logs requests):
# one sent to /dev/null is still written, a line formatted for every request.
.venv/bin/gunicorn config.wsgi:application --bind "127.0.0.1:$port" --workers "$workers" --threads "$threads" \
  --error-logfile "$prefix-gunicorn.log" &
gunicorn_pid=$!
# The task worker sends the mail replies cause and re-checks quotes, as in production.
.venv/bin/python manage.py db_worker > "$prefix-worker.log" 2>&1 &
worker_pid=$!
trap 'kill "$gunicorn_pid" "$worker_pid" 2>/dev/null; wait "$gunicorn_pid" "$worker_pid" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  curl -fs -o /dev/null "http://127.0.0.1:$port/" && break
  sleep 0.2
done

# CPU seconds used so far by the given processes (utime + stime from /proc): where the two cores
# went, so the server's own cost per request is known apart from the load generator's.
cpu_of() {
  .venv/bin/python - "$@" <<'PY'
import os, sys
total = 0
for pid in sys.argv[1:]:
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        continue
    total += int(fields[11]) + int(fields[12])
print(f"{total / os.sysconf('SC_CLK_TCK'):.2f}")
PY
}
server_pids() { echo "$gunicorn_pid" $(pgrep -P "$gunicorn_pid" || true); }
server_cpu_before=$(cpu_of $(server_pids))
worker_cpu_before=$(cpu_of "$worker_pid")
started=$(date +%s)

/usr/bin/time -f "%U %S" -o "$prefix-locust-cpu" .venv/bin/locust -f bench/locustfile.py --headless \
  --host "http://127.0.0.1:$port" --users "$users" --spawn-rate "$spawn_rate" --run-time "$duration" \
  --only-summary --csv "$prefix" > "$prefix-locust.log" 2>&1 || true
redis_after=$(redis_stats)
elapsed=$(( $(date +%s) - started ))
server_cpu=$(awk -v a="$(cpu_of $(server_pids))" -v b="$server_cpu_before" 'BEGIN {print a - b}')
worker_cpu=$(awk -v a="$(cpu_of "$worker_pid")" -v b="$worker_cpu_before" 'BEGIN {print a - b}')
locust_cpu=$(awk '{print $1 + $2}' "$prefix-locust-cpu")

echo "### Load test: $database, $size, $users users, $duration, gunicorn $workers workers x $threads threads"
echo
.venv/bin/python - "$prefix" "$redis_before" "$redis_after" "$elapsed" "$server_cpu" "$worker_cpu" "$locust_cpu" \
  "$workers" <<'PY'
import csv, json, os, sys
prefix = sys.argv[1]
rows = list(csv.DictReader(open(f"{prefix}_stats.csv")))
print("| Request | Requests | Errors | Req/s | p50 ms | p95 ms | p99 ms |")
print("|---|---:|---:|---:|---:|---:|---:|")
for row in rows:
    name = row["Name"] if row["Name"] != "Aggregated" else "**all**"
    print(f"| {name} | {row['Request Count']} | {row['Failure Count']} | {float(row['Requests/s']):.1f} | "
          f"{row['50%']} | {row['95%']} | {row['99%']} |")
failures = open(f"{prefix}_failures.csv").read().strip().splitlines()[1:]
for line in failures:
    print("error:", line)
pages = json.load(open(f"{prefix}-page-cache.json"))
total = sum(pages.values()) or 1
print()
print(f"Topic pages: {pages.get('hit', 0)} from the page cache ({100 * pages.get('hit', 0) / total:.1f}%), "
      f"{pages.get('stored', 0)} rendered for a visitor and stored; members' pages: {pages.get('member-hit', 0)} "
      f"from the shared copy, {pages.get('member-stored', 0)} rendered and shared, {pages.get('none', 0)} "
      "rendered for the member alone (redirects to where they stopped reading among them).")
stats = [dict(line.split(":") for line in arg.split()) for arg in sys.argv[2:4]]
hits, misses = (int(stats[1][k]) - int(stats[0][k]) for k in ("keyspace_hits", "keyspace_misses"))
print(f"Redis look-ups during the run: {hits} hits, {misses} misses ({100 * hits / max(1, hits + misses):.1f}% hits; "
      "the server's own counters, so any other client of the same Redis server counts too).")
elapsed, server, worker, locust = (float(v) for v in sys.argv[4:8])
requests = int(next(r for r in rows if r["Name"] == "Aggregated")["Request Count"])
cores = os.cpu_count() or 1
print(f"CPU over the run's {elapsed:.0f} s ({cores} cores, {cores * elapsed:.0f} CPU-seconds in all): gunicorn "
      f"{server:.0f} s ({1000 * server / max(1, requests):.1f} ms a request), task worker {worker:.0f} s, locust "
      f"{locust:.0f} s; PostgreSQL and Redis the rest. At that cost {sys.argv[8]} workers with a core each would "
      f"serve about {requests / max(server, 0.01) * min(int(sys.argv[8]), cores):.0f} requests/s.")
PY
