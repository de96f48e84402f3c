"""The benchmark behind bench/RESULTS.md: `make bench` (by hand, not in CI).

In one run, on a throwaway PostgreSQL database it creates and drops:

1. Serves the site as production does (gunicorn, 2 workers, DEBUG off, hashed and compressed
   static files through whitenoise, Redis cache) on 127.0.0.1.
2. Measures each public page with wrk (`-t2 -c16 -d10s --latency`, after a warm-up): requests
   per second, p50 and p99 latency, and throughput as a ratio of the trivial view (`/robots.txt`,
   no query, full middleware), and on a second server beside it with the page cache off, as a
   ratio of that server's floor; each page on both back to back, so a shared machine's load falls
   on both of a pair alike, and the pair printed (no page may be slower with the cache on).
   Targets: every public page at least 0.5 of it with the page cache, 0.15 without.
3. Counts each page's queries (in-process test client, same database and settings) and its
   transferred size with `Accept-Encoding: gzip, br`.
4. Times the admin change list (first page, a status filter, a search by reference and by last
   name) with 100 appointment requests, then with 100,000 (bulk-inserted): target at most 2x.
5. Times the reports page (default 12 weeks, and 52 weeks) and its CSV with 1,000 requests,
   then with 100,000 (a year of history): target under 300 ms and at most 2x.

Needs /usr/bin/wrk (apt-get install wrk), PostgreSQL (DATABASE_URL's server if it is
PostgreSQL, else postgres://postgres@127.0.0.1:5432) and Redis (REDIS_URL or 127.0.0.1:6379).
"""

import argparse
import datetime
import gzip
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.live import (  # noqa: E402 - needs the project on sys.path first
    GunicornServer,
    ThrowawayDatabase,
    delete_redis_keys,
    production_env,
    unique_name,
)

WRK = os.environ.get("WRK", "/usr/bin/wrk")
ARTICLE = "/articles/the-link-between-iron-deficiency-and-restless-leg-syndrome/"
FLOOR = "/robots.txt"
STATIC = ("static file (whitenoise)", "<static css/site.css>")
# Every public page (both languages), after the floor; bench/render.py times the same ones.
PAGES = [
    ("trivial view (floor)", FLOOR),
    STATIC,
    ("home", "/"),
    ("articles", "/articles/"),
    ("article", ARTICLE),
    ("locations", "/locations/"),
    ("office", "/locations/medical-center-drive/"),
    ("request form (GET)", "/appointments/request/"),
    ("privacy", "/privacy/"),
    ("home, Spanish", "/es/"),
    ("article, Spanish", "/es" + ARTICLE),
    ("office, Spanish", "/es/locations/dean-martin/"),
    # Query strings bypass the page cache: with it on they must cost no more than with it off.
    ("request form, office chosen", "/appointments/request/?location=medical-center-drive"),
    ("articles, ?page=", "/articles/?page=1"),
]
QUERY_PAGES = [label for label, path in PAGES if "?" in path]
PUBLIC_PAGES = {label for label, _path in PAGES[2:]}
LAST_NAMES = [
    "Garcia", "Hernandez", "Martinez", "Lopez", "Gonzalez", "Rodriguez", "Perez", "Sanchez", "Ramirez", "Torres",
    "Flores", "Rivera", "Gomez", "Diaz", "Reyes", "Morales", "Cruz", "Ortiz", "Gutierrez", "Chavez",
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson", "Taylor",
]  # fmt: skip
FIRST_NAMES = ["Maria", "Jose", "Juan", "Ana", "Luis", "Carmen", "Rosa", "Jesus", "Linda", "James", "Mary", "Robert"]


def log(message):
    print(message, file=sys.stderr, flush=True)


# --- wrk --------------------------------------------------------------------------------------


def to_ms(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


def wrk(url, threads, connections, duration):
    result = subprocess.run(
        [WRK, f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", url],
        capture_output=True,
        text=True,
        timeout=duration + 60,
        check=True,
    )
    out = result.stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": to_ms(re.search(r"\s50%\s+(\S+)", out).group(1)),
        "p99": to_ms(re.search(r"\s99%\s+(\S+)", out).group(1)),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def transferred(url):
    """Body bytes on the wire as a browser asks for them, and the encoding the server chose."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip, br"})
    with urllib.request.urlopen(request, timeout=30) as response:
        compressed = len(response.read())
        encoding = response.headers.get("Content-Encoding", "none")
        cache_control = response.headers.get("Cache-Control", "")
    with urllib.request.urlopen(url, timeout=30) as response:
        body = response.read()
    # What the body would weigh if something in front compressed it (a TLS proxy usually does).
    return {
        "bytes": compressed,
        "plain_bytes": len(body),
        "gzip_bytes": len(gzip.compress(body, compresslevel=6)),
        "encoding": encoding,
        "cache_control": cache_control,
    }


# --- in-process Django (query counts, admin timings) ----------------------------------------


def setup_django(env):
    os.environ.update(env)
    import django

    django.setup()


def count_queries(paths):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    counts = {}
    for path in paths:
        runs = []
        for _ in range(2):  # cold caches, then warm
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            runs.append(len(queries))
        counts[path] = tuple(runs)
    return counts


def load_requests(total, queue=10, seed=7):
    """Bring the table to `total` appointment requests with plausible, varied data: a year of
    history, mostly closed, and a front-desk queue of `queue` new requests (a clinic clears its
    queue daily, however long its history), so the "new" filter shows the same rows at any size."""
    from django.db import connection, transaction

    from appointments.models import REFERENCE_ALPHABET, AppointmentRequest
    from locations.models import Location

    rng = random.Random(seed + total)
    offices = list(Location.objects.all())
    existing = set(AppointmentRequest.objects.values_list("reference", flat=True))
    needed = total - len(existing)
    today = datetime.date.today()
    statuses = ["closed"] * 92 + ["contacted"] * 3 + ["scheduled"] * 5
    batch = []
    now = datetime.datetime.now(datetime.UTC)
    while len(batch) < needed:
        reference = "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(8))
        if reference in existing:
            continue
        existing.add(reference)
        status = rng.choice(statuses)
        batch.append(
            AppointmentRequest(
                reference=reference,
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                phone=f"+1915{rng.randint(2000000, 9999999)}",
                email=rng.choice(["", "", f"patient{rng.randint(1, 10**6)}@example.org"]),
                location=rng.choice(offices),
                preferred_date=today + datetime.timedelta(days=rng.randint(-400, 90)),
                preferred_time=rng.choice(["morning", "afternoon", "any"]),
                patient_kind=rng.choice(["new", "returning"]),
                reason=rng.choice(["restless_legs", "veins", "leg_pain", "other"]),
                message=rng.choice(["", "", "Please call after 3pm.", "My legs ache at night."]),
                contact_method="phone",
                callback_language=rng.choice(["en", "es"]),
                language=rng.choice(["en", "es"]),
                consented_at=now,
                status=status,
                closing_reason="booked" if status == "closed" else "",
            )
        )
    table = AppointmentRequest._meta.db_table
    with transaction.atomic():
        AppointmentRequest.objects.bulk_create(batch, batch_size=5000)
        with connection.cursor() as cursor:
            # bulk_create stamps every row "now": spread the new rows over a year of history.
            cursor.execute(
                f"UPDATE {table} SET created_at = now() - random() * interval '365 days', "
                f"status = CASE WHEN status = 'new' THEN 'closed' ELSE status END "
                f"WHERE created_at > now() - interval '1 hour' OR status = 'new'"
            )
            cursor.execute(
                f"UPDATE {table} SET status = 'new', closing_reason = '', "
                f"created_at = now() - random() * interval '2 days' "
                f"WHERE id IN (SELECT id FROM {table} ORDER BY random() LIMIT %s)",
                [queue],
            )
            cursor.execute(
                f"UPDATE {table} SET updated_at = created_at, "
                f"first_contacted_at = CASE WHEN status <> 'new' THEN created_at + interval '1 day' END, "
                f"closed_at = CASE WHEN status = 'closed' THEN created_at + interval '2 days' END, "
                f"closing_reason = CASE WHEN status = 'closed' THEN 'booked' ELSE '' END"
            )
            # The reports' stamped wait: up to a week of business hours, most within a day.
            cursor.execute(
                f"UPDATE {table} SET "
                f"business_seconds_to_contact = CASE WHEN status <> 'new' THEN (random() ^ 3 * 45 * 3600)::int END, "
                f"contacted_within_business_day = CASE WHEN status <> 'new' THEN random() < 0.8 END"
            )
    with connection.cursor() as cursor:
        # What autovacuum does soon after a bulk load: statistics for the planner, the visibility
        # map for index-only counts, and the trigram indexes' pending entries merged. A clinic's
        # table grows a few rows a day, so it never meets an unvacuumed bulk load.
        cursor.execute(f"VACUUM ANALYZE {table}")


def admin_client():
    from django.contrib.auth import get_user_model
    from django.test import Client

    from tests.conftest import staff_login

    user, _created = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    # Signed in past the second factor, as a member of staff is after their code.
    return staff_login(Client(HTTP_HOST="127.0.0.1"), user)


def time_admin(runs=11):
    from appointments.models import AppointmentRequest, format_reference

    sample = AppointmentRequest.objects.order_by("pk").first()
    base = "/admin/appointments/appointmentrequest/"
    views = [
        ("first page", base),
        ("status filter: new", base + "?status__exact=new"),
        ("status filter: closed", base + "?status__exact=closed"),
        ("search by reference", base + "?q=" + format_reference(sample.reference)),
        ("search by last name", base + "?q=" + sample.last_name),
    ]
    return time_views(views, runs, count_rows=True)


def time_reports(runs=11):
    base = "/admin/appointments/appointmentrequest/reports/"
    views = [
        ("reports: default (12 weeks)", base),
        ("reports: 52 weeks", base + "?weeks=52"),
        ("reports CSV: 52 weeks", base + "csv/?weeks=52"),
    ]
    return time_views(views, runs)


def time_views(views, runs, count_rows=False):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = admin_client()
    results = {}
    for label, url in views:
        for _ in range(2):
            assert client.get(url).status_code == 200, url
        timings, database = [], []
        for _ in range(runs):
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
            database.append(sum(float(query["time"]) for query in queries.captured_queries) * 1000)
            assert response.status_code == 200
        results[label] = {
            "ms": statistics.median(timings),
            "db_ms": statistics.median(database),
            "queries": len(queries),
            "rows": response.content.count(b'name="_selected_action"') if count_rows else "-",
        }
    return results


# --- the run --------------------------------------------------------------------------------


def machine():
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    memory = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.split("\n")[1].split()[1]
    return {
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "python": platform.python_version(),
        "load": " ".join(f"{load:.2f}" for load in os.getloadavg()),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per page (default 10)")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of wrk warm-up per page (default 3)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--rows", type=int, default=100_000, help="appointment requests for the admin timing")
    parser.add_argument(
        "--page-cache-seconds", type=int, default=60, help="PUBLIC_PAGE_CACHE_SECONDS; 0 shows the pages uncached"
    )
    parser.add_argument("--skip-admin", action="store_true", help="pages only")
    parser.add_argument("--output", default=str(ROOT / "bench" / "out" / "latest.md"))
    args = parser.parse_args()
    if not shutil.which(WRK):
        sys.exit(f"No wrk at {WRK}: apt-get install wrk (or set WRK=/path/to/wrk).")

    info = machine()
    database = ThrowawayDatabase(unique_name("clinic_bench"))
    redis = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    prefix = unique_name("bench")
    env = production_env(
        DATABASE_URL=database.url(),
        REDIS_URL=redis,
        CACHE_KEY_PREFIX=prefix,
        PLAIN_STATIC_STORAGE="false",
        SECRET_KEY=uuid.uuid4().hex * 2,
        PUBLIC_PAGE_CACHE_SECONDS=args.page_cache_seconds,
    )
    log(f"database {database.name}: create, migrate, collectstatic")
    database.create()
    try:
        database.manage("migrate", "--no-input", env=env)
        database.manage("collectstatic", "--no-input", "--verbosity", "0", env=env)
        manifest = json.loads((ROOT / "staticfiles" / "staticfiles.json").read_text())
        static_path = "/static/" + manifest["paths"]["css/site.css"]
        pages = [(label, static_path if path.startswith("<static") else path) for label, path in PAGES]

        out = ROOT / "bench" / "out"
        out.mkdir(exist_ok=True)
        # The same pages with the page cache on and off, each page on both servers back to back, so
        # that a shared machine's changing load falls on both of a pair alike.
        throughput, uncached = {}, {}
        runs = [(throughput, args.page_cache_seconds), (uncached, 0)]
        servers = []
        try:
            for _results, seconds in runs:
                server_env = {**env, "PUBLIC_PAGE_CACHE_SECONDS": str(seconds)}
                name = f"bench-gunicorn-{seconds}.log"
                servers.append(GunicornServer(server_env, workers=args.workers, log_dir=out, log_name=name).start())
                log(f"gunicorn on {servers[-1].base_url}, {args.workers} workers, PUBLIC_PAGE_CACHE_SECONDS={seconds}")
            for label, path in pages:
                for (results, _seconds), running in zip(runs, servers, strict=True):
                    if results is uncached and label == STATIC[0]:
                        continue
                    url = running.url(path)
                    log(f"wrk {url}")
                    wrk(url, args.threads, args.connections, args.warmup)
                    results[label] = {**wrk(url, args.threads, args.connections, args.duration), **transferred(url)}
        finally:
            for running in servers:
                running.stop()

        # The in-process checks use their own cache prefix, so the first request is a cold one.
        # No statement timeout in here: loading 100,000 requests is no patient's page view.
        setup_django(
            {
                **env,
                "ALLOWED_HOSTS": "127.0.0.1",
                "CACHE_KEY_PREFIX": prefix + "-inproc",
                "DATABASE_STATEMENT_TIMEOUT": "0",
            }
        )
        queries = count_queries([path for label, path in pages if label in PUBLIC_PAGES or path == FLOOR])
        admin_small = admin_large = reports_small = reports_large = {}
        if not args.skip_admin:
            log("admin with 100 requests")
            load_requests(100)
            admin_small = time_admin()
            log("reports with 1,000 requests")
            load_requests(1000)
            reports_small = time_reports()
            log(f"admin and reports with {args.rows} requests (bulk insert)")
            load_requests(args.rows)
            admin_large = time_admin()
            reports_large = time_reports()
        info["load_after"] = " ".join(f"{load:.2f}" for load in os.getloadavg())
    finally:
        delete_redis_keys(redis, prefix)
        delete_redis_keys(redis, prefix + "-inproc")
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        database.drop()

    report = render(
        info, args, pages, throughput, uncached, queries, admin_small, admin_large, reports_small, reports_large
    )
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(report)
    print(report)


def render(info, args, pages, throughput, uncached, queries, admin_small, admin_large, reports_small, reports_large):
    floor = throughput["trivial view (floor)"]["rps"]
    uncached_floor = uncached["trivial view (floor)"]["rps"]
    lines = [
        f"Run {info['date']}: {info['nproc']} CPUs ({info['cpu']}), {info['memory']} RAM, Python {info['python']}; "
        f"load average {info['load']} before, {info['load_after']} after.",
        f"gunicorn {args.workers} sync workers, DEBUG off, PostgreSQL, Redis cache; "
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s --latency after a {args.warmup} s warm-up; "
        f"PUBLIC_PAGE_CACHE_SECONDS={args.page_cache_seconds}. Bytes as sent for `Accept-Encoding: gzip, br`.",
        "",
        "| page | path | req/s | x floor | p50 ms | p99 ms | queries (cold/warm) | bytes sent (encoding) "
        "| body, gzip -6 | target (>= 0.5) | cache off: req/s | x floor | target (>= 0.15) | on / off |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- | ---: |",
    ]
    for label, path in pages:
        result = throughput[label]
        ratio = result["rps"] / floor
        cold, warm = queries.get(path, ("-", "-"))
        target = ("met" if ratio >= 0.5 else "MISSED") if label in PUBLIC_PAGES else "floor"
        errors = f" ({result['non_2xx']} non-2xx!)" if result["non_2xx"] else ""
        off = uncached.get(label)
        if off:
            off_ratio = off["rps"] / uncached_floor
            off_target = ("met" if off_ratio >= 0.15 else "MISSED") if label in PUBLIC_PAGES else "floor"
            off_errors = f" ({off['non_2xx']} non-2xx!)" if off["non_2xx"] else ""
            on_off = result["rps"] / off["rps"]
            off_cells = f"{off['rps']:.0f}{off_errors} | {off_ratio:.2f} | {off_target} | {on_off:.2f}"
        else:
            off_cells = "- | - | - | -"
        lines.append(
            f"| {label}{errors} | `{path}` | {result['rps']:.0f} | {ratio:.2f} | {result['p50']:.2f} | "
            f"{result['p99']:.2f} | {cold}/{warm} | {result['bytes']:,} ({result['encoding']}) | "
            f"{result['plain_bytes']:,}, {result['gzip_bytes']:,} | {target} | {off_cells} |"
        )
    lines += ["", "No page slower with the page cache on (req/s on / off; the machine's noise is a few %):", ""]
    for label in QUERY_PAGES + sorted(PUBLIC_PAGES - set(QUERY_PAGES)):
        on, off = throughput[label]["rps"], uncached[label]["rps"]
        lines.append(f"- {label}: {on:.0f} on, {off:.0f} off ({on / off:.2f})")
    if not admin_small:
        return "\n".join(lines) + "\n"
    lines += [
        "",
        f"Admin change list, median of 11 (in-process test client, superuser): 100 requests vs {args.rows:,}. "
        "`db` is the time spent in queries; `rows` the rows the page shows (at most 50).",
        "",
        f"| view | 100: ms (db) | {args.rows:,}: ms (db) | rows | queries | ratio | target (<= 2x) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for label, small in admin_small.items():
        large = admin_large[label]
        ratio = large["ms"] / small["ms"]
        lines.append(
            f"| {label} | {small['ms']:.1f} ({small['db_ms']:.1f}) | {large['ms']:.1f} ({large['db_ms']:.1f}) | "
            f"{small['rows']}/{large['rows']} | {small['queries']}/{large['queries']} | {ratio:.2f} | "
            f"{'met' if ratio <= 2 else 'MISSED'} |"
        )
    lines += [
        "",
        f"Reports page and CSV, median of 11 (in-process test client, superuser): 1,000 requests vs {args.rows:,} "
        "(a year of history).",
        "",
        f"| view | 1,000: ms (db) | {args.rows:,}: ms (db) | queries | ratio | target (< 300 ms, <= 2x) |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for label, small in reports_small.items():
        large = reports_large[label]
        ratio = large["ms"] / small["ms"]
        met = large["ms"] < 300 and ratio <= 2
        lines.append(
            f"| {label} | {small['ms']:.1f} ({small['db_ms']:.1f}) | {large['ms']:.1f} ({large['db_ms']:.1f}) | "
            f"{small['queries']}/{large['queries']} | {ratio:.2f} | {'met' if met else 'MISSED'} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
