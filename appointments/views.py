import logging
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django.views.generic import FormView
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited
from redis.exceptions import RedisError

from core.languages import active_language
from locations.models import Location

from . import visit_tokens, waitlist
from .formats import format_day, visit_date_and_time
from .forms import HONEYPOT_FIELD, AppointmentRequestForm
from .models import (
    AppointmentRequest,
    ContactMethod,
    PatientChoice,
    PreferredTime,
    format_reference,
    new_reference,
)
from .tasks import emails_on_arrival
from .workflow import PATIENT_MOVES, move_to

# What the confirmation page may show, kept in the submitting browser's session only.
RECEIPT_SESSION_KEY = "appointment_request_receipt"
# The visit page's third button, for a patient on the waitlist (waitlist.py).
LEAVE_WAITLIST = "leave_waitlist"
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,50}")
logger = logging.getLogger(__name__)


def submission_over_limit(request, group="appointments", key="ip"):
    """Count one submission for this client and say whether it is over the limit.

    Only submissions that would be stored (valid ones, and bots caught by the honeypot) count,
    so a patient correcting typos is never turned away. The counters live in the shared cache,
    so the limit holds across processes. When the cache (Redis) fails, the request counts as
    not limited: a patient's valid request is stored whatever the cache does (the honeypot still
    stands). RATELIMIT_FAIL_OPEN only covers a cache that answers without a count.
    """
    try:
        return is_ratelimited(
            request,
            group=group,
            key=key,
            rate=settings.APPOINTMENT_RATE_LIMIT,
            method=ALL,
            increment=True,
        )
    except RedisError as error:
        # The error's type only: nothing about the patient or the request.
        logger.warning("rate limit not checked: cache unreachable", extra={"error_type": type(error).__name__})
        return False


def too_many_requests(request):
    response = render(request, "429.html", status=429)
    response["Cache-Control"] = "no-store"
    return response


def see_confirmation():
    # 303: the browser fetches the confirmation with GET, so reloading it never resubmits.
    response = redirect("appointments:received")
    response.status_code = 303
    return response


@method_decorator(never_cache, name="dispatch")
# Every answer is protected health information: an error report (ADMINS, Sentry and the like)
# shows the posted fields as stars, never the patient's answers.
@method_decorator(sensitive_post_parameters(), name="dispatch")
class AppointmentRequestView(FormView):
    """The request form. `?location=<slug>` preselects an office; an unknown slug is ignored."""

    template_name = "appointments/request_form.html"
    form_class = AppointmentRequestForm

    def get_initial(self):
        initial = {
            "preferred_time": PreferredTime.ANY,
            "earlier_time": "",
            "contact_method": ContactMethod.PHONE,
            "callback_language": active_language(),
        }
        slug = self.request.GET.get("location", "")
        # Checked before it reaches the database: a NUL byte would make PostgreSQL raise.
        if SLUG.fullmatch(slug):
            office = Location.objects.taking_requests().filter(slug=slug).first()
            if office:
                initial["location"] = office.pk
        return initial

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if request.POST.get(HONEYPOT_FIELD, "").strip():
            return self.deceive_bot(form)
        if not form.is_valid():
            return self.form_invalid(form)
        if submission_over_limit(request):
            return too_many_requests(request)
        return self.form_valid(form)

    def form_valid(self, form):
        with transaction.atomic():
            appointment_request = form.save(commit=False)
            appointment_request.language = active_language()
            appointment_request.consented_at = timezone.now()
            appointment_request.save()
            # Queued for the worker once the request is safely stored: no mail server in the way.
            emails_on_arrival(appointment_request)
        self.remember_receipt(
            appointment_request.reference,
            appointment_request.location,
            appointment_request.preferred_date,
            appointment_request.contact_method,
        )
        return see_confirmation()

    def deceive_bot(self, form):
        """A bot filled the field people never see: it gets the normal confirmation, and nothing
        is stored or sent."""
        if submission_over_limit(self.request):
            return too_many_requests(self.request)
        data = form.cleaned_data if form.is_valid() else {}
        self.remember_receipt(
            new_reference(), data.get("location"), data.get("preferred_date"), data.get("contact_method")
        )
        return see_confirmation()

    def remember_receipt(self, reference, office, preferred_date, contact_method):
        self.request.session[RECEIPT_SESSION_KEY] = {
            "reference": reference,
            "office": office.pk if office else None,
            "preferred_date": preferred_date.isoformat() if preferred_date else None,
            "contact_method": contact_method or ContactMethod.PHONE,
        }


@never_cache
def request_received(request):
    """The confirmation, for the browser that sent the request only (its session holds it)."""
    receipt = request.session.get(RECEIPT_SESSION_KEY)
    if not receipt:
        return redirect("appointments:request")
    office = Location.objects.filter(pk=receipt["office"]).first() if receipt.get("office") else None
    context = {
        "reference": format_reference(receipt["reference"]),
        "office": office,
        "preferred_date": format_day(day) if (day := parse_date(receipt.get("preferred_date") or "")) else "",
        "by_email": receipt.get("contact_method") == ContactMethod.EMAIL,
        "callback_hours": AppointmentRequest.objects.typical_callback_hours(),
    }
    return render(request, "appointments/request_received.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def visit_link(request, token):
    """The page the link in the patient's e-mails opens: the visit, and two buttons (cancel it,
    or ask for another time). Anything wrong with the link gets a friendly page with the phones."""
    try:
        appointment_request = visit_tokens.request_for(token)
    except visit_tokens.Unusable as unusable:
        # Only refused links count towards the limit on GET: they are what guessing looks like.
        if submission_over_limit(request, group="visit-link"):
            return too_many_requests(request)
        return render_unusable_link(request, unusable.reason)
    if request.method == "POST":
        if answer_over_limit(request, token):
            return too_many_requests(request)
        choice = request.POST.get("choice", "")
        if choice == LEAVE_WAITLIST:
            # Not a status move: the visit stands, only the offers of earlier times stop.
            AppointmentRequest.objects.filter(pk=appointment_request.pk).update(earlier_time="")
            appointment_request.earlier_time = ""
            return render_visit_page(request, appointment_request, "appointments/visit.html", left_waitlist=True)
        if choice in PatientChoice.values:
            try:
                move_to(appointment_request, PATIENT_MOVES[choice], by=None, patient_choice=choice)
            except ValidationError:  # changed between the page and the click
                return render_unusable_link(request, "changed")
            return render_visit_page(request, appointment_request, "appointments/visit_answered.html", choice)
    return render_visit_page(request, appointment_request, "appointments/visit.html")


def answer_over_limit(request, token):
    """Answers through a working link (the visit's, an offer's) are counted per link, not per
    address: wrong links from a clinic's shared Wi-Fi must not keep a patient on it from
    answering through their own."""
    return submission_over_limit(
        request, group="visit-answer", key=lambda group, request: visit_tokens.digest_of(token)
    )


# Status codes for links that cannot be used: unknown (forged, mangled, or its request purged),
# and for links whose time or visit has passed (410).
UNUSABLE_STATUS = {"invalid": 400}


def render_unusable_link(request, reason):
    context = {"reason": reason}
    return render(request, "appointments/visit_link_unusable.html", context, status=UNUSABLE_STATUS.get(reason, 410))


def render_visit_page(request, appointment_request, template_name, choice="", left_waitlist=False):
    visit = appointment_request.visit
    context = {
        **visit_date_and_time(visit.at),
        "office": visit.office,
        "choice": choice,
        "choices": PatientChoice,
        "on_waitlist": bool(appointment_request.earlier_time),
        "left_waitlist": left_waitlist,
        "leave_waitlist": LEAVE_WAITLIST,
    }
    return render(request, template_name, context)


@never_cache
@require_http_methods(["GET", "POST"])
def waitlist_offer(request, token):
    """An earlier time offered to a waitlisted patient: the time, and "Yes, give me this time".
    The first claim wins (waitlist.claim); everyone else sees it was taken, with the phones."""
    try:
        offer = waitlist.offer_for(token)
    except visit_tokens.Unusable as unusable:
        if submission_over_limit(request, group="visit-link"):
            return too_many_requests(request)
        return render_unusable_offer(request, unusable.reason)
    if request.method == "POST":
        if answer_over_limit(request, token):
            return too_many_requests(request)
        try:
            offer = waitlist.claim(token)
        except visit_tokens.Unusable as unusable:
            return render_unusable_offer(request, unusable.reason)
        except ValidationError:  # the office's hours changed since the time was freed
            return render_unusable_offer(request, "changed")
        return render_offer_page(request, offer, "appointments/offer_claimed.html")
    return render_offer_page(request, offer, "appointments/offer.html")


def render_unusable_offer(request, reason):
    return render(
        request, "appointments/offer_unusable.html", {"reason": reason}, status=UNUSABLE_STATUS.get(reason, 410)
    )


def render_offer_page(request, offer, template_name):
    freed_time = offer.freed_time
    context = {**visit_date_and_time(freed_time.at), "office": freed_time.office}
    return render(request, template_name, context)
