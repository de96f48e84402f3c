"""Optimistic locking for the front desk's pages: a change made from a page older than the
request's last change is refused, and the refusal says what changed.

Each save of a request raises its `version` (AppointmentRequest.save). A page that can change
a request (its change page; the list, for actions) carries a token of what it showed: the
version and a short fingerprint of each field staff decide by. On save, a token whose version
is no longer the request's is stale: comparing the fingerprints names the fields that changed,
without putting the fields' contents (staff notes) into the page twice.
"""

import hashlib

from django.core import signing

SALT = "appointments.page-seen"

# The fields staff act on, with the words the refusal uses for them.
WATCHED = {
    "status": "the status",
    "closing_reason": "the closing reason",
    "visit_at": "the visit's time",
    "visit_office_id": "the visit's office",
    "patient_choice": "the patient's answer through their link",
    "staff_notes": "the staff notes",
}


def _fingerprint(value):
    return hashlib.sha256(str(value).encode()).hexdigest()[:8]


def seen_token(appointment_request):
    """What this page shows of the request, to hand back with a change."""
    fields = {name: _fingerprint(getattr(appointment_request, name)) for name in WATCHED}
    return signing.dumps({"r": appointment_request.pk, "v": appointment_request.version, "f": fields}, salt=SALT)


def tokens_by_request(tokens):
    """{pk: token payload} from the tokens a list page sent (unreadable ones are ignored)."""
    seen = {}
    for token in tokens:
        try:
            payload = signing.loads(token, salt=SALT)
            seen[int(payload["r"])] = payload
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            continue
    return seen


def changed_since(payload, appointment_request):
    """The words for what changed since the page was shown, or "" if nothing did."""
    if payload is None or payload.get("v") == appointment_request.version:
        return ""
    before = payload.get("f") or {}
    now = {name: _fingerprint(getattr(appointment_request, name)) for name in WATCHED}
    changed = [words for name, words in WATCHED.items() if before.get(name) != now[name]]
    if not changed:
        return "the request was saved again"
    status = appointment_request.get_status_display()
    return f"{', '.join(changed)} (the status is now “{status}”)"


RELOAD = "Nothing was saved: reload the page to see the request as it is now, then make your change again."
LEFT_AS_IT_WAS = "It was left as it was: look at it again before acting on it."


def stale_message(appointment_request, what, ending=RELOAD):
    return f"{appointment_request.display_reference} changed after this page was opened: {what}. {ending}"
