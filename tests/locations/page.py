"""Reading rendered pages the way a patient (or a screen reader) does: by element and text."""

import json
from html.parser import HTMLParser

VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Elements that start a new line of text when read; the others run on (a, strong, span, ...).
BLOCK_ELEMENTS = {"address", "article", "br", "caption", "div", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
                  "header", "li", "main", "nav", "p", "section", "table", "td", "th", "tr", "ul"}  # fmt: skip


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
        """Every element called `name` below this one whose attributes include `attributes`
        (class_ matches one of the classes; underscores stand for dashes)."""
        wanted = {key.rstrip("_").replace("_", "-"): value for key, value in attributes.items()}
        return [element for element in self.descendants() if element.name == name and element._has(wanted)]

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


class Page(Element):
    """A whole response, parsed."""

    def __init__(self, response):
        super().__init__("#document", {})
        builder = _TreeBuilder(self)
        builder.feed(response.content.decode())
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
