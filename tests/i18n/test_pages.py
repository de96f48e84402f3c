"""Every patient-facing page under /es/ is Spanish: marked `lang="es"`, and no English interface
string (any catalogue phrase of two words or more) left in what the patient reads."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from articles.models import Article
from tests.conftest import public_paths
from tests.page import visible_text

from .visible_text import english_ui_strings

pytestmark = pytest.mark.django_db

SPANISH_HTML = '<html lang="es">'


@pytest.fixture
def english_only_article(db):
    """An article with no Spanish version: its /es/ page shows the English text, marked as such."""
    return Article.objects.create(
        title="Compression stockings and sleep",
        slug="compression-stockings-and-sleep",
        summary="What compression stockings can and cannot do for tired legs.",
        body="Some patients ask about compression stockings.\n\n## What to expect\n\n- comfort",
        status=Article.Status.PUBLISHED,
        published_on=datetime.date(2024, 5, 1),
    )


def spanish_paths():
    return [path for path in public_paths() if path.startswith("/es/")]


def next_weekday():
    day = timezone.localdate() + datetime.timedelta(days=1)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def assert_spanish(response):
    html = response.content.decode()
    assert SPANISH_HTML in html
    assert english_ui_strings(html) == []


def test_the_check_finds_english_interface_strings_in_an_untranslated_page(client):
    # Guards against a check that passes because it looks at nothing: the English page, as if
    # it claimed to be Spanish.
    html = client.get("/privacy/").content.decode().replace('<html lang="en">', SPANISH_HTML, 1)
    found = english_ui_strings(html)
    assert "Request appointment" in found
    assert "What the appointment request form collects" in found
    assert "Skip to main content" in found


def test_text_marked_english_is_not_counted_as_an_english_interface_string():
    html = '<html lang="es"><body><p lang="en">Request appointment</p><p>Solicitar una cita</p></body></html>'
    assert visible_text(html) == "Solicitar una cita"
    assert english_ui_strings(html) == []


def test_every_public_page_under_es_is_spanish(client, english_only_article):
    paths = spanish_paths()
    assert "/es/locations/dean-martin/" in paths and english_only_article.get_url_in("es") in paths
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert SPANISH_HTML in html, path
        assert english_ui_strings(html) == [], path


def test_spanish_pages_have_spanish_titles_and_descriptions(client):
    html = client.get("/es/locations/").content.decode()
    assert "<title>Nuestros consultorios · " in html
    assert '<meta name="description" content="Direcciones, teléfonos y horarios de nuestros consultorios.">' in html
    html = client.get("/es/appointments/request/").content.decode()
    assert "<title>Solicitar una cita · " in html


def test_an_article_without_spanish_says_so_in_spanish_and_marks_the_english_text(client, english_only_article):
    html = client.get(english_only_article.get_url_in("es")).content.decode()
    assert "Este artículo todavía no está disponible en español. Aquí lo tiene en inglés." in html
    assert '<article class="article" lang="en"' in html
    assert "Some patients ask about compression stockings." not in visible_text(html)


# --- Error pages ------------------------------------------------------------------------------


def test_an_unknown_spanish_address_gets_the_404_page_in_spanish(client):
    response = client.get("/es/no-existe/")
    assert response.status_code == 404
    assert "No encontramos esa página" in response.content.decode()
    assert_spanish(response)


@pytest.mark.urls("tests.urls_with_failures")
@pytest.mark.parametrize(
    ("path", "status", "says"),
    [
        ("/es/failing-view/", 500, "Algo salió mal de nuestro lado"),
        ("/es/database-down/", 503, "El sitio web tiene problemas en este momento"),
    ],
    ids=["500", "503"],
)
def test_the_error_pages_under_es_are_spanish(client, path, status, says):
    client.raise_request_exception = False
    response = client.get(path)
    assert response.status_code == status
    assert says in response.content.decode()
    assert_spanish(response)


def test_the_429_page_under_es_is_spanish(client, settings, dean_martin):
    settings.APPOINTMENT_RATE_LIMIT = "1/h"
    form = {
        "first_name": "Ana",
        "last_name": "Robles",
        "phone": "915-555-0142",
        "location": str(dean_martin.pk),
        # Dean Martin takes requests any weekday (by appointment), whatever today is.
        "preferred_date": next_weekday().isoformat(),
        "preferred_time": "any",
        "patient_kind": "new",
        "reason": "restless_legs",
        "insurance": "yes",
        "contact_method": "phone",
        "callback_language": "es",
        "consent": "on",
    }
    assert client.post("/es/appointments/request/", form).status_code == 303
    response = client.post("/es/appointments/request/", form)
    assert response.status_code == 429
    assert "Recibimos varias solicitudes desde su conexión" in response.content.decode()
    assert_spanish(response)


def test_the_csrf_failure_page_under_es_is_spanish():
    response = Client(enforce_csrf_checks=True).post("/es/appointments/request/", {"first_name": "Ana"})
    assert response.status_code == 403
    assert "Por favor, inténtelo de nuevo" in response.content.decode()
    assert_spanish(response)
