from django.contrib.sitemaps import Sitemap

from .models import Notice


class NoticeSitemap(Sitemap):
    """Each notice's current page, in both languages (a notice is always written in both)."""

    i18n = True
    alternates = True
    x_default = True

    def items(self):
        return Notice.objects.order_by("pk")

    def lastmod(self, item):
        return item.updated_at
