from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from core.public_pages import public_page
from packets import questionnaire

from . import views
from .sitemaps import sitemaps

# Patient-facing pages: English at these paths, Spanish at the same paths under /es/. The ones
# wrapped in public_page are the same for every visitor (core/page_cache.py).
urlpatterns = i18n_patterns(
    path("", public_page(views.HomeView.as_view()), name="home"),
    path("privacy/", public_page(views.PrivacyView.as_view()), name="privacy"),
    path("articles/", include("articles.urls")),
    path("locations/", include("locations.urls")),
    path("appointments/prepare/", include("packets.urls")),
    path("appointments/", include("appointments.urls")),
    path("notices/", include("notices.urls")),
    prefix_default_language=False,
)

urlpatterns += [
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("i18n/", include("django.conf.urls.i18n")),
    # The pre-visit packet's questions as FHIR, named by every packet's export (packets/fhir.py):
    # one address in every language, as a canonical URL must be.
    path(questionnaire.PATH.lstrip("/"), questionnaire.serve, name="fhir_questionnaire"),
    # Staff passkeys' ceremonies (staff/passkeys.py), beside the admin they sign in to.
    path(f"{settings.ADMIN_URL}webauthn/", include("staff.passkey_urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]

handler400 = "clinic_site.views.bad_request"
handler404 = "clinic_site.views.page_not_found"
handler500 = "clinic_site.views.server_error"
