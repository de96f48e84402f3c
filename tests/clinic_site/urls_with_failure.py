"""The site's URLs plus one view that fails, to see the 500 page as a patient would."""

from django.urls import path

from clinic_site.urls import handler400, handler404, handler500, urlpatterns  # noqa: F401


def failing_view(request):
    raise RuntimeError("secret internal detail: /srv/app/settings.py line 42")


urlpatterns = [*urlpatterns, path("failing-view/", failing_view)]
