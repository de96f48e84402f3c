import re

import pytest
from django.urls import reverse

from core.models import Clinic
from tests.page import hreflang_links

pytestmark = pytest.mark.django_db


def test_home_page_introduces_the_clinic_and_offers_a_request(client):
    html = client.get("/").content.decode()
    assert "Desert West Vein &amp; Surgery Center" in html
    assert "Atur Kasha, DO" in html
    assert 'href="/appointments/request/"' in html
    assert 'href="tel:+19152604598"' in html and 'href="tel:+19152604633"' in html


def test_privacy_page_says_what_is_kept_and_for_how_long(client, settings):
    html = client.get("/privacy/").content.decode()
    assert "What the appointment request form collects" in html
    assert f"{settings.APPOINTMENT_RETENTION_DAYS} days after it is closed" in html


def test_robots_txt_points_at_the_sitemap_and_never_names_the_admin(client, settings):
    # A custom ADMIN_URL keeps the admin out of sight; robots.txt must not publish it. The admin's
    # own pages tell crawlers to keep out (Django's robots meta tag).
    assert '<meta name="robots" content="NONE,NOARCHIVE">' in client.get("/admin/login/").content.decode()
    settings.ADMIN_URL = "staff-7f3k/"
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body
    assert "staff-7f3k" not in body and "admin" not in body


def test_spanish_home_page_is_marked_spanish(client):
    html = client.get("/es/").content.decode()
    assert '<html lang="es">' in html


def test_language_switch_keeps_the_patient_on_the_same_page(client):
    english = client.get("/privacy/").content.decode()
    assert 'href="/es/privacy/" hreflang="es" lang="es">Español</a>' in english
    spanish = client.get("/es/privacy/").content.decode()
    assert 'href="/privacy/" hreflang="en" lang="en">English</a>' in spanish


def test_hreflang_alternates_point_at_each_other(client):
    english = hreflang_links(client.get("/privacy/").content.decode())
    spanish = hreflang_links(client.get("/es/privacy/").content.decode())
    assert (
        english
        == spanish
        == {
            "en": "http://testserver/privacy/",
            "es": "http://testserver/es/privacy/",
            "x-default": "http://testserver/privacy/",
        }
    )


def test_a_browser_that_prefers_spanish_is_offered_the_spanish_page(client):
    html = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9,en;q=0.5").content.decode()
    assert re.search(r'class="language-offer[^"]*" lang="es"><a href="/es/privacy/"', html)


def test_a_browser_that_prefers_english_is_not_offered_anything(client):
    html = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "language-offer" not in html


def test_the_line_of_what_the_practice_treats_is_seeded_from_the_site_and_shown_in_each_language(client):
    clinic = Clinic.load()
    assert clinic.tagline == "Treatment for restless leg syndrome and underlying vein problems"
    assert clinic.tagline_es == "Tratamiento del síndrome de piernas inquietas y de problemas venosos subyacentes"
    assert f'<p class="tagline">{clinic.tagline}</p>' in client.get("/").content.decode()
    assert f'<p class="tagline">{clinic.tagline_es}</p>' in client.get("/es/").content.decode()


def test_an_editor_changes_the_line_in_admin_and_spanish_falls_back_to_english(admin_client):
    clinic = Clinic.load()
    change_url = reverse("admin:core_clinic_change", args=[clinic.pk])
    form = admin_client.get(change_url).content.decode()
    assert 'name="tagline"' in form and 'name="tagline_es"' in form
    fields = {
        "name": clinic.name,
        "physician": clinic.physician,
        "tagline": "Restless legs and vein care",
        "tagline_es": "",
        "introduction": clinic.introduction,
        "introduction_es": clinic.introduction_es,
    }
    assert admin_client.post(change_url, fields).status_code == 302
    assert '<p class="tagline">Restless legs and vein care</p>' in admin_client.get("/es/").content.decode()
