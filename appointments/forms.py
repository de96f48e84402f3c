import datetime
import unicodedata

import phonenumbers
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import dateformat
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField
from phonenumber_field.widgets import RegionalPhoneNumberWidget

from locations.hours import accepts_requests_on, clinic_today, hours_on
from locations.models import Location, SpecialDate

from .models import AppointmentRequest, ContactMethod, Language, PatientKind, PreferredTime, Reason

# How far ahead a patient may ask: further out, the office cannot promise anything yet.
MAX_DAYS_AHEAD = 90
# The countries the front desk can call back: many patients live across the border in Mexico.
CALLBACK_REGIONS = {"US", "MX"}
# The honeypot: a field people never see, so whoever fills it in is a bot.
HONEYPOT_FIELD = "website"
NOON = datetime.time(12)

CONTROL_CHARACTERS_MESSAGE = _("This contains invisible control characters that we cannot store. Please type it again.")
TOO_LONG_MESSAGE = _("Please shorten this to %(limit_value)d characters or fewer (it has %(show_value)d).")


def refuse_control_characters(text, allowed=""):
    if any(unicodedata.category(char) == "Cc" and char not in allowed for char in text):
        raise ValidationError(CONTROL_CHARACTERS_MESSAGE, code="control_characters")


class PlainTextMixin:
    """Patient text is plain text: surrounding whitespace trimmed, control characters (NUL,
    escape, ...) refused with one plain message rather than stored or half-accepted."""

    allowed_controls = ""

    def to_python(self, value):
        if isinstance(value, str):
            refuse_control_characters(value.strip(), self.allowed_controls)
        return super().to_python(value)


class PatientTextField(PlainTextMixin, forms.CharField):
    pass


class PatientMessageField(PatientTextField):
    # A message box may hold line breaks (browsers send CR LF) and pasted tabs.
    allowed_controls = "\r\n\t"


class PatientEmailField(PlainTextMixin, forms.EmailField):
    pass


class CallbackPhoneField(PlainTextMixin, PhoneNumberField):
    """A US number by default, or a Mexican one written with +52; stored in E.164."""

    max_raw_length = 30

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
            if len(value) > self.max_raw_length:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            value = self._drop_old_mexican_mobile_prefix(value)
        return super().to_python(value)

    @staticmethod
    def _drop_old_mexican_mobile_prefix(value):
        # Mexico dropped the "1" after +52 for mobiles in 2019; many people still write it.
        digits = "".join(char for char in value if char.isdigit())
        if value.startswith("+") and digits.startswith("521") and len(digits) == 13:
            return "+52" + digits[3:]
        return value

    def validate(self, value):
        super().validate(value)
        if value and value.is_valid() and phonenumbers.region_code_for_number(value) not in CALLBACK_REGIONS:
            raise ValidationError(
                _(
                    "We can only call back numbers in the United States or Mexico. Please enter a US number, "
                    "or a Mexican number starting with +52."
                ),
                code="country",
            )


class TypedPhoneWidget(RegionalPhoneNumberWidget):
    """Shows a number again exactly as the patient typed it when the form comes back with
    errors, not reformatted (an invalid number would lose its dashes)."""

    def format_value(self, value):
        if isinstance(value, str):
            return value or None
        return super().format_value(value)


def time_fits(day_hours, preferred_time):
    """Whether an office's hours on a day can honour a preferred time of day.

    Morning needs an open interval starting before noon, afternoon one ending after noon. On a
    by-appointment day the front desk arranges any time.
    """
    if not day_hours.is_open or preferred_time == PreferredTime.ANY:
        return True
    if preferred_time == PreferredTime.MORNING:
        return any(opens < NOON for opens, _closes in day_hours.intervals)
    return any(closes > NOON for _opens, closes in day_hours.intervals)


def format_day(day):
    # Translators: Django date format for a preferred appointment date, e.g. "Thursday, December 3, 2026".
    return dateformat.format(day, pgettext("preferred date format", "l, F j, Y"))


def radio_choice(label, choices, message):
    """A short choice shown as radio buttons; one plain message whether it is missing or forged."""
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": message, "invalid_choice": message},
    )


def current_language():
    language = (get_language() or "en")[:2]
    return language if language in Language.values else Language.ENGLISH


class AppointmentRequestForm(forms.ModelForm):
    """The patient's request. Every rule gives a plain message beside its field; the template
    also lists them at the top (error_summary)."""

    first_name = PatientTextField(
        label=_("First name"),
        max_length=100,
        error_messages={"required": _("Please enter your first name."), "max_length": TOO_LONG_MESSAGE},
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = PatientTextField(
        label=_("Last name"),
        max_length=100,
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
        widget=TypedPhoneWidget(region="US", attrs={"autocomplete": "tel", "inputmode": "tel", "maxlength": 30}),
    )
    email = PatientEmailField(
        label=_("Email"),
        required=False,
        max_length=254,
        help_text=_("Optional, unless you would like us to contact you by email."),
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
        help_text=_(
            "Within the next 90 days, on a day the office is open. We agree the exact time when we contact you."
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
    message = PatientMessageField(
        label=_("Message"),
        required=False,
        max_length=500,
        help_text=_("Optional, up to 500 characters. Please leave out detailed medical information."),
        error_messages={"max_length": TOO_LONG_MESSAGE},
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    contact_method = radio_choice(
        _("How should we contact you?"), ContactMethod.choices, _("Please choose how we should contact you.")
    )
    callback_language = radio_choice(
        _("Language for the call back"), Language.choices, _("Please choose a language for the call back.")
    )
    consent = forms.BooleanField(
        label=_("I agree to be contacted about this request"),
        error_messages={"required": _("Please tick this box so that we may contact you about your request.")},
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta:
        model = AppointmentRequest
        fields = [
            "first_name",
            "last_name",
            "phone",
            "email",
            "location",
            "preferred_date",
            "preferred_time",
            "patient_kind",
            "reason",
            "message",
            "contact_method",
            "callback_language",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = clinic_today()
        self.last_day = self.today + datetime.timedelta(days=MAX_DAYS_AHEAD)
        self.fields["preferred_date"].widget.attrs.update(min=self.today.isoformat(), max=self.last_day.isoformat())
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template writes the <form> and its token
        self.helper.layout = Layout(
            Fieldset(_("About you"), "first_name", "last_name", "phone", "email"),
            Fieldset(
                _("Your visit"), "location", "preferred_date", "preferred_time", "patient_kind", "reason", "message"
            ),
            Fieldset(_("How we contact you"), "contact_method", "callback_language", "consent"),
            Field(HONEYPOT_FIELD, wrapper_class="visually-hidden"),
        )

    def clean_preferred_date(self):
        day = self.cleaned_data["preferred_date"]
        if day < self.today:
            raise ValidationError(_("Please choose today or a later date."), code="past")
        if day > self.last_day:
            raise ValidationError(
                _("Please choose a date within the next 90 days, up to %(last_day)s.")
                % {"last_day": format_day(self.last_day)},
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
        if preferred_time and not time_fits(hours, preferred_time):
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
