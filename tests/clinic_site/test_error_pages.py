import pytest

from locations.models import Location

pytestmark = pytest.mark.django_db


def assert_shows_every_office_phone(response):
    body = response.content.decode()
    phones = list(Location.objects.values_list("phone", flat=True))
    assert phones, "the seed migration should have created the offices"
    for phone in phones:
        assert phone in body


def test_404_page_offers_the_phone_numbers(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()
    assert_shows_every_office_phone(response)


@pytest.mark.urls("tests.urls_with_failures")
def test_500_page_offers_the_phone_numbers_and_no_internals(client):
    client.raise_request_exception = False
    response = client.get("/failing-view/")
    assert response.status_code == 500
    body = response.content.decode()
    assert_shows_every_office_phone(response)
    assert "Traceback" not in body
    assert "secret internal detail" not in body
    assert "RuntimeError" not in body


def test_unknown_host_is_refused_with_400(client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400


def test_an_oversized_form_gets_a_plain_400_page_with_the_phones(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post("/appointments/request/", {"message": "x" * 5000})
    assert response.status_code == 400
    assert "We could not read what was sent" in response.content.decode()
    assert_shows_every_office_phone(response)
