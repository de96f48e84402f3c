from django.urls import path

from . import views
from .feeds import ArticleFeed

app_name = "articles"

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="list"),
    # Before the slug pattern, so "feed" is never taken for an article.
    path("feed/", ArticleFeed(), name="feed"),
    path("<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
]
