from django.conf import settings
from django.utils.cache import add_never_cache_headers
from django.views.generic import DetailView, ListView

from shared.languages import active_language

from .models import Article

RELATED_ARTICLES = 3


def can_preview_drafts(user):
    return user.is_staff and user.has_perm("articles.view_article")


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
        if can_preview_drafts(self.request.user):
            return Article.objects.all()
        return Article.objects.published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        # Without a Spanish version the /es/ page repeats the English text: point search
        # engines at the English page rather than offering them a duplicate.
        context["canonical_url"] = self.request.build_absolute_uri(article.get_url_in(article.language))
        if article.language != active_language():
            context["english_url"] = article.get_url_in(settings.LANGUAGE_CODE)
        if len(article.languages) > 1:
            context["alternate_links"] = [
                {
                    "code": code,
                    "absolute_url": self.request.build_absolute_uri(article.get_url_in(code)),
                    "is_default": code == settings.LANGUAGE_CODE,
                }
                for code in article.languages
            ]
        return context

    def related_articles(self):
        """The latest other articles, for the page's end; a method (the template's
        `view.related_articles`) so that a page whose list is kept never builds the query."""
        return Article.objects.published().exclude(pk=self.object.pk)[:RELATED_ARTICLES]

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if not self.object.is_public:
            # A preview is for the editor's eyes only: no shared cache may keep it.
            add_never_cache_headers(response)
        return response
