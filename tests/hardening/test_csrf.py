"""A request posted from another site (no CSRF token) is refused and nothing is stored."""

import re

import pytest
from django.test import Client

from appointments.models import AppointmentRequest

from .conftest import FORM_URL

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser():
    return Client(enforce_csrf_checks=True)


def csrf_token_from_form(browser):
    page = browser.get(FORM_URL)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)


def test_post_without_a_token_is_refused_with_403_and_stores_nothing(browser, submission, office_phones):
    response = browser.post(FORM_URL, submission)
    assert response.status_code == 403
    body = response.content.decode()
    # The friendly CSRF page, with the numbers to call, not Django's technical one.
    assert all(phone in body for phone in office_phones)
    assert "CSRF verification failed" not in body
    assert AppointmentRequest.objects.count() == 0


def test_post_with_the_cookie_but_a_forged_token_is_refused(browser, submission):
    csrf_token_from_form(browser)
    response = browser.post(FORM_URL, {**submission, "csrfmiddlewaretoken": "x" * 64})
    assert response.status_code == 403
    assert AppointmentRequest.objects.count() == 0


def test_post_with_a_token_from_another_browser_is_refused(browser, submission):
    stolen = csrf_token_from_form(Client(enforce_csrf_checks=True))
    csrf_token_from_form(browser)
    browser.cookies.pop("csrftoken", None)
    response = browser.post(FORM_URL, {**submission, "csrfmiddlewaretoken": stolen})
    assert response.status_code == 403
    assert AppointmentRequest.objects.count() == 0


def test_post_with_its_own_token_is_accepted(browser, submission):
    # The control for the tests above: the same request with a token goes through.
    token = csrf_token_from_form(browser)
    response = browser.post(FORM_URL, {**submission, "csrfmiddlewaretoken": token})
    assert response.status_code == 303
    assert AppointmentRequest.objects.count() == 1
