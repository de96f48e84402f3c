from django.conf import settings
from django.contrib import admin
from django.utils.cache import add_never_cache_headers
from django.utils.functional import cached_property
from django.views.generic import DetailView, ListView

from core.languages import active_language

from .models import Article

RELATED_ARTICLES = 3


def can_preview_drafts(request):
    """Staff who may view articles, in a session the admin itself would let in: the password
    alone (before the second factor) shows no draft, as it opens no admin page."""
    return admin.site.has_permission(request) and request.user.has_perm("articles.view_article")


class ArticleListView(ListView):
    """Published articles, newest first. A page past the end or not a number is a 404."""

    context_object_name = "articles"
    paginate_by = 10
    template_name = "articles/article_list.html"

    def get_queryset(self):
        return Article.objects.published()


class ArticleDetailView(DetailView):
    """One article. Drafts (and articles dated in the future) are 404 for the public;
    staff who may view articles in admin see them as a preview."""

    context_object_name = "article"
    template_name = "articles/article_detail.html"

    def get_queryset(self):
        if can_preview_drafts(self.request):
            return Article.objects.all()
        return Article.objects.published()

    @cached_property
    def canonical_url(self):
        # Without a Spanish version the /es/ page repeats the English text: point search
        # engines at the English page rather than offering them a duplicate.
        return self.request.build_absolute_uri(self.object.get_url_in(self.object.language))

    def english_url(self):
        """The English page, for a Spanish visitor shown the English text."""
        if self.object.language != active_language():
            return self.object.get_url_in(settings.LANGUAGE_CODE)
        return ""

    def alternate_links(self):
        """The hreflang alternates, when the article is written in more than one language."""
        article = self.object
        if len(article.languages) < 2:
            return []
        return [
            {
                "code": code,
                "absolute_url": self.request.build_absolute_uri(article.get_url_in(code)),
                "is_default": code == settings.LANGUAGE_CODE,
            }
            for code in article.languages
        ]

    def related_articles(self):
        """The latest other articles, for the page's end."""
        return Article.objects.published().exclude(pk=self.object.pk)[:RELATED_ARTICLES]

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if not self.object.is_public:
            # A preview is for the editor's eyes only: no shared cache may keep it.
            add_never_cache_headers(response)
        return response
