"""What a Spanish-speaking patient reads on a page, and the English interface strings in it.

A page's visible text is checked against the catalogue itself rather than a hand-made list of
words: any English msgid of two words or more whose Spanish differs must not be readable on a
Spanish page. Text inside an element marked `lang="en"` is English on purpose (an article that
has no Spanish version yet, the "English" link of the language switch) and is left out.
"""

import functools
import re
from html.parser import HTMLParser
from pathlib import Path

import polib

PO_FILE = Path(__file__).resolve().parents[2] / "locale" / "es" / "LC_MESSAGES" / "django.po"
# Never read as text: code, styles, and data blocks such as JSON-LD.
HIDDEN_ELEMENTS = {"script", "style", "template", "noscript"}
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
PLACEHOLDER_OR_TAG = re.compile(r"%\(\w+\)[sd]|%[sd]|<[^>]+>")
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")


class _VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # (tag, hides its content)
        self.parts = []

    @property
    def hidden(self):
        return any(hides for _tag, hides in self.stack)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "meta" and attributes.get("name") == "description" and not self.hidden:
            self.parts.append(attributes.get("content") or "")
        if tag in VOID_ELEMENTS:
            return
        english = (attributes.get("lang") or "").lower().startswith("en")
        self.stack.append((tag, tag in HIDDEN_ELEMENTS or english))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html):
    """The page's text as read: title, meta description and body, without tags, scripts,
    styles or English-marked elements, whitespace collapsed."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return " ".join(" ".join(parser.parts).split())


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
