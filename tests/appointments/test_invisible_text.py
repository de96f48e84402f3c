"""Invisible Unicode in patient text (security review, item 13): bidi overrides and zero-width
characters are refused in names and dropped elsewhere, and the CSV's formula guard judges a
value as the spreadsheet reads it (full-width signs, invisible characters in front)."""

import csv
import io

import pytest
from django.utils import translation

from appointments.forms import AppointmentRequestForm
from appointments.models import AppointmentRequest

from .conftest import make_request
from .test_admin import action

pytestmark = pytest.mark.django_db

INVISIBLE = ["\u202e", "\u202d", "\u2066", "\u200b", "\u200f", "\ufeff", "\u2060", "\u00ad"]


@pytest.fixture
def answers(medical_center):
    from tests.hardening.conftest import next_request_day, valid_submission

    return valid_submission(medical_center, next_request_day(medical_center))


@pytest.mark.parametrize("char", INVISIBLE)
@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_invisible_characters_in_a_name_are_refused(answers, field, char):
    # In English whatever an earlier test's request to a Spanish page left active in the thread.
    with translation.override("en"):
        form = AppointmentRequestForm(data={**answers, field: f"Ana{char}gnp.exe"})
        assert not form.is_valid()
        assert form.errors[field] == [
            "This contains invisible control characters that we cannot store. Please type it again."
        ]


@pytest.mark.parametrize("char", INVISIBLE)
def test_invisible_characters_elsewhere_are_dropped(answers, char):
    form = AppointmentRequestForm(
        data={
            **answers,
            "message": f"{char}=1+1 please call{char} after 3",
            "email": f"ana{char}@example.org",
            "phone": f"915{char}-261-7788",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["message"] == "=1+1 please call after 3"
    assert form.cleaned_data["email"] == "ana@example.org"
    assert form.cleaned_data["phone"].as_e164 == "+19152617788"


def test_the_request_form_stores_the_cleaned_text(client, answers):
    from tests.hardening.conftest import FORM_URL

    response = client.post(FORM_URL, {**answers, "message": "\u200b=1+1"})
    assert response.status_code == 303
    assert AppointmentRequest.objects.get().message == "=1+1"


@pytest.mark.parametrize("message", ["\uff1d1+1", "\u200b=1+1", "\ufeff@SUM(A1)", "\uff0b1", "\u202e-1"])
def test_the_csv_guard_judges_the_value_as_a_spreadsheet_reads_it(front_desk_client, medical_center, message):
    stored = make_request(medical_center, message=message, first_name="\uff1dHYPERLINK(1)")
    response = action(front_desk_client, "export_csv", [stored])
    header, record = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert record[header.index("Message")] == "'" + message
    assert record[header.index("First name")] == "'\uff1dHYPERLINK(1)"
