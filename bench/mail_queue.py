"""The mail queue's benchmark (part of `make bench`, results in bench/RESULTS.md).

On a throwaway SQLite file (or the empty database MAIL_BENCH_DATABASE_URL names, e.g. PostgreSQL
as in production), with the test settings (DEBUG off, SMTP backend):

1. Submit to redirect: a patient's valid request posted through Django's test client (full
   middleware, the real view), timed to its 303, with the SMTP server a blackhole (accepts the
   connection, never answers) and with a fast local one (aiosmtpd). Target: the same.
2. Worker throughput: `manage.py db_worker --batch` in its own process sends queued receipts to a
   local aiosmtpd sink; messages per second over the whole run. Target: at least 50.
"""

import datetime
import logging
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def ms(values):
    """Median and 90th percentile, in milliseconds."""
    ordered = sorted(values)
    return f"{statistics.median(ordered) * 1000:.1f} ms (p90 {ordered[int(len(ordered) * 0.9)] * 1000:.1f})"


def main(submissions=40, messages=500):
    workdir = Path(tempfile.mkdtemp(prefix="clinic-mail-bench-"))
    port = free_port()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        DATABASE_URL=os.environ.get("MAIL_BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'bench.sqlite3'}",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(port),
        EMAIL_TIMEOUT="10",
        APPOINTMENT_RATE_LIMIT="100000/h",
    )
    import django

    django.setup()
    from aiosmtpd.controller import Controller

    # aiosmtpd logs each SMTP exchange at INFO: hundreds of lines that would bury the figures.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from appointments.models import AppointmentRequest
    from locations.models import Location
    from tests.factories import form_data

    load = " ".join(f"{value:.1f}" for value in os.getloadavg())
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    office = Location.objects.get(slug="medical-center-drive")
    weekday = datetime.date.today() + datetime.timedelta(days=3)
    while weekday.weekday() >= 5:
        weekday += datetime.timedelta(days=1)

    def submit_times():
        times = []
        for number in range(submissions):
            client = Client(REMOTE_ADDR=f"198.51.100.{number % 250 + 1}")
            data = form_data(office, preferred_date=weekday.isoformat())
            start = time.perf_counter()
            response = client.post("/appointments/request/", data)
            times.append(time.perf_counter() - start)
            assert response.status_code == 303, response.status_code
        return times

    blackhole = socket.create_server(("127.0.0.1", port))  # listens, never accepts or answers
    silent = submit_times()
    blackhole.close()

    class Sink:
        count = 0

        async def handle_DATA(self, server, session, envelope):
            Sink.count += 1
            return "250 OK"

    sink = Controller(Sink(), hostname="127.0.0.1", port=port)
    sink.start()
    try:
        fast = submit_times()
        # The worker's run: clear what the submissions queued, then queue `messages` receipts.
        from django_tasks_db.models import DBTaskResult

        from appointments.models import Email
        from appointments.tasks import send_email

        DBTaskResult.objects.all().delete()
        AppointmentRequest.objects.update(receipt_sent_at=None)
        pks = list(AppointmentRequest.objects.values_list("pk", flat=True))
        requests_needed = messages - len(pks)
        template = AppointmentRequest.objects.get(pk=pks[0])
        for _ in range(max(0, requests_needed)):
            template.pk, template.reference, template._state.adding = None, "", True
            template.save()
        for pk in AppointmentRequest.objects.values_list("pk", flat=True)[:messages]:
            send_email.enqueue(pk, Email.RECEIPT, 0)
        Sink.count = 0
        start = time.perf_counter()
        cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--batch",
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0",
                "--verbosity",
                "0",
            ],
            cwd=ROOT,
            env=os.environ,
            check=True,
        )
        elapsed = time.perf_counter() - start
        cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
        sent = Sink.count
    finally:
        sink.stop()

    print(f"submit to redirect, blackholed SMTP: median {ms(silent)} over {submissions}")
    print(f"submit to redirect, fast SMTP:       median {ms(fast)} over {submissions}")
    print(f"database: {connection.vendor}; load average before: {load}")
    print(f"worker: {sent} messages in {elapsed:.2f} s = {sent / elapsed:.0f} messages/s (process start included)")
    # On a shared machine the wall clock mostly measures the neighbours; the worker's own CPU
    # time says what one worker can do with a core to itself.
    print(f"worker CPU time: {cpu:.2f} s = {sent / cpu:.0f} messages per CPU-second")


if __name__ == "__main__":
    main()
