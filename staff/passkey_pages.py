"""The admin pages around passkeys: a staff member's own (name a new passkey, make it in the
browser, remove one) and the superuser's view of every colleague's second factors.

Neither page shows a secret: a factor is its kind and the name its owner gave it (and how
many backup codes are left), never a TOTP key, a backup code or a passkey's key material.
Every removal writes an access-record line.
"""

import unicodedata

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django_otp import device_classes, devices_for_user
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from .audit import Action, record
from .passkeys import PENDING_NAME, available, passkeys_of

NAME_LENGTH = 64  # django-otp's Device.name


class PasskeyNameForm(forms.Form):
    name = forms.CharField(
        label="Name for the new passkey",
        max_length=NAME_LENGTH,
        help_text="Where it lives, so you know which one to remove one day: “front desk PC”, “my phone”.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        # Control and invisible characters (categories Cc, Cf...) would make two names look alike.
        if not name or any(unicodedata.category(char).startswith("C") for char in name):
            raise forms.ValidationError("Use letters, numbers and spaces.")
        if passkeys_of(self.user).filter(name__iexact=name).exists():
            raise forms.ValidationError("You already have a passkey with this name: choose another.")
        return name


class RemovePasskeyForm(forms.Form):
    passkey = forms.ModelChoiceField(queryset=WebAuthnCredential.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["passkey"].queryset = passkeys_of(user)


def kind_of(device):
    if isinstance(device, WebAuthnCredential):
        return "Passkey"
    if isinstance(device, TOTPDevice):
        return "Authenticator app" if device.confirmed else "Authenticator app (set-up not finished)"
    if isinstance(device, StaticDevice):
        return f"Backup codes ({device.token_set.count()} left)"
    return device._meta.verbose_name.capitalize()


def described(device):
    """A factor as the pages and the access record name it: kind and name, nothing secret."""
    kind = kind_of(device)
    return f"{kind} “{device.name}”" if device.name else kind


def device_from(persistent_id):
    """The device a form names ("app_label.model/pk"), or None for anything else."""
    if persistent_id.rsplit("/", 1)[0] not in {cls.model_label() for cls in device_classes()}:
        return None
    return Device.from_persistent_id(persistent_id)


@never_cache
def own_passkeys(request, site):
    """A staff member's passkeys: name one, make it (django-otp-webauthn's script and the
    ceremonies in passkeys.py), remove one."""
    user = request.user
    status = 200
    name_form = PasskeyNameForm(user=user)
    if request.method == "POST":
        if "cancel" in request.POST:
            request.session.pop(PENDING_NAME, None)
            return redirect(reverse("admin:passkeys", current_app=site.name))
        if "remove" in request.POST:
            form = RemovePasskeyForm(request.POST, user=user)
            if not form.is_valid():
                messages.error(request, "That passkey is not one of yours, or is already removed.")
                return redirect(reverse("admin:passkeys", current_app=site.name))
            device = form.cleaned_data["passkey"]
            device.delete()
            record(request, Action.DEVICES_REMOVED, detail=f"{described(device)} removed by its owner"[:200])
            messages.success(request, f"Your passkey “{device.name}” is removed.")
            return redirect(reverse("admin:passkeys", current_app=site.name))
        name_form = PasskeyNameForm(request.POST, user=user)
        if name_form.is_valid():
            request.session[PENDING_NAME] = name_form.cleaned_data["name"]
            return redirect(reverse("admin:passkeys", current_app=site.name))
        status = 400
    context = {
        **site.each_context(request),
        "title": "Your passkeys",
        "passkeys": passkeys_of(user),
        "name_form": name_form,
        "pending_name": request.session.get(PENDING_NAME, ""),
        "available": available(),
    }
    return TemplateResponse(request, "staff/passkeys.html", context, status=status)


@never_cache
def staff_factors(request, site):
    """For superusers: each staff member's second factors, each removable (a lost phone, a
    colleague who left); whoever has none left sets up an app at their next sign-in."""
    if not request.user.is_superuser:
        raise PermissionDenied
    if request.method == "POST":
        device = device_from(request.POST.get("device", ""))
        if device is None or not device.user.is_staff:
            messages.error(request, "That second factor no longer exists: nothing was removed.")
            return redirect(reverse("admin:staff_factors", current_app=site.name))
        owner = device.user.get_username()
        what = described(device)
        device.delete()
        record(request, Action.DEVICES_REMOVED, detail=f"{what} of {owner}"[:200])
        messages.success(request, f"{what} of {owner} is removed.")
        return redirect(reverse("admin:staff_factors", current_app=site.name))
    staff = get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username")
    rows = [
        (member, [(described(device), device.persistent_id) for device in devices_for_user(member, confirmed=None)])
        for member in staff
    ]
    context = {**site.each_context(request), "title": "Staff second factors", "rows": rows}
    return TemplateResponse(request, "staff/staff_factors.html", context)
