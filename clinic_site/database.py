"""A PostgreSQL server that stops answering costs a few seconds, never a worker.

libpq waits for an answer forever. The server-side `statement_timeout` and TCP keepalives and
`tcp_user_timeout` (settings.py) cover a slow query and a vanished host, but not a server (or
anything between) that keeps the connection open and says nothing: then the only clock is ours.
psycopg2 lets the application do libpq's waiting (`set_wait_callback`, the hook it documents
for this); this one waits at most so long for each answer, then shuts the socket so that libpq
reports a broken connection, which Django raises as an OperationalError (503 page,
clinic_site/middleware.py) and replaces with a new connection on the next request.
"""

import select
import socket
import time

from psycopg2 import extensions

# The server's own statement_timeout answers first with a proper error; this is the backstop.
GRACE_SECONDS = 2
# Seconds, or None for no limit: (while connecting, for any other answer); set by install().
_limits = (None, None)


def wait_for_answer(connection):
    limit = _limits[0] if connection.status == extensions.STATUS_SETUP else _limits[1]
    deadline = None if limit is None else time.monotonic() + limit
    while True:
        state = connection.poll()
        if state == extensions.POLL_OK:
            return
        remaining = None if deadline is None else max(deadline - time.monotonic(), 0)
        fileno = connection.fileno()
        if state == extensions.POLL_READ:
            ready = select.select([fileno], [], [], remaining)[0]
        else:
            ready = select.select([], [fileno], [], remaining)[1]
        if not ready:
            # poll() now meets a closed socket and raises OperationalError.
            with socket.socket(fileno=fileno) as stalled:
                try:
                    stalled.shutdown(socket.SHUT_RDWR)
                finally:
                    stalled.detach()  # the descriptor stays libpq's to close


def install(connect_timeout, statement_timeout):
    """Wait at most `connect_timeout` seconds for a connection and `statement_timeout` (plus a
    grace) for any answer; 0 waits as long as it takes, as libpq does."""
    global _limits  # noqa: PLW0603 - one process-wide hook, as psycopg2's is
    _limits = (connect_timeout or None, statement_timeout + GRACE_SECONDS if statement_timeout else None)
    extensions.set_wait_callback(wait_for_answer)
