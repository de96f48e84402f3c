"""Sessions in the database (Django's backend), refusing cookie values Django never hands out.

A session key is 32 lowercase letters and digits. Django only checks a key's length, so a cookie
such as `sessionid="\\000aaaaaaaaaaaa"` (a quoted cookie whose octal escape decodes to NUL) went
to PostgreSQL, which cannot compare a NUL: a 500 on every page. Any other value now counts as no
session, as an expired one does.
"""

import re

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

SESSION_KEY = re.compile(r"[a-z0-9]{8,40}")


class SessionStore(DatabaseSessionStore):
    def _validate_session_key(self, key):
        return bool(key) and SESSION_KEY.fullmatch(key) is not None
