from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from articles.sitemaps import ArticleSitemap
from locations.sitemaps import LocationSitemap
from notices.sitemaps import NoticeSitemap


class PageSitemap(Sitemap):
    """The site's fixed pages; each app lists its own objects in its sitemaps module."""

    i18n = True
    alternates = True
    x_default = True

    def items(self):
        return ["home", "appointments:request", "privacy", "notices:list"]

    def location(self, item):
        return reverse(item)


sitemaps = {"pages": PageSitemap, "locations": LocationSitemap, "articles": ArticleSitemap, "notices": NoticeSitemap}
