"""The second step of every staff sign-in: a code from an authenticator app (django-otp's TOTP
device) or a single-use backup code (its static device).

Django's admin login checks the password; the admin site (SecondFactorAdminSite) then refuses
every page until this step has verified a device, and sends the user here. A staff member
without a device sets one up first. Wrong codes count toward django-axes' lockout for the
account and address exactly as wrong passwords do, so the code cannot be guessed either.
"""

import base64
import math
from functools import wraps
from urllib.parse import urlsplit

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from axes.utils import reset as reset_axes
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME, get_user_model, logout
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import Action, address_of, record

BACKUP_CODES = 10
# Marks the failures this step reports to django-axes, which signals.py leaves out of the access
# record (the step records them itself).
CODE_FAILURE = "second_factor"


def required():
    return settings.STAFF_SECOND_FACTOR


def passed(request):
    """The session has passed the second step, or the practice switched it off."""
    return not required() or request.user.is_verified()


def forget_failures(request, user):
    """The whole sign-in succeeded: django-axes forgets this account's failures from this address."""
    reset_axes(ip=address_of(request), username=user.get_username())


def credentials_of(user):
    return {"username": user.get_username(), CODE_FAILURE: True}


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=16,
        help_text="The 6 digits your authenticator app shows now, or one of your backup codes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}),
    )

    def clean_code(self):
        return "".join(self.cleaned_data["code"].split()).lower()


class SetUpForm(CodeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = "The 6 digits your authenticator app shows for this account now."


def path_only(target):
    """Where to go after signing in, without a query string (a search for a patient's name) and
    without another host."""
    return urlsplit(target).path


def grouped(secret):
    """Easier to type from the screen: "ABCD EFGH ...". Apps accept it with or without spaces."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device):
    # Drawn on the server as inline SVG: no script, no image from elsewhere, nothing for the CSP
    # to refuse; black on a white quiet zone so it scans in the admin's dark theme too.
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, dark="#000", light="#fff", svgclass="qr-code", title="QR code for your authenticator app"
    )


class SecondFactorAdminSite(admin.AdminSite):
    """An admin site no page of which shows anything before the second factor (django-otp's
    OTPAdminSite does the same with a one-page login, which cannot enrol a newcomer)."""

    def has_permission(self, request):
        return super().has_permission(request) and passed(request)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def to_login_with_the_path_only(request, *args, **kwargs):
            # Django's admin sends the whole URL on as `next`; a search's query string holds a
            # patient's name, which would then sit in the login page's URL and form data.
            logout_path = reverse("admin:logout", current_app=self.name)
            if request.GET and request.path != logout_path and not self.has_permission(request):
                response = redirect_to_login(request.path, reverse("admin:login", current_app=self.name))
                add_never_cache_headers(response)
                return response
            return inner(request, *args, **kwargs)

        return to_login_with_the_path_only

    def login(self, request, extra_context=None):
        target = request.GET.get(REDIRECT_FIELD_NAME)
        if request.method == "GET" and target and path_only(target) != target:
            return redirect(f"{request.path}?{urlencode({REDIRECT_FIELD_NAME: path_only(target)})}")
        user = request.user
        if user.is_active and user.is_staff and not passed(request):
            return self._to_step(request, "second_factor")
        return super().login(request, extra_context)

    def get_urls(self):
        return [
            path("second-factor/", self.second_factor, name="second_factor"),
            path("second-factor/set-up/", self.second_factor_setup, name="second_factor_setup"),
            path("stay-signed-in/", self.admin_view(self.stay_signed_in), name="stay_signed_in"),
            *super().get_urls(),
        ]

    # --- helpers ---------------------------------------------------------------------

    def _target(self, request):
        """The `next` of this sign-in if it is on this site, as a path alone (see path_only)."""
        target = request.POST.get(REDIRECT_FIELD_NAME, request.GET.get(REDIRECT_FIELD_NAME, ""))
        safe = url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
        return path_only(target) if safe else ""

    def _next(self, request):
        return self._target(request) or reverse("admin:index", current_app=self.name)

    def _to_step(self, request, step):
        url = reverse(f"admin:{step}", current_app=self.name)
        target = self._target(request)
        if target:
            url += "?" + urlencode({REDIRECT_FIELD_NAME: target})
        return redirect(url)

    def _page(self, request, template, title, **context):
        context = {**self.each_context(request), "title": title, "next": self._next(request), **context}
        return TemplateResponse(request, template, context)

    def _wait(self, request, template, title, form, seconds, **context):
        unit = "second" if seconds == 1 else "seconds"
        form.add_error("code", f"Too many tries in a row. Wait {seconds} {unit}, then enter the newest code.")
        response = self._page(request, template, title, form=form, **context)
        response.status_code = 429
        response["Retry-After"] = str(seconds)
        return response

    def _signed_in(self, request, device, action, detail):
        otp_login(request, device)
        # A new session key now that it carries more trust (session fixation).
        request.session.cycle_key()
        forget_failures(request, request.user)
        record(request, action, detail=detail)

    def _waiting_for_code(self, request):
        """None when this session may use the code step, else where it should go instead."""
        user = request.user
        if request.method == "POST" and "sign_out" in request.POST:
            logout(request)
            return redirect(reverse("admin:login", current_app=self.name))
        if not (user.is_active and user.is_staff):
            return redirect(reverse("admin:login", current_app=self.name))
        if passed(request):
            return redirect(self._next(request))
        return None

    # --- views -----------------------------------------------------------------------

    @method_decorator(never_cache)
    def second_factor(self, request):
        elsewhere = self._waiting_for_code(request)
        if elsewhere:
            return elsewhere
        user = request.user
        if not any(devices_for_user(user, confirmed=True)):
            return self._to_step(request, "second_factor_setup")
        credentials = credentials_of(user)
        if AxesProxyHandler.is_locked(request, credentials):
            logout(request)
            return get_lockout_response(request, credentials=credentials)
        form = CodeForm(request.POST if request.method == "POST" else None)
        wait, device = 0, None
        if form.is_valid():
            # The devices are read for update (django-otp's for_verify), so in one transaction:
            # two tries at once cannot both use one code.
            with transaction.atomic():
                devices = devices_for_code(user, form.cleaned_data["code"])
                wait = seconds_to_wait(devices)
                if not wait:
                    device = next((d for d in devices if d.verify_token(form.cleaned_data["code"])), None)
        if wait:
            # django-otp refuses every code, even the right one, for a moment after a wrong one:
            # say so, and count nothing toward the lockout (it is no guess).
            return self._wait(request, "staff/second_factor.html", "Enter your code", form, wait)
        if form.is_valid():
            if device is not None:
                kind = "backup code" if isinstance(device, StaticDevice) else "authenticator app"
                self._signed_in(request, device, Action.VERIFIED, kind)
                return redirect(self._next(request))
            record(request, Action.CODE_FAILED)
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            if getattr(request, "axes_locked_out", False):
                logout(request)
                return get_lockout_response(request, credentials=credentials)
            form.add_error("code", "That code is not right, or was already used. Try the code your app shows now.")
        return self._page(request, "staff/second_factor.html", "Enter your code", form=form)

    @method_decorator(never_cache)
    def second_factor_setup(self, request):
        elsewhere = self._waiting_for_code(request)
        if elsewhere:
            return elsewhere
        user = request.user
        if any(devices_for_user(user, confirmed=True)):
            # Adding a device takes a verified session; losing one takes a superuser (docs/staff-guide.md).
            return self._to_step(request, "second_factor")
        device = setup_device_of(request)
        form = SetUpForm(request.POST if request.method == "POST" and device is not None else None)
        notice = ""
        if device is None:
            if request.method == "POST":
                notice = "This set-up was started again elsewhere, so the key you scanned no longer works."
            device = start_setup(request)
        elif form.is_valid() and (wait := seconds_to_wait([device])):
            return self._wait(
                request, "staff/second_factor_setup.html", "Set up your second factor", form, wait, **setup_page(device)
            )
        elif form.is_valid():
            with transaction.atomic():
                # One device per colleague, even if two sessions confirm at the same moment.
                get_user_model().objects.select_for_update().filter(pk=user.pk).first()
                confirmed = not any(devices_for_user(user, confirmed=True)) and device.verify_token(
                    form.cleaned_data["code"]
                )
                if confirmed:
                    device.confirmed = True
                    device.save(update_fields=["confirmed"])
                    codes = backup_codes_for(user)
            if confirmed:
                request.session.pop(SETUP_SESSION_KEY, None)
                self._signed_in(request, device, Action.ENROLLED, f"authenticator app and {len(codes)} backup codes")
                # Shown once, in this response only (never_cache keeps it out of every cache).
                return self._page(request, "staff/backup_codes.html", "Your backup codes", codes=codes)
            form.add_error(
                "code", "That code is not right. Check the app shows this account, then try its newest code."
            )
        return self._page(
            request,
            "staff/second_factor_setup.html",
            "Set up your second factor",
            form=form,
            notice=notice,
            **setup_page(device),
        )

    @method_decorator(require_POST)
    def stay_signed_in(self, request):
        """The idle warning's button (static/staff/idle-warning.js): any request renews the session
        (SESSION_SAVE_EVERY_REQUEST), so there is nothing more to do."""
        return HttpResponse(status=204)


# The set-up key belongs to the session that asked for it: shown to it, confirmed by it only.
SETUP_SESSION_KEY = "second_factor_setup_device"


def setup_device_of(request):
    """This session's unconfirmed device, or None if it has none (or another set-up replaced it)."""
    device_id = request.session.get(SETUP_SESSION_KEY)
    if device_id is None:
        return None
    return TOTPDevice.objects.filter(pk=device_id, user=request.user, confirmed=False).first()


def start_setup(request):
    """A new key for this session, replacing every unconfirmed one (another session's too).

    A key shared between sessions would let anyone who saw the password page of a newcomer
    sign in with codes from it once the newcomer confirmed it: a new set-up forgets the old
    key, and only the session that started a set-up may confirm it. Reloading the page in the
    same session keeps its key, which the app may already have scanned.
    """
    with transaction.atomic():
        TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=request.user, name="Authenticator app", confirmed=False)
    request.session[SETUP_SESSION_KEY] = device.pk
    return device


def setup_page(device):
    return {"qr_svg": qr_svg(device), "secret": grouped(base64.b32encode(device.bin_key).decode())}


def devices_for_code(user, code):
    """The devices that could have made this code: the app's are 6 digits, backup codes 8
    letters and digits. Trying a backup code on the app (as django_otp.match_token does) would
    throttle the app for a code it never made."""
    devices = list(devices_for_user(user, confirmed=True, for_verify=True))
    from_app = code.isdigit() and any(len(code) == d.digits for d in devices if isinstance(d, TOTPDevice))
    return [device for device in devices if isinstance(device, TOTPDevice) == from_app]


def seconds_to_wait(devices):
    """How long django-otp's throttle still refuses any code on these devices, in whole seconds
    (0 when a code may be tried now). A wrong code throttles each device it was tried on."""
    now = timezone.now()
    until = [data["locked_until"] for allowed, data in (d.verify_is_allowed() for d in devices) if not allowed]
    return max((math.ceil((moment - now).total_seconds()) for moment in until), default=0)


def backup_codes_for(user, count=BACKUP_CODES):
    """A fresh set of single-use codes, replacing any earlier set."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Backup codes")
    codes = [StaticToken.random_token() for _ in range(count)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes
