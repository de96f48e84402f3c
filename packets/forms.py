"""One step of the packet as a form, built from that step's active questions (models.Question):
the questions are data the practice edits, so the fields are made here from each row's kind, in
the page's language. Answers go to and come from the packet's answer document as plain JSON
values (`to_answer`, `to_initial`), keyed by the question's key.
"""

import datetime

from crispy_forms.helper import FormHelper
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, format_html
from django.utils.translation import gettext_lazy as _

from appointments.form_fields import TOO_LONG_MESSAGE, PatientMessageField, PatientNameField, PatientTextField

from .models import Kind

TEXT_LENGTH = 200
LONG_TEXT_LENGTH = 2000
# A whole number asked of a patient (months, hours a day, ...) is small; a bound keeps a
# mistyped 10^20 out of the answers and the FHIR export.
NUMBER_LIMIT = 999
# Dates asked of a patient are in the past (birth dates, the policy holder's); nobody alive
# was born before this.
EARLIEST_DATE = datetime.date(1900, 1, 1)
IMAGE_TYPES = "image/jpeg,image/png,image/heic,image/heif"
SIGNATURE_FIELD = "signature"

# What browsers and password managers may fill in, by question key (HTML's autofill names).
AUTOCOMPLETE = {
    "first_name": "given-name",
    "last_name": "family-name",
    "phone": "tel",
    "birth_date": "bday",
    "address_line": "address-line1",
    "city": "address-level2",
    "state": "address-level1",
    "postal_code": "postal-code",
}
PHONE_KEYS = {"phone", "emergency_phone"}

REQUIRED = _("Please answer this question.")
REQUIRED_CHOICE = _("Please choose an answer.")
INVALID_CHOICE = _("Please choose one of the answers shown.")
REQUIRED_CONSENT = _("Please tick this box to agree, or call us if you have questions.")
REQUIRED_PHOTO = _("Please choose a photo.")
INVALID_DATE = _("Please enter a real date, for example 05/31/1970.")
DATE_RANGE = _("Please enter a date from 1900 to today.")
INVALID_NUMBER = _("Please enter a whole number, for example 3.")
NUMBER_RANGE = _("Please enter a number from 0 to %(limit)d.")


def yes_no_choices():
    return [("yes", _("Yes")), ("no", _("No"))]


class StepForm(forms.Form):
    """The questions of one step. With `require=False` (the patient goes Back) a missing answer
    is no error: what was typed is kept, and the step is finished later."""

    def __init__(self, questions, language, *args, images_received=(), require=True, signature=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        self.language = language
        self.today = timezone.localdate()
        for question in self.questions:
            field = self.field_for(question, required=require and question.required)
            if question.kind == Kind.IMAGE and question.key in images_received:
                # A photo already received answers the question; a new one replaces it.
                field.required = False
                field.received = True
            self.fields[question.key] = field
        if signature:
            self.fields[SIGNATURE_FIELD] = PatientNameField(
                label=_("Type your full name to sign"),
                help_text=_("Typing your name here is your electronic signature of the consents above."),
                max_length=TEXT_LENGTH,
                required=require,
                error_messages={
                    "required": _("Please type your full name to sign."),
                    "max_length": TOO_LONG_MESSAGE,
                },
                widget=forms.TextInput(attrs={"autocomplete": "name"}),
            )

    def field_for(self, question, required):
        language = self.language
        label = question.text_in(language)
        help_text = conditional_escape(question.help_in(language))
        common = {"label": label, "help_text": help_text, "required": required}
        kind = question.kind
        if kind == Kind.TEXT:
            attrs = {}
            if autocomplete := AUTOCOMPLETE.get(question.key):
                attrs["autocomplete"] = autocomplete
            if question.key in PHONE_KEYS:
                attrs.update(type="tel", inputmode="tel")
            field_class = PatientNameField if question.key in ("first_name", "last_name") else PatientTextField
            return field_class(
                max_length=TEXT_LENGTH,
                error_messages={"required": REQUIRED, "max_length": TOO_LONG_MESSAGE},
                widget=forms.TextInput(attrs=attrs),
                **common,
            )
        if kind == Kind.LONG_TEXT:
            return PatientMessageField(
                max_length=LONG_TEXT_LENGTH,
                error_messages={"required": REQUIRED, "max_length": TOO_LONG_MESSAGE},
                widget=forms.Textarea(attrs={"rows": 3}),
                **common,
            )
        if kind == Kind.DATE:
            attrs = {"type": "date", "min": EARLIEST_DATE.isoformat(), "max": self.today.isoformat()}
            if autocomplete := AUTOCOMPLETE.get(question.key):
                attrs["autocomplete"] = autocomplete
            return forms.DateField(
                error_messages={"required": REQUIRED, "invalid": INVALID_DATE},
                validators=[
                    MinValueValidator(EARLIEST_DATE, DATE_RANGE),
                    MaxValueValidator(self.today, DATE_RANGE),
                ],
                widget=forms.DateInput(attrs=attrs, format="%Y-%m-%d"),
                **common,
            )
        if kind == Kind.NUMBER:
            message = NUMBER_RANGE % {"limit": NUMBER_LIMIT}
            return forms.IntegerField(
                min_value=0,
                max_value=NUMBER_LIMIT,
                error_messages={
                    "required": REQUIRED,
                    "invalid": INVALID_NUMBER,
                    "min_value": message,
                    "max_value": message,
                },
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                **common,
            )
        if kind in (Kind.YES_NO, Kind.CHOICE):
            choices = yes_no_choices() if kind == Kind.YES_NO else question.choices_in(language)
            return forms.ChoiceField(
                choices=choices,
                widget=forms.RadioSelect,
                error_messages={"required": REQUIRED_CHOICE, "invalid_choice": INVALID_CHOICE},
                **common,
            )
        if kind == Kind.MULTIPLE:
            return forms.MultipleChoiceField(
                choices=question.choices_in(language),
                widget=forms.CheckboxSelectMultiple,
                error_messages={"required": REQUIRED_CHOICE, "invalid_choice": INVALID_CHOICE},
                **common,
            )
        if kind == Kind.IMAGE:
            field = forms.FileField(
                error_messages={"required": REQUIRED_PHOTO, "empty": REQUIRED_PHOTO},
                widget=forms.FileInput(attrs={"accept": IMAGE_TYPES}),
                **common,
            )
            field.received = False
            return field
        if kind == Kind.CONSENT:
            return forms.BooleanField(error_messages={"required": REQUIRED_CONSENT}, **common)
        raise ValueError(f"unknown question kind {kind!r}")

    @cached_property
    def helper(self):
        """crispy-forms renders the fields; the template writes the <form>, its token and buttons."""
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        return helper

    def show_received(self, keys):
        """Say beside each photo question already answered that the photo arrived (the photo itself
        is never shown to the patient), and that another one replaces it."""
        for question in self.questions:
            if question.kind == Kind.IMAGE and question.key in keys:
                field = self.fields[question.key]
                field.required = False
                field.received = True
                # The bound field copies its help text once made (by an earlier is_valid()).
                field.help_text = self[question.key].help_text = format_html(
                    '<strong class="photo-received">{}</strong> {} {}',
                    _("Photo received."),
                    _("To replace it, choose another photo."),
                    conditional_escape(question.help_in(self.language)),
                )

    def error_summary(self):
        """(anchor, message) for each error, in the order of the form, for the summary at the
        top; the anchor is the field's first input, so the link moves focus into it."""
        summary = []
        for bound_field in self:
            anchor = bound_field.id_for_label or f"{bound_field.auto_id}_0"
            summary += [(anchor, error) for error in bound_field.errors]
        summary += [("", error) for error in self.non_field_errors()]
        return summary

    def valid_answers(self):
        """The answers that passed their checks (also when others did not), as stored: None
        for a question left empty. Photos are not among them (files.save_image keeps those)."""
        answers = {}
        for question in self.questions:
            if question.kind == Kind.IMAGE or question.key in self.errors or question.key not in self.cleaned_data:
                continue
            answers[question.key] = to_answer(question.kind, self.cleaned_data[question.key])
        return answers

    def uploads(self):
        """(key, uploaded file) for each photo chosen on this step that passed the form."""
        return [
            (question.key, self.cleaned_data[question.key])
            for question in self.questions
            if question.kind == Kind.IMAGE and self.cleaned_data.get(question.key)
        ]


def to_answer(kind, value):
    """A cleaned value as the answer document keeps it (JSON), or None for no answer."""
    if value in (None, "", [], False):
        return None
    if kind == Kind.DATE:
        return value.isoformat()
    if kind == Kind.CONSENT:
        return True
    if kind == Kind.MULTIPLE:
        return list(value)
    return value


def to_initial(kind, value):
    """A stored answer as the form field shows it again."""
    if kind == Kind.DATE and isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return None
    return value
