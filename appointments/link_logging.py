"""The patient's link kept out of every log: its token opens the visit (visit_tokens.py), so gunicorn's
access log and Django's own lines (a 400 or 410 on a link names its path) show the path as
/appointments/visit/… instead; the same for a waitlist offer's link (/appointments/earlier-time/…,
waitlist.py) and a pre-visit packet's (/appointments/prepare/…, packets/links.py). Standard
library only: gunicorn.conf.py imports it too.
"""

import logging
import re

VISIT_PATH = re.compile(r"(/(?:[a-z]{2}/)?appointments/(?:visit|earlier-time|prepare)/)[^/?#\s\"']+")


def redact(text):
    return VISIT_PATH.sub("\\1…", text)


class RedactVisitLinks(logging.Filter):
    """For a handler: the record's message and its string arguments with links' tokens cut."""

    def filter(self, record):
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(arg) if isinstance(arg, str) else arg for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: redact(arg) if isinstance(arg, str) else arg for key, arg in record.args.items()}
        return True
