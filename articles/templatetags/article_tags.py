from django import template
from django.utils import timezone

register = template.Library()


@register.simple_tag(takes_context=True)
def article_structured_data(context, article, url):
    """The article as a schema.org MedicalWebPage, a plain dict for the json_ld filter.

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
    return data
