"""In-process render time of each public page with the page cache off: `make bench` (first part).

What a page costs Django itself, without a network, a server or Redis: the embedded default
(`make run`: SQLite, the database cache, no page cache) with DEBUG off, through the test client,
on a throwaway SQLite database seeded by the migrations. Per page: its queries, the Python
function calls of one request (cProfile; a count, so the machine's load does not move it) and
the median CPU time of this process for one request (time.process_time: other processes' load
moves it far less than wall-clock time) over many requests, taken in rounds that visit every
page in turn so that a burst of load elsewhere falls on all of them alike. No process keeps
anything between requests, so every request is what the first after an editor's save costs.
`/robots.txt` is the floor (no query, every middleware). Compare the columns within one run:
absolute times follow the machine's load.

    .venv/bin/python bench/render.py [--rounds 200] [--output bench/out/render.md]
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.run import FLOOR, STATIC  # noqa: E402 - needs the project on sys.path first
from bench.run import PAGES as SERVED_PAGES  # noqa: E402

PAGES = [page for page in SERVED_PAGES if page != STATIC]


def setup(database_path):
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "clinic_site.settings",
            "DEBUG": "",
            "SECRET_KEY": "bench-render-not-a-secret",
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "false",
            "PLAIN_STATIC_STORAGE": "true",
            "DATABASE_URL": f"sqlite:///{database_path}",
            "REDIS_URL": "",
            "PUBLIC_PAGE_CACHE_SECONDS": "0",
            "LOG_LEVEL": "ERROR",
        }
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", "--no-input", verbosity=0)
    call_command("createcachetable", verbosity=0)


def profiled_calls(client, path):
    profile = cProfile.Profile()
    profile.enable()
    client.get(path)
    profile.disable()
    return pstats.Stats(profile).total_calls


def measure(rounds, warmup=5):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    results = {}
    for _label, path in PAGES:
        for _ in range(warmup):
            assert client.get(path).status_code == 200, path
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        count = len(queries)  # before the next request clears the connection's log
        results[path] = {"queries": count, "calls": profiled_calls(client, path), "times": []}
    for _ in range(rounds):
        for _label, path in PAGES:
            start = time.process_time()
            client.get(path)
            results[path]["times"].append((time.process_time() - start) * 1000)
    for result in results.values():
        result["ms"] = statistics.median(result.pop("times"))
    return results


def render(results, rounds):
    floor = results[FLOOR]["ms"]
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    lines = [
        f"In-process, page cache off (embedded default: SQLite, database cache), DEBUG off, test client; "
        f"median of {rounds} rounds; load average {load} at the end.",
        "",
        "| page | path | queries | Python calls | CPU ms (median) | x floor time |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for label, path in PAGES:
        result = results[path]
        lines.append(
            f"| {label} | `{path}` | {result['queries']} | {result['calls']:,} | {result['ms']:.2f} | "
            f"{result['ms'] / floor:.1f} |"
        )
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--output", default=str(ROOT / "bench" / "out" / "render.md"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        setup(Path(directory) / "bench.sqlite3")
        report = render(measure(args.rounds), args.rounds)
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(report)
    print(report)


if __name__ == "__main__":
    main()
