"""Real servers for the hardening tests and the benchmark.

A throwaway PostgreSQL database, gunicorn in a subprocess with production-like settings, a TCP
proxy a test can cut to make the database vanish, and a small HTTP client that keeps its own
cookies (one patient's browser). Nothing here imports Django, so `bench/run.py` uses it before
Django is configured.

Everything listens on 127.0.0.1 only. The shared PostgreSQL server is never stopped: an
"outage" is the proxy in front of it closing its doors.
"""

import base64
import contextlib
import functools
import http.client
import http.cookiejar
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/test"


def free_port():
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_server_url():
    """The PostgreSQL server to make throwaway databases on: DATABASE_URL's when it names
    PostgreSQL (CI's second pass), the local one otherwise."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else DEFAULT_POSTGRES_URL


def unique_name(prefix):
    return f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"


# --- PostgreSQL ---------------------------------------------------------------------------


class ThrowawayDatabase:
    """A database of its own on an existing PostgreSQL server, created and dropped by us."""

    def __init__(self, name, server_url=None):
        self.name = name
        self.server = urllib.parse.urlsplit(server_url or postgres_server_url())

    def url(self, host=None, port=None):
        """DATABASE_URL for this database, optionally through another address (the proxy)."""
        credentials = self.server.netloc.rpartition("@")[0]
        address = f"{host or self.server.hostname}:{port or self.server.port or 5432}"
        netloc = f"{credentials}@{address}" if credentials else address
        return urllib.parse.urlunsplit((self.server.scheme, netloc, "/" + self.name, "", ""))

    def connect(self, dbname=None):
        import psycopg2

        return psycopg2.connect(
            host=self.server.hostname,
            port=self.server.port or 5432,
            user=urllib.parse.unquote(self.server.username or "postgres"),
            password=urllib.parse.unquote(self.server.password or ""),
            dbname=dbname or self.name,
            connect_timeout=5,
        )

    def _maintenance(self, *statements, attempts=3):
        """Run CREATE/DROP DATABASE statements (idempotent ones: IF EXISTS), in autocommit on the
        server's own database: they cannot run in a transaction.

        The application's wait callback (installed process-wide by the settings) gives up on an
        answer after the statement timeout; a DROP ... WITH (FORCE) on a busy machine can take
        longer, so a broken connection is tried again on a new one.
        """
        import psycopg2

        for attempt in range(1, attempts + 1):
            try:
                connection = self.connect(dbname=self.server.path.lstrip("/") or "postgres")
                try:
                    connection.autocommit = True
                    with connection.cursor() as cursor:
                        for statement in statements:
                            cursor.execute(statement)
                    return
                finally:
                    connection.close()
            except psycopg2.OperationalError:
                if attempt == attempts:
                    raise

    def create(self):
        self._maintenance(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)', f'CREATE DATABASE "{self.name}"')

    def drop(self):
        # FORCE: a gunicorn that died badly may still hold a connection.
        self._maintenance(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def execute(self, sql, params=None):
        connection = self.connect()
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall() if cursor.description else None
        finally:
            connection.close()

    def count(self, table):
        return self.execute(f'SELECT count(*) FROM "{table}"')[0][0]

    def manage(self, *args, env=None, timeout=300):
        """Run `manage.py <args>` against this database with production-like settings."""
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env or production_env(DATABASE_URL=self.url()),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout


def django_with_refused_database(code):
    """Run `code` in a Django process of its own (the test settings) whose PostgreSQL refuses
    every connection (nothing listens on port 1); return the JSON value it printed last."""
    import json

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/test",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django, json; django.setup();" + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- gunicorn -----------------------------------------------------------------------------


def production_env(**overrides):
    """The environment of a production-like process: DEBUG off, the real settings module, a
    secret key, plain HTTP on loopback. Built from scratch rather than copied from the test
    process, whose tests/settings.py exports test-only values (locmem mail, testserver)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "TZ": "UTC",  # the clinic's clock must not depend on the server's
        "PYTHONDONTWRITEBYTECODE": "1",
        "DJANGO_SETTINGS_MODULE": "clinic_site.settings",
        "SECRET_KEY": "live-server-" + uuid.uuid4().hex + uuid.uuid4().hex,
        "PACKET_ENCRYPTION_KEYS": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "PLAIN_STATIC_STORAGE": "true",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "LOG_LEVEL": "WARNING",
    }
    env.update({key: str(value) for key, value in overrides.items()})
    return env


class ServerProcess:
    """A server in a process group of its own, logging to a file (`log_path`), stopped by the test."""

    process = None

    def spawn(self, command, env, cwd, ready, what, timeout):
        """Start `command` and wait until `ready()` is true (a connection error counts as not yet)."""
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )
        name = type(self).__name__
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{name} exited with {self.process.returncode}:\n{self.log_tail()}")
            with contextlib.suppress(OSError):
                if ready():
                    return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{name} did not answer {what} within {timeout} s:\n{self.log_tail()}")

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        self._log.close()
        self.process = None

    def log_tail(self, lines=40):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()


class GunicornServer(ServerProcess):
    """gunicorn serving the site on a free loopback port."""

    def __init__(self, env, workers=2, log_dir=None, extra_args=(), log_name=None):
        self.workers = workers
        self.port = free_port()
        # The server's own address is the site's public origin (links in e-mails; the page cache
        # keeps only pages asked for on it), unless the test says otherwise.
        self.env = {"SITE_URL": self.base_url, **env}
        self.extra_args = list(extra_args)
        self.log_path = Path(log_dir or "/tmp") / (log_name or f"gunicorn_{self.port}_{uuid.uuid4().hex[:6]}.log")

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def url(self, path):
        return self.base_url + path

    def start(self, ready_path="/robots.txt", timeout=30):
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "clinic_site.wsgi",
            # The site's own settings (access log format, trusted proxies), as `make serve`.
            "--config",
            str(ROOT / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--graceful-timeout",
            "5",
            # Several servers run side by side; the default control socket is one shared path.
            "--no-control-socket",
            *self.extra_args,
        ]

        def ready():
            return HttpClient(self.base_url).get(ready_path).status < 500

        return self.spawn(command, self.env, ROOT, ready, ready_path, timeout)


# --- a TCP proxy the test can cut -----------------------------------------------------------


class TcpProxy:
    """Forwards 127.0.0.1:<port> to a target address, in threads.

    `cut()` closes the listening socket and every live connection, so the server behind it
    looks gone (connections refused, open ones dead); `restore()` listens again on the same
    port, as a database coming back would. `pause()` keeps every connection open and accepts
    new ones but forwards nothing, so the server looks stalled (alive, never answering), as a
    hung database or Redis does; `resume()` delivers what was held and carries on.
    """

    def __init__(self, target_host, target_port):
        self.target = (target_host, target_port)
        self.port = free_port()
        self._listener = None
        self._accepting = None
        self._sockets = set()
        self._lock = threading.Lock()
        self._threads = []
        self._flowing = threading.Event()
        self._flowing.set()

    def start(self):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.1)
        self._listener = listener
        self._accepting = threading.Event()
        self._accepting.set()
        thread = threading.Thread(target=self._accept_loop, args=(listener, self._accepting), daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    restore = start

    def _accept_loop(self, listener, accepting):
        while accepting.is_set():
            try:
                client, _address = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            for sock in (client, upstream):
                sock.settimeout(None)
            with self._lock:
                self._sockets.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                pump = threading.Thread(target=self._pump, args=(source, sink), daemon=True)
                pump.start()

    def _pump(self, source, sink):
        with contextlib.suppress(OSError):
            while chunk := source.recv(65536):
                # Bounded waits: a paused pump still notices a cut (its sockets closing).
                while not self._flowing.wait(timeout=0.2):
                    if source.fileno() == -1:
                        return
                sink.sendall(chunk)
        self._close(source, sink)

    def pause(self):
        self._flowing.clear()

    def resume(self):
        self._flowing.set()

    def _close(self, *sockets):
        with self._lock:
            for sock in sockets:
                self._sockets.discard(sock)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    @property
    def live_connections(self):
        with self._lock:
            return len(self._sockets) // 2

    def cut(self):
        self._flowing.set()
        self._accepting.clear()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads.clear()
        self._listener.close()
        with self._lock:
            live = list(self._sockets)
        self._close(*live)

    stop = cut

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.cut()


# --- the TLS proxy in front, as deployed ---------------------------------------------------


def env_file(path):
    """KEY="value" lines as systemd's EnvironmentFile= and bash read them (comments and blanks
    skipped, one pair of surrounding quotes removed; deploy/env.example keeps to that subset)."""
    values = {}
    for line in Path(path).read_text().splitlines():
        line = line.strip()
        if line and not line.startswith(("#", ";")):
            key, _, value = line.partition("=")
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            values[key.strip()] = value
    return values


def deployed_settings(**overrides):
    """deploy/env.example's values (what a practice runs), to pass to production_env(); the
    secret, the database, mail and static storage stay the test's."""
    settings = env_file(ROOT / "deploy" / "env.example")
    for key in ("SECRET_KEY", "PACKET_ENCRYPTION_KEYS", "DATABASE_URL", "EMAIL_BACKEND", "PLAIN_STATIC_STORAGE"):
        del settings[key]
    settings.update(overrides)
    return settings


class CaddyServer(ServerProcess):
    """Debian's Caddy running the shipped deploy/Caddyfile in front of gunicorn, on loopback.

    Only what the Caddyfile leaves to its environment changes: the site's address (HTTPS on a
    free port, certificate from Caddy's own CA, `tls internal`), the HTTP port it redirects
    from, the admin endpoint and the upstreams. Caddy keeps its CA under `work_dir` and logs
    (its access log included) to a file there.
    """

    CADDYFILE = ROOT / "deploy" / "Caddyfile"

    def __init__(self, upstream_ports, work_dir, host="127.0.0.1"):
        self.host = host
        self.https_port, self.http_port = free_port(), free_port()
        self.work_dir = Path(work_dir)
        self.log_path = self.work_dir / f"caddy_{self.https_port}.log"
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.work_dir),
            # Caddy's storage (its CA, certificates) lives under $XDG_DATA_HOME/caddy.
            "XDG_DATA_HOME": str(self.work_dir / "data"),
            "XDG_CONFIG_HOME": str(self.work_dir / "config"),
            "SITE_ADDRESS": f"{host}:{self.https_port}",
            "CADDY_TLS": "internal",
            "CADDY_BIND": host,
            "CADDY_HTTP_PORT": str(self.http_port),
            "CADDY_ADMIN": f"127.0.0.1:{free_port()}",
            "UPSTREAMS": " ".join(f"127.0.0.1:{port}" for port in upstream_ports),
        }

    @property
    def base_url(self):
        return f"https://{self.host}:{self.https_port}"

    @property
    def http_url(self):
        return f"http://{self.host}:{self.http_port}"

    @property
    def ca_file(self):
        return self.work_dir / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"

    def client(self, source_address=None, **kwargs):
        """A browser that trusts this Caddy's CA, connecting from `source_address`."""
        return HttpClient(self.base_url, cafile=self.ca_file, source_address=source_address, **kwargs)

    def start(self, timeout=30):
        command = ["caddy", "run", "--adapter", "caddyfile", "--config", str(self.CADDYFILE)]

        def ready():
            return self.ca_file.exists() and self.client().get("/healthz").status == 200

        return self.spawn(command, self.env, self.work_dir, ready, "/healthz over HTTPS", timeout)

    def access_log(self):
        """Caddy's access log entries so far (one JSON object a line)."""
        entries = []
        for line in self.log_path.read_text(errors="replace").splitlines():
            with contextlib.suppress(ValueError):
                entry = json.loads(line)
                if entry.get("logger", "").startswith("http.log.access"):
                    entries.append(entry)
        return entries


# --- one patient's browser -----------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes = field(repr=False)

    @property
    def text(self):
        return self.body.decode("utf-8", errors="replace")

    @property
    def location(self):
        return self.headers.get("location", "")


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class _FromAddressHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, source_address):
        super().__init__()
        self.source_address = source_address

    def http_open(self, req):
        return self.do_open(functools.partial(http.client.HTTPConnection, source_address=self.source_address), req)


class _FromAddressHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, source_address, context):
        super().__init__(context=context)
        self.source_address = source_address

    def https_open(self, req):
        connection = functools.partial(http.client.HTTPSConnection, source_address=self.source_address)
        return self.do_open(connection, req, context=self._context)


# OpenSSL's flag to skip the validity dates (X509_V_FLAG_NO_CHECK_TIME; the ssl module has no name for it).
NO_CHECK_TIME = 0x200000


def trusting_only(cafile):
    """A TLS context that trusts only `cafile` and checks the chain and host name, not the dates.

    Caddy is a Go program: faketime (make test-any-hour) cannot move its clock, so its
    12-hour certificates are "not yet valid" or "expired" to a process whose clock is pinned to
    another day. What these tests prove is the proxy, not the certificate's lifetime.
    """
    context = ssl.create_default_context(cafile=cafile)
    context.verify_flags |= NO_CHECK_TIME
    return context


class HttpClient:
    """A cookie-keeping HTTP client that shows redirects and error statuses as they are.

    `cafile` is the only certificate authority trusted over HTTPS (a test's own CA);
    `source_address` is the loopback address the client connects from (127.0.0.2 is a second
    patient's machine as far as the server can tell)."""

    def __init__(self, base_url, timeout=30, cookies=None, cafile=None, source_address=None):
        self.base_url = base_url
        self.timeout = timeout
        # Pass another client's jar to be the same browser talking to another server.
        self.cookies = cookies if cookies is not None else http.cookiejar.CookieJar()
        source = (source_address, 0) if source_address else None
        context = trusting_only(cafile) if cafile else None
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies),
            _KeepRedirects,
            _FromAddressHTTPHandler(source),
            _FromAddressHTTPSHandler(source, context),
        )

    def request(self, path, data=None, headers=None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + path, data=body, headers=headers or {})
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return Response(response.status, {k.lower(): v for k, v in response.headers.items()}, response.read())
        except urllib.error.HTTPError as error:
            with error:
                return Response(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())

    def get(self, path, headers=None):
        return self.request(path, headers=headers)

    def post(self, path, data, headers=None):
        return self.request(path, data=data, headers=headers)

    def csrf_token(self, path):
        """GET a form page (which sets the CSRF cookie) and return the token it carries."""
        page = self.get(path)
        match = CSRF_INPUT.search(page.text)
        if page.status != 200 or not match:
            raise AssertionError(f"GET {path} gave {page.status} and no CSRF token")
        return match.group(1)


def redis_url(database=None):
    return os.environ.get("HARDENING_REDIS_URL", f"redis://127.0.0.1:6379/{database or 0}")


def delete_redis_keys(url, prefix):
    """Remove a run's keys (the unique CACHE_KEY_PREFIX) from the shared Redis."""
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        for start in range(0, len(keys), 500):
            client.delete(*keys[start : start + 500])
    finally:
        client.close()
