"""The patient's or staff member's address, read one way for rate limits and login lockout.

Behind a proxy every client would share the proxy's REMOTE_ADDR, so one attacker could lock
out all staff. TRUSTED_PROXY_COUNT says how many proxies in front of the site append to
X-Forwarded-For; the address they saw is taken from the right, never a client-supplied one.

The hop is parsed as an address (a port and IPv6 brackets stripped: `1.2.3.4:5678`,
`[2001:db8::1]:443`); anything else falls back on REMOTE_ADDR, since the lockout stores it in
an `inet` column and a malformed value would turn a sign-in or a request into a 500.
"""

import ipaddress
import re

from django.conf import settings

# "[v6]:port", "[v6]", "v4:port": the address part. A bare IPv6 address has several colons
# and is left whole.
BRACKETED = re.compile(r"\[(?P<address>[^\]]+)\](?::\d+)?")
V4_WITH_PORT = re.compile(r"(?P<address>[^:]+):\d+")


def parse_address(hop):
    """The address in one X-Forwarded-For hop, normalised, or None when it is not one."""
    match = BRACKETED.fullmatch(hop) or V4_WITH_PORT.fullmatch(hop)
    try:
        address = ipaddress.ip_address(match["address"] if match else hop)
    except ValueError:
        return None
    # A zone ("fe80::1%eth0") is no client address and no `inet` value.
    return None if getattr(address, "scope_id", None) else str(address)


def client_ip(request):
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= count and (address := parse_address(hops[-count])):
            return address
    return request.META.get("REMOTE_ADDR", "")
