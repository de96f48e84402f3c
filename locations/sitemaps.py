from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Location


class LocationSitemap(Sitemap):
    """The offices list and every office page, in each language."""

    i18n = True
    alternates = True
    x_default = True
    changefreq = "weekly"

    def items(self):
        return ["locations:list", *Location.objects.order_by("display_order", "name")]

    def location(self, item):
        return reverse(item) if isinstance(item, str) else item.get_absolute_url()
