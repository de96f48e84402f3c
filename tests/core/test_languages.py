"""One way to read a translated field: `<field>_<code>` in that language, the field itself in
the default language or while the translation is empty."""

from types import SimpleNamespace

from django.utils import translation

from core.languages import active_language, translated

NOTE = SimpleNamespace(note="Closed for Thanksgiving", note_es="Cerrado por el Día de Acción de Gracias")
UNTRANSLATED = SimpleNamespace(note="Closed for Thanksgiving", note_es="")


def test_spanish_pages_read_the_spanish_field():
    with translation.override("es"):
        assert translated(NOTE, "note") == "Cerrado por el Día de Acción de Gracias"


def test_english_pages_read_the_field_itself():
    with translation.override("en"):
        assert translated(NOTE, "note") == "Closed for Thanksgiving"


def test_an_empty_translation_falls_back_to_the_default_language():
    with translation.override("es"):
        assert translated(UNTRANSLATED, "note") == "Closed for Thanksgiving"


def test_an_explicit_language_wins_over_the_active_one():
    with translation.override("en"):
        assert translated(NOTE, "note", "es") == "Cerrado por el Día de Acción de Gracias"


def test_active_language_is_spelled_as_in_settings_languages():
    with translation.override("es-mx"):
        assert active_language() == "es"
    with translation.override("fr"):
        assert active_language() == "en"
    with translation.override(None):
        assert active_language() == "en"
