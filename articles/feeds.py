from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from .models import Article

FEED_LENGTH = 20


class ArticleFeed(Feed):
    """Atom feed of the newest published articles, in the language of its URL (/es/ for Spanish).

    The title is a plain translatable "Articles": reading the clinic's name would make this
    app depend on clinic_site, and feed readers show the site's address beside it anyway.
    """

    feed_type = Atom1Feed
    title = _("Articles")

    def link(self):
        return reverse("articles:list")

    def feed_url(self):
        return reverse("articles:feed")

    def items(self):
        return Article.objects.published()[:FEED_LENGTH]

    def item_title(self, item):
        return item.display_title

    def item_description(self, item):
        return item.display_summary

    def item_pubdate(self, item):
        return datetime.combine(item.published_on, time.min, tzinfo=timezone.get_default_timezone())

    def item_updateddate(self, item):
        return item.updated_at
