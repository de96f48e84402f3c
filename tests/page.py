"""Reading rendered pages the way a patient (or a screen reader) does: by element and text.

The one HTML reader of the tests: `Page(response)` (or `Page(html)`) is the document as a tree
built by the standard library's parser; `visible_text`, `hreflang_links` and `label_texts` read
it. Where a test only needs to find a piece of markup, Django's `assertContains(..., html=True)`
/ `assertInHTML` do it without this module.
"""

import json
from html.parser import HTMLParser

from django.utils.html import VOID_ELEMENTS

# Elements that start a new line of text when read; the others run on (a, strong, span, ...).
BLOCK_ELEMENTS = {"address", "article", "br", "caption", "div", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
                  "header", "li", "main", "nav", "p", "section", "table", "td", "th", "tr", "ul"}  # fmt: skip
# Never read as text: code, styles, and data blocks such as JSON-LD.
HIDDEN_ELEMENTS = {"script", "style", "template", "noscript"}


class Element:
    def __init__(self, name, attributes, parent=None):
        self.name, self.attributes, self.parent, self.children = name, dict(attributes), parent, []

    def get(self, attribute):
        return self.attributes.get(attribute)

    def descendants(self):
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.descendants()

    def all(self, name, **attributes):
        """Every element called `name` (or any of a set of names) below this one whose attributes
        include `attributes` (class_ matches one of the classes; underscores stand for dashes)."""
        names = {name} if isinstance(name, str) else set(name)
        wanted = {key.rstrip("_").replace("_", "-"): value for key, value in attributes.items()}
        return [element for element in self.descendants() if element.name in names and element._has(wanted)]

    def one(self, name, **attributes):
        (element,) = self.all(name, **attributes)
        return element

    def texts(self, name, **attributes):
        return [element.text for element in self.all(name, **attributes)]

    @property
    def text(self):
        return " ".join(self._raw_text().split())

    def _raw_text(self):
        parts = [child if isinstance(child, str) else child._raw_text() for child in self.children]
        text = "".join(parts)
        return f" {text} " if self.name in BLOCK_ELEMENTS else text

    def _has(self, wanted):
        for key, value in wanted.items():
            if key == "class":
                if value not in (self.get("class") or "").split():
                    return False
            elif self.get(key) != value:
                return False
        return True

    def _visible_parts(self):
        for child in self.children:
            if isinstance(child, str):
                yield child
            elif child.name == "meta" and child.get("name") == "description":
                yield child.get("content") or ""
            elif child.name not in HIDDEN_ELEMENTS and not (child.get("lang") or "").lower().startswith("en"):
                yield from child._visible_parts()


class Page(Element):
    """A whole response (or a string of HTML), parsed."""

    def __init__(self, response_or_html):
        super().__init__("#document", {})
        html = getattr(response_or_html, "content", response_or_html)
        builder = _TreeBuilder(self)
        builder.feed(html.decode() if isinstance(html, bytes) else html)
        builder.close()

    def json_ld(self):
        return json.loads(self.one("script", type="application/ld+json").text)


class _TreeBuilder(HTMLParser):
    def __init__(self, root):
        super().__init__(convert_charrefs=True)
        self.current = root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, self.current)
        self.current.children.append(element)
        if tag not in VOID_ELEMENTS:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.name != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def visible_text(response_or_html):
    """The page's text as read: title, meta description and body, without tags, scripts,
    styles or elements marked `lang="en"` (English on purpose), whitespace collapsed."""
    return " ".join(" ".join(Page(response_or_html)._visible_parts()).split())


def hreflang_links(response_or_html):
    """The page's language alternates: {hreflang: href}."""
    links = Page(response_or_html).all("link", rel="alternate")
    return {link.get("hreflang"): link.get("href") for link in links if link.get("hreflang")}


def label_texts(response_or_html):
    """Every form label and fieldset legend as read, without the required-field asterisk."""
    return [" ".join(text.replace("*", "").split()) for text in Page(response_or_html).texts({"label", "legend"})]
