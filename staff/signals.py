"""Sign-in events into the access record, beside the reads (audit.py), and what django-axes
may keep of them."""

from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import pre_save
from django.dispatch import receiver

from . import second_factor
from .audit import Action, record
from .second_factor import CODE_FAILURE


@receiver(user_logged_in, dispatch_uid="staff_signed_in")
def signed_in(sender, request, user, **kwargs):
    required = second_factor.required()
    record(request, Action.SIGNED_IN, detail="code next" if required else "second factor off", username=user.username)
    if not required:
        # Without the code step the password completes the sign-in (AXES_RESET_ON_SUCCESS is off).
        second_factor.forget_failures(request, user)


@receiver(user_logged_out, dispatch_uid="staff_signed_out")
def signed_out(sender, request, user, **kwargs):
    if user is not None:
        record(request, Action.SIGNED_OUT, username=user.get_username())


@receiver(user_login_failed, dispatch_uid="staff_sign_in_failed")
def sign_in_failed(sender, credentials, request=None, **kwargs):
    if request is not None and CODE_FAILURE not in credentials:
        record(request, Action.SIGN_IN_FAILED, username=str(credentials.get("username", "")))


@receiver(user_locked_out, dispatch_uid="staff_locked_out")
def locked_out(sender, request, username, **kwargs):
    record(request, Action.LOCKED_OUT, username=username or "")


@receiver(pre_save, sender=AccessAttempt, dispatch_uid="axes_keeps_no_form_data")
def keep_no_form_data(sender, instance, **kwargs):
    """django-axes copies a failed sign-in's query string and form fields into its table, shown
    to superusers: a `next` holding a search for a patient's name, say. The lockout needs
    neither (it counts by account and address)."""
    instance.get_data = instance.post_data = ""
