"""The site's URLs plus two failing patient pages, English and Spanish, to see the 500 and 503
pages as a patient would: `@pytest.mark.urls("tests.urls_with_failures")`."""

from django.conf.urls.i18n import i18n_patterns
from django.db import OperationalError
from django.urls import path

from clinic_site.urls import handler400, handler404, handler500, urlpatterns  # noqa: F401


def failing_view(request):
    raise RuntimeError("secret internal detail: /srv/app/settings.py line 42")


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
