"""Passkeys (WebAuthn, through django-otp-webauthn) as a staff second factor beside the code.

A passkey only answers the site it was made for (its relying party ID, the host of SITE_URL,
checked by the browser and again here against the signed origin), so a fake login page
cannot replay it the way it can replay a 6-digit code. It replaces the code, never the
password: the ceremonies below refuse anyone who has not passed the password first.

The package's JSON views do the WebAuthn work; the subclasses here add what the code step
already does (second_factor.py): a refused or abandoned passkey counts toward django-axes'
lockout like a wrong code, a locked account gets nothing, a passkey that works completes
the sign-in (new session key, failures forgotten), and each event writes an access-record
line. A new passkey takes the name its owner gave it on the passkeys page (passkey_pages.py).
"""

from urllib.parse import urlsplit

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_login_failed
from django.urls import reverse
from django_otp import login as otp_login
from django_otp_webauthn import exceptions
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from .audit import Action, record
from .second_factor import credentials_of, forget_failures, passed

# The name typed on the passkeys page, waiting for the browser to make the passkey.
PENDING_NAME = "staff_passkey_name"
# django-otp-webauthn's own session key for a sign-in ceremony under way.
AUTHENTICATION_STATE = "otp_webauthn_authentication_state"


def site_origin():
    parts = urlsplit(settings.SITE_URL)
    return f"{parts.scheme}://{parts.netloc}"


def relying_party_id(request=None):
    """The host of SITE_URL: passkeys made here work on this host (and no other)."""
    return urlsplit(settings.SITE_URL).hostname or ""


def available():
    """Browsers make passkeys only in a secure context with a domain name: https, or plain
    http at localhost (and *.localhost). `make run`'s http://127.0.0.1:8000 is neither."""
    parts = urlsplit(settings.SITE_URL)
    host = parts.hostname or ""
    return parts.scheme == "https" or (parts.scheme == "http" and (host == "localhost" or host.endswith(".localhost")))


def passkeys_of(user):
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at", "pk")


def kind_detail(device):
    """How the access record names a passkey: by the name its owner gave it, never its key."""
    return f"passkey “{device.name}”"


class PasskeyHelper(WebAuthnHelper):
    """The package's helper with the relying party read from SITE_URL at each ceremony."""

    def get_relying_party_domain(self):
        return relying_party_id(self.request)

    def get_allowed_origins(self):
        return [site_origin()]

    def create_credential(self, user, response, parsed_credential, original_data):
        # Browsers exclude a passkey already known here; a crafted answer would otherwise
        # break the unique key (a 500) rather than be told so.
        hashed = WebAuthnCredential.get_credential_id_sha256(response.credential_id)
        if WebAuthnCredential.objects.filter(credential_id_sha256=hashed).exists():
            raise AlreadyRegistered()
        device = super().create_credential(user, response, parsed_credential, original_data)
        device.name = self.request.session.get(PENDING_NAME, "")
        return device


class NotStaff(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_detail = "Sign in with your password first."
    default_code = "not_signed_in"


class LockedOut(exceptions.OTPWebAuthnApiError):
    # The page reloads on this status (static/staff/passkeys.js) and shows the lockout.
    status_code = 429
    default_detail = "Too many failed attempts: sign-in is locked for now."
    default_code = "locked_out"


class AlreadyRegistered(exceptions.OTPWebAuthnApiError):
    status_code = 409
    default_detail = "This passkey is already registered."
    default_code = "already_registered"


class NoPendingName(exceptions.OTPWebAuthnApiError):
    status_code = 400
    default_detail = "Give the passkey a name first."
    default_code = "no_name"


def count_failure(request, detail):
    """A refused or abandoned passkey: one failure toward the lockout, as a wrong code is."""
    record(request, Action.CODE_FAILED, detail=detail)
    credentials = credentials_of(request.user)
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    if getattr(request, "axes_locked_out", False):
        raise LockedOut()


class SignInCeremony:
    """Only for a staff member who has passed the password and not yet the second factor, and
    whose account is not locked."""

    def check_can_authenticate(self):
        user = self.request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            raise NotStaff()
        if AxesProxyHandler.is_locked(self.request, credentials_of(user)):
            raise LockedOut()


class BeginSignIn(SignInCeremony, BeginCredentialAuthenticationView):
    def post(self, *args, **kwargs):
        # The browser reports a cancelled or timed-out passkey to nobody, so the ceremony it
        # left unfinished counts when the next one starts: trying again costs one failure.
        if self.request.session.pop(AUTHENTICATION_STATE, None) is not None:
            count_failure(self.request, "passkey not used (cancelled or timed out)")
        return super().post(*args, **kwargs)


class CompleteSignIn(SignInCeremony, CompleteCredentialAuthenticationView):
    def handle_exception(self, exc):
        # Every refusal after the password (a wrong passkey, a forged or malformed answer, one
        # with no ceremony started) is one failure; the package's own reason goes to the record.
        user = self.request.user
        counted = not isinstance(exc, NotStaff | LockedOut) and user.is_authenticated and user.is_staff
        if isinstance(exc, exceptions.OTPWebAuthnApiError) and counted:
            try:
                count_failure(self.request, f"passkey refused ({exc.code})"[:200])
            except LockedOut as locked:
                exc = locked
            else:
                # The same status, in words for the person at the desk rather than a developer.
                refused = exceptions.OTPWebAuthnApiError(
                    detail="That passkey was not accepted. Try again, or enter a code instead.", code=exc.code
                )
                refused.status_code = exc.status_code
                exc = refused
        return super().handle_exception(exc)

    def complete_auth(self, device):
        # As the code step does (SecondFactorAdminSite._signed_in).
        otp_login(self.request, device)
        self.request.session.cycle_key()
        forget_failures(self.request, self.request.user)
        record(self.request, Action.VERIFIED, detail=kind_detail(device))

    def get_success_url(self):
        return self.get_redirect_url() or reverse("admin:index")


class RegistrationCeremony:
    """Only for a staff member whose session has passed the second factor, with a name typed."""

    def check_can_register(self):
        user = self.request.user
        if not (user.is_active and user.is_staff and passed(self.request)):
            raise NotStaff(detail="Sign in with your password and code first.")
        if not self.request.session.get(PENDING_NAME):
            raise NoPendingName()


class BeginRegistration(RegistrationCeremony, BeginCredentialRegistrationView):
    pass


class CompleteRegistration(RegistrationCeremony, CompleteCredentialRegistrationView):
    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        # Made and saved (a refusal raised above): the name has served.
        name = self.request.session.pop(PENDING_NAME)
        record(self.request, Action.ENROLLED, detail=f"passkey “{name}” added")
        messages.success(self.request, f"Your passkey “{name}” is ready: use it at your next sign-in.")
        return response
