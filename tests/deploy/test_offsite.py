"""Off-site copies, end to end: deploy/backup.sh pushes each encrypted backup with OpenSSH's
sftp to an SFTP-only account on loopback (tests/deploy/offsite_server.py, running the shipped
sshd Match block), the practice restores from what arrived there, the account can add files
but never read, replace or delete them, a copy missed while the far side was down goes with the
next backup, and each side keeps its own retention."""

import datetime
import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from tests.deploy.offsite_server import OffsiteSftpServer
from tests.deploy.test_backup import DEPLOY, run, table_contents
from tests.live import production_env

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def offsite(tmp_path):
    """The far side running, and the clinic server's side of it: its own key pair (the public
    half in the far side's authorized_keys) and the far side's host key pinned with ssh-keyscan,
    as deploy/README.md does."""
    key = tmp_path / "offsite-key"
    run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "clinic-backup", "-f", str(key))
    server = OffsiteSftpServer()
    try:
        server.start((tmp_path / "offsite-key.pub").read_text())
        known_hosts = tmp_path / "offsite-known-hosts"
        scanned = run("ssh-keyscan", "-t", "ed25519", "-p", str(server.port), "127.0.0.1")
        assert server.host_key_line.split()[1] in scanned, "the pinned key is the far side's own"
        known_hosts.write_text(scanned)
        server.env = {
            "OFFSITE_SFTP": server.address,
            "OFFSITE_PORT": str(server.port),
            "OFFSITE_KEY": str(key),
            "OFFSITE_KNOWN_HOSTS": str(known_hosts),
        }
        server.key = key
        yield server
    finally:
        server.remove()


def backup_env(database, recipients, backup_dir, **extra):
    return {
        "PATH": production_env()["PATH"],
        "DATABASE_URL": database.url(),
        "BACKUP_DIR": str(backup_dir),
        "BACKUP_RECIPIENTS_FILE": str(recipients),
        **extra,
    }


def sftp_as_the_clinic_server(offsite, commands):
    """The clinic server's key trying `commands` on the far side (what an attacker holding it could)."""
    return subprocess.run(
        ["sftp", "-b", "-", "-F", "/dev/null", "-i", str(offsite.key), "-P", str(offsite.port)]
        + ["-o", "BatchMode=yes", "-o", f"UserKnownHostsFile={offsite.env['OFFSITE_KNOWN_HOSTS']}", offsite.address],
        input=commands,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_each_backup_reaches_the_offsite_account_and_restores_from_there(databases, practice_key, offsite, tmp_path):
    source, restored = databases
    identity, recipients = practice_key
    marker = uuid.uuid4().hex[:10]
    source.manage("migrate", "--no-input")
    source.manage(
        "shell",
        "-c",
        "from articles.models import Article; "
        f"Article.objects.create(title='Far copy {marker}', slug='far-{marker}', summary='s', body='b', "
        "status=Article.Status.PUBLISHED)",
    )
    before = table_contents(source)
    backup_dir = tmp_path / "backups"

    output = run(str(DEPLOY / "backup.sh"), env=backup_env(source, recipients, backup_dir, **offsite.env))

    [backup] = backup_dir.glob("clinic-*.dump.age")
    assert offsite.arrived() == [backup.name]
    far_copy = offsite.incoming / backup.name
    assert far_copy.read_bytes() == backup.read_bytes()
    assert far_copy.read_bytes().startswith(b"age-encryption.org/v1\n"), "only the encrypted file leaves"
    assert far_copy.stat().st_mode & 0o777 == 0o400, "what arrives is read-only"
    assert f"copied off-site: {backup.name}" in output
    assert (backup_dir / "last-offsite-copy").exists()

    # The server is lost: the practice restores from the far copy with its private key.
    source.drop()
    restored.create()
    run(
        str(DEPLOY / "restore.sh"),
        str(far_copy),
        str(identity),
        restored.name,
        env=backup_env(source, recipients, backup_dir),
    )
    assert table_contents(restored) == before
    assert restored.execute("SELECT count(*) FROM articles_article WHERE slug = %s", [f"far-{marker}"]) == [(1,)]


def test_the_offsite_key_can_add_files_but_never_read_replace_or_delete_them(
    databases, practice_key, offsite, tmp_path
):
    source, _restored = databases
    _identity, recipients = practice_key
    source.manage("migrate", "--no-input")
    backup_dir = tmp_path / "backups"
    run(str(DEPLOY / "backup.sh"), env=backup_env(source, recipients, backup_dir, **offsite.env))
    [name] = offsite.arrived()
    original = (offsite.incoming / name).read_bytes()
    junk = tmp_path / "junk"
    junk.write_bytes(b"ransom note")

    attempts = {
        "read": f"get {name} {tmp_path / 'stolen'}",
        "overwrite": f"put {junk} {name}",
        "delete": f"rm {name}",
        "rename": f"rename {name} {name}.old",
        "change mode": f"chmod 600 {name}",
        "write elsewhere": f"put {junk} {offsite.folder / 'authorized_keys'}",
    }
    results = {
        what: sftp_as_the_clinic_server(offsite, command + "\n").returncode for what, command in attempts.items()
    }
    shell = subprocess.run(
        ["ssh", "-F", "/dev/null", "-i", str(offsite.key), "-p", str(offsite.port), "-o", "BatchMode=yes"]
        + ["-o", f"UserKnownHostsFile={offsite.env['OFFSITE_KNOWN_HOSTS']}", offsite.address, "id"],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert all(code != 0 for code in results.values()), results
    assert shell.returncode != 0 and "uid=" not in shell.stdout
    assert offsite.arrived() == [name]
    assert (offsite.incoming / name).read_bytes() == original
    # sftp creates its local file before the refused read: nothing came into it.
    stolen = tmp_path / "stolen"
    assert not stolen.exists() or stolen.read_bytes() == b""
    assert "clinic-backup" in (offsite.folder / "authorized_keys").read_text()
    # ...while adding a new file still works (so the refusals above are the rules, not a broken login).
    assert sftp_as_the_clinic_server(offsite, f"put {junk} new-file\n").returncode == 0


def test_a_copy_missed_while_the_far_side_was_down_goes_with_the_next_backup(
    databases, practice_key, offsite, tmp_path
):
    source, _restored = databases
    _identity, recipients = practice_key
    source.manage("migrate", "--no-input")
    backup_dir = tmp_path / "backups"
    # Retention is not what this test is about, and under faketime (make test-any-hour) a new
    # file's mtime is the kernel's real date, months from the faked one: keep every backup.
    env = backup_env(source, recipients, backup_dir, BACKUP_RETENTION_DAYS="3650", **offsite.env)

    offsite.stop()
    failed = subprocess.run([str(DEPLOY / "backup.sh")], env=env, capture_output=True, text=True, timeout=120)
    [first] = backup_dir.glob("clinic-*.dump.age")
    assert failed.returncode != 0, "a failed copy fails the unit, which mails the alarm"
    assert not (backup_dir / "last-offsite-copy").exists()

    offsite.resume()
    time.sleep(1.1)  # backups are named to the second
    run(str(DEPLOY / "backup.sh"), env=env)
    local = sorted(path.name for path in backup_dir.glob("clinic-*.dump.age"))
    assert len(local) == 2 and first.name in local
    assert offsite.arrived() == local
    assert (backup_dir / "last-offsite-copy").exists()


def test_the_far_side_deletes_copies_past_its_retention_but_never_the_newest(tmp_path):
    folder = tmp_path / "incoming"
    folder.mkdir()
    now = datetime.datetime.now().timestamp()
    ages = {"clinic-a.dump.age": 100, "clinic-b.dump.age": 89, "clinic-c.dump.age": 1, "notes.txt": 400}
    for name, days in ages.items():
        (folder / name).write_text(name)
        os.utime(folder / name, (now - days * 86400, now - days * 86400))
    prune = str(DEPLOY / "offsite" / "prune.sh")

    output = run(prune, str(folder), env={"PATH": "/usr/bin:/bin", "OFFSITE_RETENTION_DAYS": "90"})
    assert sorted(path.name for path in folder.iterdir()) == ["clinic-b.dump.age", "clinic-c.dump.age", "notes.txt"]
    assert "off-site backup deleted" in output and "clinic-a.dump.age" in output

    # Backups stopped arriving long ago: the last one stays whatever its age.
    run(prune, str(folder), env={"PATH": "/usr/bin:/bin", "OFFSITE_RETENTION_DAYS": "1"})
    assert sorted(path.name for path in folder.iterdir()) == ["clinic-c.dump.age", "notes.txt"]


def test_the_match_block_in_debians_own_sshd_config_binds_the_offsite_account_only(tmp_path):
    """Installed as the README says (sshd_config.d/ is included at the top of Debian's
    sshd_config): the configuration is valid, and the rules reach clinic-offsite and nobody else."""
    folder = OffsiteSftpServer().folder  # readable by the unprivileged sshd that checks it
    try:
        (folder / "sshd_config.d").mkdir()
        shutil.copy(DEPLOY / "offsite" / "sshd-clinic-offsite.conf", folder / "sshd_config.d" / "clinic-offsite.conf")
        debian = Path("/etc/ssh/sshd_config").read_text()
        assert "Include /etc/ssh/sshd_config.d/*.conf" in debian
        config = folder / "sshd_config"
        host_key = folder / "host_key"
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(host_key))
        config.write_text(
            debian.replace("/etc/ssh/sshd_config.d", str(folder / "sshd_config.d")) + f"\nHostKey {host_key}\n"
        )
        for path in folder.rglob("*"):
            path.chmod(0o755 if path.is_dir() else 0o644)
        host_key.chmod(0o600)
        as_sshd = ["runuser", "-u", "nobody", "--"] if os.geteuid() == 0 else []
        if as_sshd:
            os.chown(host_key, 65534, 65534)

        def effective(user):
            result = subprocess.run(
                [*as_sshd, "/usr/sbin/sshd", "-T", "-f", str(config), "-C", f"user={user},host=x,addr=127.0.0.1"],
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert result.returncode == 0, result.stderr
            return dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)

        offsite, other = effective("clinic-offsite"), effective("root")
        assert offsite["chrootdirectory"] == "/srv/clinic-offsite"
        assert offsite["forcecommand"].startswith("internal-sftp -d /incoming -u 0277 -P read,remove,")
        assert (offsite["allowtcpforwarding"], offsite["permittty"]) == ("no", "no")
        assert (other["chrootdirectory"], other["forcecommand"]) == ("none", "none")
        assert other["subsystem"] == "sftp /usr/lib/openssh/sftp-server", "Debian's own lines still apply"
    finally:
        shutil.rmtree(folder, ignore_errors=True)
