"""The admin carries the practice's name from its Clinic row, not "Django administration"."""

import html

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import translation

from clinic_site.admin_site import ClinicAdminSite
from core.models import Clinic
from tests.conftest import staff_login
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, db):
    return staff_login(client, StaffFactory(superuser=True))


def body(response):
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_admin_runs_on_the_clinic_site():
    assert isinstance(admin.site, ClinicAdminSite)


def test_header_title_and_index_title_name_the_practice(staff_client):
    name = Clinic.load().name
    assert name, "the seed migration should have created the practice"
    page = body(staff_client.get("/admin/"))
    assert f'<a href="/admin/">{name} · Front desk</a>' in page
    assert f"<title>Administration of {name} | {name} · Front desk</title>" in page
    assert f"<h1>Administration of {name}</h1>" in page
    assert "Django" not in page


def test_the_sign_in_page_names_the_practice(client):
    page = body(client.get("/admin/login/"))
    assert f"{Clinic.load().name} · Front desk" in page
    assert "Django administration" not in page


def test_a_renamed_practice_shows_at_once(staff_client):
    Clinic.objects.update(name="Sunland Park Vein Care")
    page = body(staff_client.get("/admin/appointments/appointmentrequest/"))
    assert "Sunland Park Vein Care · Front desk</a>" in page
    assert "| Sunland Park Vein Care · Front desk</title>" in page


def test_without_the_clinic_row_the_admin_uses_plain_words(staff_client):
    Clinic.objects.all().delete()
    page = body(staff_client.get("/admin/"))
    assert '<a href="/admin/">Front desk</a>' in page
    assert "<title>Site administration | Front desk</title>" in page
    assert "Django" not in page


def test_the_names_are_translated():
    # The admin pages themselves are English (no language prefix); the words are ready for Spanish.
    name = Clinic.load().name
    with translation.override("es"):
        assert admin.site.site_header == admin.site.site_title == f"{name} · Recepción"
        assert admin.site.index_title == f"Administración de {name}"
        Clinic.objects.all().delete()
        assert admin.site.site_header == "Recepción"
        assert admin.site.index_title == "Administración del sitio"


def test_editors_can_open_the_practices_details(staff_client):
    # The site class lives apart from the registrations; beside them it lost the Clinic admin.
    assert staff_client.get(reverse("admin:core_clinic_changelist")).status_code == 200
    clinic = Clinic.objects.get()
    assert staff_client.get(reverse("admin:core_clinic_change", args=[clinic.pk])).status_code == 200
