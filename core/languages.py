"""The site's languages are settings.LANGUAGES; the first is settings.LANGUAGE_CODE, the default.

Translated text is kept in explicit fields side by side: `title` in the default language and
`title_es` in Spanish, one field per other language, named with its code. Editors see both
versions next to each other in admin and queries need no library. `translated(obj, "title")`
picks the version for the active language, so a new translated field is one more pair of model
fields and a one-line property.
"""

from django.conf import settings
from django.utils import translation


def active_language():
    """The active language's code as settings.LANGUAGES spells it ("es" while "es-mx" is active);
    the default language when none is active or the active one is not offered."""
    try:
        return translation.get_supported_language_variant(translation.get_language() or settings.LANGUAGE_CODE)
    except LookupError:
        return settings.LANGUAGE_CODE


def other_languages():
    """The codes of settings.LANGUAGES other than the default, in their order."""
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def translated(obj, field, language=None):
    """`obj.<field>` in `language` (the active language by default): `<field>_<code>`, or the
    default-language `<field>` itself while that translation is empty."""
    language = language or active_language()
    if language != settings.LANGUAGE_CODE:
        value = getattr(obj, f"{field}_{language}")
        if value:
            return value
    return getattr(obj, field)
