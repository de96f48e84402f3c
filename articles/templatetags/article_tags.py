import json

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

# What json_script escapes: no "</script>" or "<!--" can end the element early.
JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def article_structured_data(context, article, url):
    """schema.org MedicalWebPage for search engines, as a JSON-LD data block.

    The publisher is the clinic from the page context (clinic_site's context processor), so
    this app needs no import of the site's own code.
    """
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "headline": article.display_title,
        "description": article.display_summary,
        "url": url,
        "datePublished": article.published_on.isoformat(),
        "dateModified": timezone.localtime(article.updated_at).isoformat(),
        "inLanguage": article.language,
    }
    if article.display_about:
        data["about"] = {"@type": "MedicalCondition", "name": article.display_about}
    clinic_name = getattr(context.get("clinic"), "name", "")
    if clinic_name:
        data["publisher"] = {"@type": "Organization", "name": clinic_name}
    text = json.dumps(data, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308
