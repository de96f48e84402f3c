"""The far side of the off-site copy, on loopback: Debian's OpenSSH server on a free high port,
with its own host key, authorized_keys and configuration in a folder of the test's own, running
the Match block the practice installs (deploy/offsite/sshd-clinic-offsite.conf).

An unprivileged sshd can only log in as the user it runs as, and cannot chroot: as root, the
test runs it as `nobody` (so the read-only files it receives bind it as they bind the real
account; root would ignore their mode), otherwise as the test's own user. Its folder lives in
/tmp rather than pytest's tmp_path, which `nobody` cannot enter.
"""

import contextlib
import getpass
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tests.live import ROOT, free_port

SHIPPED_CONFIG = ROOT / "deploy" / "offsite" / "sshd-clinic-offsite.conf"
SSHD = "/usr/sbin/sshd"


class OffsiteSftpServer:
    def __init__(self):
        self.port = free_port()
        self.user = "nobody" if os.geteuid() == 0 else getpass.getuser()
        self.folder = Path(tempfile.mkdtemp(prefix="clinic-offsite-"))
        self.folder.chmod(0o755)
        self.incoming = self.folder / "incoming"
        self.process = None

    def _own(self, path):
        if os.geteuid() == 0:
            account = pwd.getpwnam(self.user)
            os.chown(path, account.pw_uid, account.pw_gid)

    def config(self, authorized_keys):
        """sshd_config: this server's own settings, then the shipped Match block, minus the chroot
        (an unprivileged sshd cannot chroot; the real one does) and with the test's folder."""
        shipped = SHIPPED_CONFIG.read_text()
        assert "Match User clinic-offsite" in shipped and "-d /incoming" in shipped
        match_block = "\n".join(
            line
            for line in shipped.replace("Match User clinic-offsite", f"Match User {self.user}")
            .replace("-d /incoming", f"-d {self.incoming}")
            .splitlines()
            if not line.strip().startswith("ChrootDirectory")
        )
        return (
            f"Port {self.port}\nListenAddress 127.0.0.1\nHostKey {self.folder / 'host_key'}\nPidFile none\n"
            # PAM decides whether `nobody` may log in ('*' in its shadow entry reads as locked
            # without it); StrictModes would refuse the world-writable /tmp above the folder.
            f"UsePAM yes\nStrictModes no\nAuthorizedKeysFile {authorized_keys}\nAllowUsers {self.user}\n"
            "PubkeyAuthentication yes\nKbdInteractiveAuthentication no\nSubsystem sftp internal-sftp\n"
            f"{match_block}\n"
        )

    def start(self, client_public_key):
        self.incoming.mkdir()
        self._own(self.incoming)
        host_key = self.folder / "host_key"
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(host_key)], check=True)
        self._own(host_key)
        authorized_keys = self.folder / "authorized_keys"
        authorized_keys.write_text(client_public_key)
        authorized_keys.chmod(0o644)
        config = self.folder / "sshd_config"
        config.write_text(self.config(authorized_keys))
        config.chmod(0o644)
        return self.resume()

    def resume(self):
        """Run sshd (again, after `stop()`), on the same port with the same keys."""
        command = [SSHD, "-D", "-e", "-f", str(self.folder / "sshd_config")]
        if os.geteuid() == 0:
            command = ["runuser", "-u", self.user, "--", *command]
        self.log_path = self.folder / "sshd.log"
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(command, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log_path.read_text()
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1) as probe:
                if probe.recv(64).startswith(b"SSH-2.0-"):
                    return self
            time.sleep(0.1)
        raise AssertionError(f"sshd did not answer on port {self.port}:\n{self.log_path.read_text()}")

    @property
    def host_key_line(self):
        return (self.folder / "host_key.pub").read_text()

    @property
    def address(self):
        return f"{self.user}@127.0.0.1"

    def arrived(self):
        return sorted(path.name for path in self.incoming.iterdir())

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            # The whole group: runuser, sshd and any session it forked.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)
        if self.process is not None:
            self._log.close()
            self.process = None

    def remove(self):
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
