"""The server's CPU for one address, asked again and again over HTTP: a running gunicorn's workers'
CPU time (utime + stime from /proc) divided by the requests, with the client in its own process.

    .venv/bin/python bench/server_cpu.py --port 8766 --path "/t/slug/1477/?page=3" --requests 2000 \\
        [--cookie "sessionid=..."]

Start gunicorn first as bench/loadtest.sh does (bench.settings, the database and REDIS_URL it
uses), e.g. `.venv/bin/gunicorn config.wsgi:application --bind 127.0.0.1:8766 --workers 1`; a
member's session id is in the targets file bench/sessions.py writes. The first 20 requests warm
the caches and are not counted: a topic page's figure is then a visitor's page from the page
cache, or a member's from the shared copy.
"""

import argparse
import http.client
import os
import subprocess
import time


def _cpu_seconds(pids: list[str]) -> float:
    total = 0
    for pid in pids:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--path", required=True)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--cookie")
    args = parser.parse_args()
    # As a browser asks (locust sends the same): gzip accepted, the member's cookie if any.
    headers = {"Accept-Encoding": "gzip, deflate, br", **({"Cookie": args.cookie} if args.cookie else {})}
    master = subprocess.check_output(["pgrep", "-f", f"bind 127.0.0.1:{args.port}"], text=True).split()[0]
    workers = subprocess.check_output(["pgrep", "-P", master], text=True).split()

    def get():
        connection = http.client.HTTPConnection("127.0.0.1", args.port)
        connection.request("GET", args.path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        connection.close()
        return response, body

    for _ in range(20):
        get()
    cpu, started = _cpu_seconds(workers), time.perf_counter()
    for _ in range(args.requests):
        response, body = get()
    wall = time.perf_counter() - started
    print(f"{args.path}: {response.status}, X-Page-Cache {response.getheader('X-Page-Cache')}, {len(body)} bytes; "
          f"server CPU {1000 * (_cpu_seconds(workers) - cpu) / args.requests:.3f} ms a request, "
          f"wall {1000 * wall / args.requests:.3f} ms")


if __name__ == "__main__":
    main()
