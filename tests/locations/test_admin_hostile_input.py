"""Hostile input to the offices' admin (security review, items 6 and 9): lookups through the
requests are refused, and office fields refuse what would break pages or e-mails later."""

import pytest

from locations.models import Location

from .test_admin import change_form_data, change_url

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/locations/location/"


@pytest.fixture
def editor(editor_client):
    return editor_client


@pytest.mark.parametrize(
    "query",
    [
        "?appointment_requests__id__gte=16",
        "?appointment_requests__isnull=False",
        "?appointment_requests__last_name__startswith=A",
        "?_to_field=appointment_requests",
        "?_to_field=appointment_requests&_popup=1",
    ],
)
def test_an_editor_cannot_reach_the_requests_through_the_office_list(editor, query):
    assert not editor.get(CHANGELIST).wsgi_request.user.has_perm("appointments.view_appointmentrequest")
    response = editor.get(CHANGELIST + query)
    assert response.status_code == 400


def test_the_office_list_still_filters_on_its_own_columns(editor):
    assert editor.get(CHANGELIST + "?accepts_requests__exact=1").status_code == 200
    assert editor.get(CHANGELIST).status_code == 200


@pytest.fixture
def office():
    return Location.objects.get(slug="medical-center-drive")


@pytest.mark.parametrize("phone", ["abc", "+", "999999999999999999999", "915-260-4598\x00"])
def test_a_phone_that_is_no_number_is_refused_with_a_message(admin_client, office, phone):
    data = {**change_form_data(admin_client, office), "phone": phone}
    response = admin_client.post(change_url(office), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["phone"]
    assert Location.objects.get(pk=office.pk).phone == office.phone


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Medical Center\nBcc: someone@example.org"),
        ("name", "Medical\rCenter"),
        ("street_address", "1 Main St\x00"),
        ("city", "El Paso\x1b[2J"),
        ("suite", "Suite\t4"),
    ],
)
def test_control_characters_in_an_office_field_are_refused(admin_client, office, field, value):
    data = {**change_form_data(admin_client, office), field: value}
    response = admin_client.post(change_url(office), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field]
    assert getattr(Location.objects.get(pk=office.pk), field) == getattr(office, field)


def test_control_characters_in_a_closure_note_are_refused(admin_client, office):
    data = change_form_data(admin_client, office)
    prefix = "special_dates"
    index = int(data[f"{prefix}-TOTAL_FORMS"]) - 1  # the blank extra row
    data.update(
        {
            f"{prefix}-{index}-date": "2031-01-02",
            f"{prefix}-{index}-kind": "closed",
            f"{prefix}-{index}-note": "Closed\nfor inventory",
        }
    )
    response = admin_client.post(change_url(office), data)
    assert response.status_code == 200
    assert not office.special_dates.filter(date="2031-01-02").exists()


def test_control_characters_in_the_clinic_details_are_refused():
    # Checked by the model's clean(), which the admin's form runs.
    from django.core.exceptions import ValidationError

    from core.models import Clinic

    clinic = Clinic.load()
    clinic.name, clinic.introduction = "Vein\nClinic", "Two lines.\r\nFine here."
    with pytest.raises(ValidationError) as refused:
        clinic.full_clean()
    assert set(refused.value.message_dict) == {"name"}
