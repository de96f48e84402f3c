"""Form fields for what patients type: plain text without control characters, and a phone
number the front desk can call back."""

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField
from phonenumber_field.widgets import RegionalPhoneNumberWidget

from core.control_characters import (
    MULTILINE_CONTROLS,
    has_control_characters,
    has_invisible_characters,
    strip_invisible_characters,
)

# The countries the front desk can call back: many patients live across the border in Mexico.
CALLBACK_REGIONS = {"US", "MX"}

CONTROL_CHARACTERS_MESSAGE = _("This contains invisible control characters that we cannot store. Please type it again.")
TOO_LONG_MESSAGE = _("Please shorten this to %(limit_value)d characters or fewer (it has %(show_value)d).")


class PlainTextMixin:
    """Patient text is plain text: surrounding whitespace trimmed, control characters (NUL,
    escape, ...) refused with one plain message rather than stored or half-accepted, and
    invisible formatting characters (bidi overrides, zero-width spaces: core/control_characters.py)
    dropped, or refused where they could disguise a name."""

    allowed_controls = ""
    refuse_invisible = False

    def to_python(self, value):
        if isinstance(value, str):
            if has_control_characters(value.strip(), self.allowed_controls) or (
                self.refuse_invisible and has_invisible_characters(value)
            ):
                raise ValidationError(CONTROL_CHARACTERS_MESSAGE, code="control_characters")
            value = strip_invisible_characters(value)
        return super().to_python(value)


class PatientTextField(PlainTextMixin, forms.CharField):
    pass


class PatientNameField(PatientTextField):
    # "Ana\u202egnp.exe" would read "Anaexe.png" in admin and the CSV: refused, not mended.
    refuse_invisible = True


class PatientMessageField(PatientTextField):
    # A message box may hold line breaks (browsers send CR LF) and pasted tabs.
    allowed_controls = MULTILINE_CONTROLS


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
