"""The site's URLs plus two failing patient pages, to see the 500 and 503 pages in Spanish."""

from django.conf.urls.i18n import i18n_patterns
from django.db import OperationalError
from django.urls import path

from clinic_site.urls import handler404, handler500, urlpatterns  # noqa: F401


def failing_view(request):
    raise RuntimeError("a bug")


def database_down_view(request):
    raise OperationalError("could not connect to server")


urlpatterns = [
    *urlpatterns,
    *i18n_patterns(
        path("failing-view/", failing_view),
        path("database-down/", database_down_view),
        prefix_default_language=False,
    ),
]
