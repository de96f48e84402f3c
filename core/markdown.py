"""Markdown to safe HTML (articles, the practice's notices), rendered once when saved.

A plain module rather than a model method because the data migrations render the seed
article too, and historical models in migrations have no custom methods.
"""

import re

import markdown
import nh3

# Only what Markdown produces for prose. Anything else an editor types as raw HTML (script,
# img, iframe, style, event attributes) is dropped: an editor account should never be
# able to run code in a patient's browser, and the page's CSP would block it anyway.
PROSE_TAGS = {
    "p",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "a",
    "strong",
    "em",
    "blockquote",
    "code",
    "pre",
    "br",
    "hr",
}
PROSE_ATTRIBUTES = {"a": {"href"}}
LINK_SCHEMES = {"http", "https", "mailto", "tel"}
# Text in another language inside a page (a notice's taglines in fifteen languages) needs its
# own `lang`, and `dir="rtl"` for Arabic script, or screen readers read it with the page's voice.
# Only these two attributes, only on blocks, and only well-formed values (language_mark()).
LANGUAGE_MARKED_TAGS = {"p", "h2", "h3", "h4", "li", "blockquote"}
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")
DIRECTIONS = {"rtl", "ltr", "auto"}


def render_markdown(text, language_marks=False):
    """Markdown source to sanitised HTML: safe to mark_safe in a template.

    With `language_marks`, a block may carry its language and direction in Markdown's attribute
    syntax, on the line after a paragraph: `{: lang="ar" dir="rtl" }`.
    """
    extensions = ["attr_list"] if language_marks else []
    html = markdown.markdown(text or "", output_format="html", extensions=extensions)
    attributes = PROSE_ATTRIBUTES
    if language_marks:
        attributes = {**PROSE_ATTRIBUTES, **{tag: {"lang", "dir"} for tag in LANGUAGE_MARKED_TAGS}}
    return nh3.clean(
        html,
        tags=PROSE_TAGS,
        clean_content_tags={"script", "style"},
        attributes=attributes,
        attribute_filter=language_mark if language_marks else None,
        url_schemes=LINK_SCHEMES,
        link_rel="noopener",
    )


def language_mark(tag, attribute, value):
    """nh3's filter: a `lang` that is a language tag and a `dir` that is a direction, else dropped."""
    if attribute == "lang":
        return value if LANGUAGE_TAG.fullmatch(value) else None
    if attribute == "dir":
        return value if value in DIRECTIONS else None
    return value
