"""The passkey ceremonies' JSON endpoints (passkeys.py), under the names django-otp-webauthn's
template tags and scripts look for (namespace `otp_webauthn`)."""

from django.urls import path
from django.views.i18n import JavaScriptCatalog

from . import passkeys

app_name = "otp_webauthn"

urlpatterns = [
    path("registration/begin/", passkeys.BeginRegistration.as_view(), name="credential-registration-begin"),
    path("registration/complete/", passkeys.CompleteRegistration.as_view(), name="credential-registration-complete"),
    path("authentication/begin/", passkeys.BeginSignIn.as_view(), name="credential-authentication-begin"),
    path("authentication/complete/", passkeys.CompleteSignIn.as_view(), name="credential-authentication-complete"),
    # The package's button labels, as a script from this origin (the CSP allows no inline code).
    path("jsi18n/", JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]), name="js-i18n-catalog"),
]
