"""Article Markdown to safe HTML, rendered once when an article is saved.

A plain module rather than a model method because the data migrations render the seed
article too, and historical models in migrations have no custom methods.
"""

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


def render_markdown(text):
    """Markdown source to sanitised HTML: safe to mark_safe in a template."""
    html = markdown.markdown(text or "", output_format="html")
    return nh3.clean(
        html,
        tags=PROSE_TAGS,
        clean_content_tags={"script", "style"},
        attributes=PROSE_ATTRIBUTES,
        url_schemes=LINK_SCHEMES,
        link_rel="noopener",
    )
