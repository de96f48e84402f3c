import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property, lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from locations.hours import accepts_requests_on, hours_on
from locations.models import Location, SpecialDate

from .form_fields import (
    TOO_LONG_MESSAGE,
    CallbackPhoneField,
    PatientEmailField,
    PatientMessageField,
    PatientNameField,
    TypedPhoneWidget,
)
from .formats import format_day
from .models import (
    LANGUAGE_CHOICES,
    PATIENT_FIELDS,
    AppointmentRequest,
    ContactMethod,
    EarlierTime,
    Insurance,
    PatientKind,
    PreferredTime,
    Reason,
)

# How far ahead a patient may ask: further out, the office cannot promise anything yet.
MAX_DAYS_AHEAD = 90
# The honeypot: a field people never see, so whoever fills it in is a bot.
HONEYPOT_FIELD = "website"


def max_length(name):
    """The stored field's limit, so the form and the database agree."""
    return AppointmentRequest._meta.get_field(name).max_length


MESSAGE_LENGTH = max_length("message")


def filled_in_lazy(message, values):
    """A translated message with numbers filled in when it is shown, in that request's language
    (a class attribute is built once, before any request has chosen a language)."""
    return lazy(lambda: message % values, str)()


def notice_link_lazy(text, kind, link_text):
    """A help text ending in a link to one of the practice's notices, in the language of the
    request that shows it (the notices app's page; crispy-forms renders help text as HTML)."""

    def build():
        url = reverse("notices:detail", kwargs={"kind": kind})
        return format_html('{} <a href="{}">{}</a>.', text, url, link_text)

    return lazy(build, str)()


def radio_choice(label, choices, message):
    """A short choice shown as radio buttons; one plain message whether it is missing or forged."""
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": message, "invalid_choice": message},
    )


class AppointmentRequestForm(forms.ModelForm):
    """The patient's request. Every rule gives a plain message beside its field; the template
    also lists them at the top (error_summary)."""

    first_name = PatientNameField(
        label=_("First name"),
        max_length=max_length("first_name"),
        error_messages={"required": _("Please enter your first name."), "max_length": TOO_LONG_MESSAGE},
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = PatientNameField(
        label=_("Last name"),
        max_length=max_length("last_name"),
        error_messages={"required": _("Please enter your last name."), "max_length": TOO_LONG_MESSAGE},
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    phone = CallbackPhoneField(
        label=_("Phone"),
        region="US",
        help_text=_("The number we should call. For a Mexican number, start with +52."),
        error_messages={
            "required": _("Please enter a phone number we can call you back on."),
            "invalid": _(
                "Please enter a valid phone number, for example 915-555-0123. For a Mexican number, start with +52."
            ),
        },
        widget=TypedPhoneWidget(
            region="US",
            attrs={"autocomplete": "tel", "inputmode": "tel", "maxlength": CallbackPhoneField.max_raw_length},
        ),
    )
    email = PatientEmailField(
        label=_("Email"),
        required=False,
        max_length=max_length("email"),
        help_text=_(
            "Optional, unless you would like us to contact you by email. If you give one, we also send "
            "your appointment's confirmation and a reminder there."
        ),
        error_messages={
            "invalid": _("Please enter a valid email address, for example name@example.com."),
            "max_length": TOO_LONG_MESSAGE,
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    location = forms.ModelChoiceField(
        label=_("Office"),
        queryset=Location.objects.taking_requests(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Please choose an office."),
            "invalid_choice": _("Please choose one of our offices."),
        },
    )
    preferred_date = forms.DateField(
        label=_("Preferred date"),
        help_text=filled_in_lazy(
            _(
                "Within the next %(days)d days, on a day the office is open. "
                "We agree the exact time when we contact you."
            ),
            {"days": MAX_DAYS_AHEAD},
        ),
        error_messages={
            "required": _("Please enter the date you would prefer."),
            "invalid": _("Please enter a real date, for example 12/15/2026."),
        },
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    preferred_time = radio_choice(_("Preferred time"), PreferredTime.choices, _("Please choose a time of day."))
    patient_kind = radio_choice(
        _("New or returning patient"),
        PatientKind.choices,
        _("Please tell us whether you are a new or returning patient."),
    )
    reason = radio_choice(_("Reason for visit"), Reason.choices, _("Please choose a reason for your visit."))
    insurance = radio_choice(
        _("Will you use health insurance for this visit?"),
        Insurance.choices,
        _("Please tell us whether you will use health insurance."),
    )
    insurance.help_text = notice_link_lazy(
        _("If you do not use insurance, you have the right to an estimate of the cost before your visit:"),
        "good-faith-estimate",
        _("your right to a Good Faith Estimate"),
    )
    message = PatientMessageField(
        label=_("Message"),
        required=False,
        max_length=MESSAGE_LENGTH,
        help_text=filled_in_lazy(
            _("Optional, up to %(limit)d characters. Please leave out detailed medical information."),
            {"limit": MESSAGE_LENGTH},
        ),
        error_messages={"max_length": TOO_LONG_MESSAGE},
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    earlier_time = forms.ChoiceField(
        label=_("Call me if an earlier time opens"),
        help_text=_("Optional. If another patient cancels, we may offer you their time by email or phone."),
        choices=[("", _("No, thank you")), *EarlierTime.choices],
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Please choose one of the answers about an earlier time.")},
    )
    contact_method = radio_choice(
        _("How should we contact you?"), ContactMethod.choices, _("Please choose how we should contact you.")
    )
    callback_language = radio_choice(
        _("Language for the call back"), LANGUAGE_CHOICES, _("Please choose a language for the call back.")
    )
    consent = forms.BooleanField(
        label=_("I agree to be contacted about this request"),
        help_text=notice_link_lazy(
            _("How we use and protect your health information:"),
            "privacy-practices",
            _("our Notice of Privacy Practices"),
        ),
        error_messages={"required": _("Please tick this box so that we may contact you about your request.")},
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta:
        model = AppointmentRequest
        fields = PATIENT_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()
        self.last_day = self.today + datetime.timedelta(days=MAX_DAYS_AHEAD)
        self.fields["preferred_date"].widget.attrs.update(min=self.today.isoformat(), max=self.last_day.isoformat())

    @cached_property
    def helper(self):
        """crispy-forms' layout, built only when the fields are rendered."""
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True  # the template writes the <form> and its token
        helper.layout = Layout(
            Fieldset(_("About you"), "first_name", "last_name", "phone", "email"),
            Fieldset(
                _("Your visit"),
                "location",
                "preferred_date",
                "preferred_time",
                "patient_kind",
                "reason",
                "insurance",
                "message",
                "earlier_time",
            ),
            Fieldset(_("How we contact you"), "contact_method", "callback_language", "consent"),
            Field(HONEYPOT_FIELD, wrapper_class="visually-hidden"),
        )
        return helper

    def clean_preferred_date(self):
        day = self.cleaned_data["preferred_date"]
        if day < self.today:
            raise ValidationError(_("Please choose today or a later date."), code="past")
        if day > self.last_day:
            raise ValidationError(
                _("Please choose a date within the next %(days)d days, up to %(last_day)s.")
                % {"days": MAX_DAYS_AHEAD, "last_day": format_day(self.last_day)},
                code="too_far",
            )
        return day

    def clean(self):
        cleaned_data = super().clean()
        wants_email = cleaned_data.get("contact_method") == ContactMethod.EMAIL
        if wants_email and not cleaned_data.get("email") and "email" not in self.errors:
            self.add_error(
                "email", ValidationError(_("Please enter your email address, or choose a phone call."), "required")
            )
        office, day = cleaned_data.get("location"), cleaned_data.get("preferred_date")
        if office and day:
            self._check_office_day(office, day, cleaned_data.get("preferred_time"))
        return cleaned_data

    def _check_office_day(self, office, day, preferred_time):
        # Fetch only what the rules need for this date, once for both questions.
        prefetch_related_objects(
            [office], "weekly_hours", Prefetch("special_dates", queryset=SpecialDate.objects.filter(date=day))
        )
        if not accepts_requests_on(office, day):
            hours = hours_on(office, day)
            message = _("The %(office)s office is closed on %(date)s. Please choose another day.") % {
                "office": office.name,
                "date": format_day(day),
            }
            if hours.note:
                message = f"{message} ({hours.note})"
            self.add_error("preferred_date", ValidationError(message, code="closed"))
            return
        hours = hours_on(office, day)
        fits = {PreferredTime.MORNING: hours.takes_mornings, PreferredTime.AFTERNOON: hours.takes_afternoons}
        if not fits.get(preferred_time, True):
            other = PreferredTime.AFTERNOON if preferred_time == PreferredTime.MORNING else PreferredTime.MORNING
            message = _(
                "On %(date)s the %(office)s office is open %(hours)s only. "
                "Please choose “%(other)s” or “%(any)s”, or another day."
            ) % {
                "date": format_day(day),
                "office": office.name,
                "hours": hours.text,
                "other": other.label,
                "any": PreferredTime.ANY.label,
            }
            self.add_error("preferred_time", ValidationError(message, code="outside_hours"))

    def error_summary(self):
        """(anchor, message) for each error, in the order of the form, for the summary at the
        top. The anchor is the field's first input, so the link moves focus into it."""
        summary = []
        for bound_field in self:
            if bound_field.name == HONEYPOT_FIELD:
                continue
            anchor = bound_field.id_for_label or f"{bound_field.auto_id}_0"
            summary += [(anchor, error) for error in bound_field.errors]
        summary += [("", error) for error in self.non_field_errors()]
        return summary
