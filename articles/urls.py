from django.urls import path

from core.public_pages import public_page

from . import views
from .feeds import ArticleFeed

app_name = "articles"

urlpatterns = [
    path("", public_page(views.ArticleListView.as_view()), name="list"),
    # Before the slug pattern, so "feed" is never taken for an article.
    path("feed/", ArticleFeed(), name="feed"),
    path("<slug:slug>/", public_page(views.ArticleDetailView.as_view()), name="detail"),
]
