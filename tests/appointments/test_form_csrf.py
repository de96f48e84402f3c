"""The request form with the page cache on (core/page_cache.py): never stored, so every
visitor gets a token of their own."""

import re

import pytest
from django.test import Client

from appointments.models import AppointmentRequest

from .conftest import form_data

pytestmark = pytest.mark.django_db

FORM_URL = "/appointments/request/"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def fetch_token(browser, path=FORM_URL):
    response = browser.get(path)
    assert response.status_code == 200
    assert "csrftoken" in response.cookies  # get_token set the cookie the token belongs to
    return TOKEN.search(response.content.decode()).group(1)


@pytest.mark.parametrize("path", [FORM_URL, "/es" + FORM_URL])
def test_two_visitors_of_the_cached_form_each_send_with_their_own_token(page_cache, medical_center, path):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_token = fetch_token(first, path)
    second_token = fetch_token(second, path)
    assert first_token != second_token
    for browser, token in [(first, first_token), (second, second_token)]:
        response = browser.post(path, {**form_data(medical_center), "csrfmiddlewaretoken": token})
        assert response.status_code == 303
    assert AppointmentRequest.objects.count() == 2


def test_a_visitor_sending_another_visitor_s_token_gets_403(page_cache, medical_center):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_token = fetch_token(first)
    fetch_token(second)
    response = second.post(FORM_URL, {**form_data(medical_center), "csrfmiddlewaretoken": first_token})
    assert response.status_code == 403
    assert AppointmentRequest.objects.count() == 0


def test_a_token_never_reaches_the_cache(page_cache, medical_center):
    from django.core.cache import cache

    browser = Client()
    token = fetch_token(browser)
    fetch_token(Client(), FORM_URL + "?location=dean-martin")
    stored = list(cache._cache.values())  # noqa: SLF001 - locmem's pickled entries
    secret = browser.cookies["csrftoken"].value.encode()
    assert all(token.encode() not in entry and secret not in entry for entry in stored)


def test_a_form_with_errors_is_never_cached(page_cache, medical_center):
    browser = Client()
    fetch_token(browser)
    invalid = browser.post(FORM_URL, form_data(medical_center, first_name=None))
    assert invalid.status_code == 200 and "Please enter your first name." in invalid.content.decode()
    assert "Please enter your first name." not in Client().get(FORM_URL).content.decode()


def test_a_returning_visitor_keeps_the_cookie_their_token_belongs_to(page_cache, medical_center):
    browser = Client(enforce_csrf_checks=True)
    fetch_token(browser)
    cookie = browser.cookies["csrftoken"].value
    token = TOKEN.search(browser.get(FORM_URL).content.decode()).group(1)
    assert browser.cookies["csrftoken"].value == cookie
    response = browser.post(FORM_URL, {**form_data(medical_center), "csrfmiddlewaretoken": token})
    assert response.status_code == 303
