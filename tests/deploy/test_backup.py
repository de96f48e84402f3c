"""The backup drill, end to end with the shipped scripts: patients' requests, an article and an
office closure in a PostgreSQL database; deploy/backup.sh writes an encrypted dump (and prunes
old ones); the database is dropped; deploy/restore.sh brings it back into a fresh one with the
practice's private key; every row and the site's answers are back."""

import datetime
import subprocess
import uuid

import pytest
from django.utils import timezone

from tests.hardening.conftest import FORM_URL, RECEIVED_URL, next_request_day, valid_submission
from tests.live import ROOT, HttpClient, ThrowawayDatabase, production_env, unique_name

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

DEPLOY = ROOT / "deploy"
RETENTION_DAYS = 7


def run(*command, env=None):
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{command[0]} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def table_contents(database):
    """Each table's row count and a digest of all its rows, in a stable order."""
    tables = [name for (name,) in database.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
    return {
        table: database.execute(
            f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM \"{table}\" t"
        )[0]
        for table in tables
    }


@pytest.fixture
def databases():
    source, restored = ThrowawayDatabase(unique_name("clinic_drill")), ThrowawayDatabase(unique_name("clinic_restore"))
    source.create()
    yield source, restored
    source.drop()
    restored.drop()


@pytest.fixture
def practice_key(tmp_path):
    """The practice's age key pair: the backup server gets only the public half."""
    identity = tmp_path / "practice-key.txt"
    run("age-keygen", "-o", str(identity))
    recipients = tmp_path / "backup-recipients.txt"
    recipients.write_text(run("age-keygen", "-y", str(identity)))
    return identity, recipients


def test_backup_is_encrypted_and_restores_every_row_and_page(
    databases, practice_key, tmp_path, office, request_day, shared_cache, start_gunicorn
):
    source, restored = databases
    identity, recipients = practice_key
    marker = uuid.uuid4().hex[:10]
    patient_name = f"Zyxwvu{marker}"
    source.manage("migrate", "--no-input")

    # Patients send two requests through the site; an editor adds an article and a closure.
    server = start_gunicorn(source.url(), APPOINTMENT_RATE_LIMIT="100/h", **shared_cache)
    [(office_pk,)] = source.execute("SELECT id FROM locations_location WHERE slug = %s", [office.slug])
    patient = HttpClient(server.base_url)
    token = patient.csrf_token(FORM_URL)
    for number in range(2):
        data = valid_submission(office, request_day, location=office_pk, last_name=f"{patient_name}-{number}")
        assert patient.post(FORM_URL, {**data, "csrfmiddlewaretoken": token}).location == RECEIVED_URL
    # The closure falls on a day the office would take requests, after the one the patients ask
    # for: a fixed offset can land on that day (on a Friday, "three days ahead" is the Monday).
    closure_day = next_request_day(office, days_ahead=(request_day - timezone.localdate()).days + 1)
    source.manage(
        "shell",
        "-c",
        "from articles.models import Article; from locations.models import DayKind, Location, SpecialDate; "
        f"Article.objects.create(title='Drill {marker}', slug='drill-{marker}', summary='A backup drill.', "
        f"body='Restored from backup.', status=Article.Status.PUBLISHED); "
        f"SpecialDate.objects.create(location=Location.objects.get(slug='{office.slug}'), "
        f"date='{closure_day.isoformat()}', kind=DayKind.CLOSED, note='Closed for the drill {marker}')",
    )
    server.stop()
    before = table_contents(source)
    assert before["appointments_appointmentrequest"][0] >= 2
    assert before["articles_article"][0] >= 1 and before["locations_specialdate"][0] >= 1

    # Backups older than the retention go, younger ones stay.
    backup_dir = tmp_path / "backups"
    backup_dir.mkdir()
    expired, kept = backup_dir / "clinic-20250101T000000Z.dump.age", backup_dir / "clinic-20250102T000000Z.dump.age"
    for old, age_days in ((expired, RETENTION_DAYS + 1), (kept, RETENTION_DAYS - 2)):
        old.write_bytes(b"an older backup")
        stamp = (datetime.datetime.now() - datetime.timedelta(days=age_days)).strftime("%Y%m%d%H%M")
        run("touch", "-t", stamp, str(old))

    backup_env = {
        "PATH": production_env()["PATH"],
        "DATABASE_URL": source.url(),
        "BACKUP_DIR": str(backup_dir),
        "BACKUP_RECIPIENTS_FILE": str(recipients),
        "BACKUP_RETENTION_DAYS": str(RETENTION_DAYS),
    }
    run(str(DEPLOY / "backup.sh"), env=backup_env)

    [backup] = [path for path in backup_dir.iterdir() if path not in (expired, kept)]
    assert sorted(path.name for path in backup_dir.iterdir()) == sorted([backup.name, kept.name])
    assert backup.stat().st_mode & 0o077 == 0, "only the backup user reads the file"
    encrypted = backup.read_bytes()
    assert encrypted.startswith(b"age-encryption.org/v1\n")
    assert patient_name.encode() not in encrypted
    # The key holder finds the patient in it (so the check above was not vacuous).
    plain_dump = subprocess.run(["age", "--decrypt", "--identity", str(identity), str(backup)], capture_output=True)
    as_sql = subprocess.run(["pg_restore", "--data-only", "--file=-"], input=plain_dump.stdout, capture_output=True)
    assert patient_name.encode() in as_sql.stdout

    # Disaster: the database is gone. Restore into a fresh, empty one.
    source.drop()
    restored.create()
    run(str(DEPLOY / "restore.sh"), str(backup), str(identity), restored.name, env=backup_env)

    assert table_contents(restored) == before
    server = start_gunicorn(
        restored.url(),
        APPOINTMENT_RATE_LIMIT="100/h",
        REDIS_URL=shared_cache["REDIS_URL"],
        CACHE_KEY_PREFIX=shared_cache["CACHE_KEY_PREFIX"] + "_restored",
    )
    visitor = HttpClient(server.base_url)
    article = visitor.get(f"/articles/drill-{marker}/")
    assert article.status == 200 and f"Drill {marker}" in article.text
    assert f"Closed for the drill {marker}" in visitor.get(f"/locations/{office.slug}/").text
    # Sequences came back too: a new request gets a fresh id.
    token = visitor.csrf_token(FORM_URL)
    data = valid_submission(office, request_day, location=office_pk, last_name=f"{patient_name}-after")
    assert visitor.post(FORM_URL, {**data, "csrfmiddlewaretoken": token}).location == RECEIVED_URL
    [(requests,)] = restored.execute(
        "SELECT count(*) FROM appointments_appointmentrequest WHERE last_name LIKE %s", [f"{patient_name}-%"]
    )
    assert requests == 3


def test_restore_without_the_private_key_fails_and_leaves_the_database_empty(databases, practice_key, tmp_path):
    source, restored = databases
    identity, recipients = practice_key
    source.manage("migrate", "--no-input")
    backup_dir = tmp_path / "backups"
    env = {
        "PATH": production_env()["PATH"],
        "DATABASE_URL": source.url(),
        "BACKUP_DIR": str(backup_dir),
        "BACKUP_RECIPIENTS_FILE": str(recipients),
    }
    run(str(DEPLOY / "backup.sh"), env=env)
    [backup] = backup_dir.iterdir()
    wrong_key = tmp_path / "someone-else.txt"
    run("age-keygen", "-o", str(wrong_key))
    restored.create()

    result = subprocess.run(
        [str(DEPLOY / "restore.sh"), str(backup), str(wrong_key), restored.name],
        env=env,
        capture_output=True,
        text=True,
    )

    assert result.returncode != 0
    assert "no identity matched" in result.stderr
    assert restored.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == [(0,)]
