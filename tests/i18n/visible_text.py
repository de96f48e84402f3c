"""What a Spanish-speaking patient reads on a page, and the English interface strings in it.

A page's visible text is checked against the catalogue itself rather than a hand-made list of
words: any English msgid of two words or more whose Spanish differs must not be readable on a
Spanish page. Text inside an element marked `lang="en"` is English on purpose (an article that
has no Spanish version yet, the "English" link of the language switch) and is left out
(tests/page.py `visible_text`).
"""

import functools
import re
from pathlib import Path

import polib

from tests.page import visible_text

PO_FILE = Path(__file__).resolve().parents[2] / "locale" / "es" / "LC_MESSAGES" / "django.po"
PLACEHOLDER_OR_TAG = re.compile(r"%\(\w+\)[sd]|%[sd]|<[^>]+>")
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")


def _phrases(message):
    """The literal pieces of a message between its placeholders and tags, as they can appear
    in a page, kept when at least two words long."""
    pieces = (" ".join(piece.split()).strip(" .,:;") for piece in PLACEHOLDER_OR_TAG.split(message))
    return [piece for piece in pieces if len(WORD.findall(piece)) >= 2]


@functools.cache
def translated_english_phrases():
    """English phrases of the catalogue whose Spanish differs from them."""
    phrases = set()
    for entry in polib.pofile(str(PO_FILE)).translated_entries():
        spanish = set(entry.msgstr_plural.values()) if entry.msgid_plural else {entry.msgstr}
        for english in filter(None, [entry.msgid, entry.msgid_plural]):
            if english not in spanish:
                phrases.update(_phrases(english))
    return frozenset(phrases)


def english_ui_strings(html):
    """The catalogue's English phrases readable in `html` (case-insensitive, whole words)."""
    text = visible_text(html)
    return sorted(
        phrase
        for phrase in translated_english_phrases()
        if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text, re.IGNORECASE)
    )
