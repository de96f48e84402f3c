from django.contrib.sitemaps import Sitemap

from .models import Article


class ArticleSitemap(Sitemap):
    """Published articles, each in the languages it has a version in."""

    i18n = True
    alternates = True
    x_default = True

    def items(self):
        return Article.objects.published()

    def get_languages_for_item(self, item):
        return [code for code in super().get_languages_for_item(item) if item.is_translated_to(code)]

    def lastmod(self, item):
        return item.updated_at
