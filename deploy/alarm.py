"""Mail the practice's IT address (ALARM_EMAILS) when backups go wrong, through the site's own
mail settings (EMAIL_HOST and the rest of /etc/clinic/clinic.env), so no second mail setup
exists to forget about.

    python deploy/alarm.py failed <unit>   a unit failed: clinic-alarm@.service, started by
                                           OnFailure= of clinic-backup.service (a failed dump or
                                           a failed off-site copy)
    python deploy/alarm.py freshness       the daily check (clinic-backup-check.timer): no
                                           backup, or no off-site copy, in BACKUP_MAX_AGE_HOURS
                                           (26), also catches a timer that never ran at all

The mail names the machine, the unit and the time, and says where to look (the journal); it
never carries log lines, which could quote anything. Exits non-zero only when the mail itself
could not be sent (that failure then shows in `systemctl --failed`).
"""

import argparse
import datetime
import os
import socket
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def recipients():
    addresses = [address.strip() for address in os.environ.get("ALARM_EMAILS", "").split(",") if address.strip()]
    if not addresses:
        sys.exit("ALARM_EMAILS is not set: nobody would hear of this (deploy/env.example)")
    return addresses


def send(subject, body):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic_site.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.mail import send_mail

    to = recipients()
    send_mail(f"[{socket.gethostname()}] {subject}", body, settings.SERVER_EMAIL, to)
    print(f"alarm sent to {', '.join(to)}: {subject}")


def now():
    return datetime.datetime.now(datetime.UTC)


def failed(unit):
    unit = unit if unit.endswith(".service") else f"{unit}.service"
    send(
        f"{unit} failed",
        f"{unit} failed on {socket.gethostname()} at {now():%Y-%m-%d %H:%M} UTC.\n\n"
        f"What it said: journalctl -u {unit} --since -1d\n"
        "Run it again once fixed: systemctl start " + unit.removesuffix(".service") + "\n"
        "deploy/README.md (Backups) says what each step needs.\n",
    )


def newest_mtime(paths):
    times = [path.stat().st_mtime for path in paths if path.is_file()]
    return datetime.datetime.fromtimestamp(max(times), datetime.UTC) if times else None


def stale_backups(backup_dir, max_age):
    """What is wrong, in words; empty when a backup and its off-site copy are recent."""
    problems = []
    newest = newest_mtime(backup_dir.glob("clinic-*.dump.age"))
    if newest is None:
        problems.append(f"There is no backup in {backup_dir}.")
    elif now() - newest > max_age:
        problems.append(f"The newest backup in {backup_dir} is from {newest:%Y-%m-%d %H:%M} UTC.")
    if not os.environ.get("OFFSITE_SFTP"):
        problems.append("No off-site copy is set up (OFFSITE_SFTP): every backup is on this server only.")
    else:
        copied = newest_mtime([backup_dir / "last-offsite-copy"])
        if copied is None:
            problems.append("No backup has ever been copied off this server.")
        elif now() - copied > max_age:
            problems.append(f"The last copy off this server was at {copied:%Y-%m-%d %H:%M} UTC.")
    return problems


def freshness():
    backup_dir = Path(os.environ.get("BACKUP_DIR", "/var/lib/clinic-backups"))
    hours = int(os.environ.get("BACKUP_MAX_AGE_HOURS", "26"))
    problems = stale_backups(backup_dir, datetime.timedelta(hours=hours))
    if not problems:
        print(f"backups are fresh (a backup and an off-site copy within {hours} h)")
        return
    send(
        f"no good backup in {hours} hours",
        "\n".join(problems)
        + f"\n\nBackups are expected daily. What happened: journalctl -u clinic-backup --since -{hours + 24}h\n"
        "Is the timer on? systemctl list-timers 'clinic-*'\n",
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("failed").add_argument("unit")
    commands.add_parser("freshness")
    arguments = parser.parse_args()
    if arguments.command == "failed":
        failed(arguments.unit)
    else:
        freshness()


if __name__ == "__main__":
    main()
