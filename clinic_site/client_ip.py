"""The patient's or staff member's address, read one way for rate limits and login lockout.

Behind a proxy every client would share the proxy's REMOTE_ADDR, so one attacker could lock
out all staff. TRUSTED_PROXY_COUNT says how many proxies in front of the site append to
X-Forwarded-For; the address they saw is taken from the right, never a client-supplied one.
"""

from django.conf import settings


def client_ip(request):
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR", "")
