"""The site's URLs plus public pages written the ways a future view might be, to prove the page
cache keeps nothing personal whatever a view returns: `@pytest.mark.urls(...)`."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path
from django.utils.cache import patch_vary_headers

from clinic_site.urls import handler400, handler404, handler500, urlpatterns  # noqa: F401
from core.public_pages import public_page

FORM = engines["django"].from_string('<form method="post">{% csrf_token %}</form>')


def plain_form(request):
    """A plain function returning HttpResponse with a CSRF token: no TemplateResponse."""
    return HttpResponse(FORM.render({}, request))


def cookie_greeting(request):
    """Content read from a cookie, without saying Vary: Cookie."""
    return HttpResponse(f"Hello {request.COOKIES.get('name', 'visitor')}")


def varies_on_a_header(request):
    response = HttpResponse(f"For {request.headers.get('X-Branch', 'everyone')}")
    patch_vary_headers(response, ["X-Branch"])
    return response


def says_private(request):
    response = HttpResponse(f"private {request.GET.get('n', '')}")
    response["Cache-Control"] = "private"
    return response


urlpatterns = [
    *urlpatterns,
    path("plain-form/", public_page(plain_form)),
    path("cookie-greeting/", public_page(cookie_greeting)),
    path("varies/", public_page(varies_on_a_header)),
    path("private/", public_page(says_private)),
]
