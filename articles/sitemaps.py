from django.contrib.sitemaps import Sitemap

from .models import Article


class ArticleSitemap(Sitemap):
    """Published articles, with a Spanish URL only for those that have a Spanish version."""

    i18n = True
    alternates = True
    x_default = True

    def items(self):
        return Article.objects.published()

    def get_languages_for_item(self, item):
        languages = super().get_languages_for_item(item)
        return languages if item.has_spanish else [code for code in languages if code == "en"]

    def lastmod(self, item):
        return item.updated_at
