"""gunicorn's settings for this site; gunicorn reads ./gunicorn.conf.py by default, and
`make serve` and the tests name it explicitly. Command-line options still override it.

Read by gunicorn, not Django: only the standard library, gunicorn and a Django-free module here.
"""

import os

from gunicorn import glogging

from appointments.link_logging import redact

# The access log on stdout, one line a request, without the query string and without the
# Referer: admin searches (?q=) and `_changelist_filters` carry patients' names, phones and
# e-mails, and the Referer repeats them. %(U)s is the path alone.
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'


class AccessLogWithoutVisitLinks(glogging.Logger):
    """The patient's link opens their visit: its path is logged as /appointments/visit/…."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = redact(atoms["U"])
        return atoms


logger_class = AccessLogWithoutVisitLinks

# Whose X-Forwarded-Proto (and other forwarding headers) gunicorn believes. gunicorn's own default
# trusts every local process, so a request sent straight to the server could claim to be HTTPS.
# Trust nobody unless told: set FORWARDED_ALLOW_IPS to the proxy's address (e.g. 127.0.0.1 when
# the TLS proxy runs on this machine). Django's BEHIND_TLS_PROXY is the other half (docs/configuration.md).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "")
