"""What text typed into the site may hold, for the patient form and the staff's admin alike.

Control characters (NUL, escape, a line break in a one-line field) break what is built from the
text later: PostgreSQL refuses NUL, and a line break in an office name makes every e-mail header
that carries it fail (BadHeaderError).
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.db import models

# Multi-line text may hold line breaks (browsers send CR LF) and pasted tabs.
MULTILINE_CONTROLS = "\r\n\t"


def has_control_characters(text, allowed=""):
    return any(unicodedata.category(char) == "Cc" and char not in allowed for char in text)


# Invisible formatting characters (Unicode category Cf): bidi overrides and isolates (U+202E
# shows "Ana\u202egnp.exe" as "Anaexe.png"), zero-width spaces and joiners, the BOM, soft
# hyphens. They change how text displays or hide what it starts with, and a patient never
# means to type one.
def is_invisible(char):
    return unicodedata.category(char) == "Cf"


def has_invisible_characters(text):
    return any(is_invisible(char) for char in text)


def strip_invisible_characters(text):
    return "".join(char for char in text if not is_invisible(char))


def as_displayed(text):
    """The text as a spreadsheet or screen reads it: compatibility forms folded (full-width
    "＝" is "="), invisible characters dropped."""
    return strip_invisible_characters(unicodedata.normalize("NFKC", text))


def refuse_control_characters_in_fields(instance):
    """Model.clean() helper: a ValidationError naming each text field holding control characters."""
    errors = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if not isinstance(field, models.CharField | models.TextField) or not isinstance(value, str):
            continue
        allowed = MULTILINE_CONTROLS if isinstance(field, models.TextField) else ""
        if has_control_characters(value, allowed):
            errors[field.name] = ValidationError(
                "This contains a line break or another control character, which this field cannot hold.",
                code="control_characters",
            )
    if errors:
        raise ValidationError(errors)
