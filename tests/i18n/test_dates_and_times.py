"""Spanish office hours and dates as El Paso's patients write them: "5:00 p. m.", "a la 1:00",
"jueves 3 de diciembre"."""

import datetime
import re

import pytest
from django.utils import timezone, translation

from locations.hours import format_time
from locations.models import DayKind, Location, SpecialDate
from tests.conftest import clinic_time, travel_to

pytestmark = pytest.mark.django_db


def office_status(client, path):
    html = client.get(path).content.decode()
    return re.search(r'<main.*?<p class="office-status[^"]*"><strong[^>]*>(.*?)</strong>', html, re.S).group(1)


def hours_rows(client, path):
    html = client.get(path).content.decode()
    table = re.search(r'<table class="table hours-table.*?</table>', html, re.S).group(0)
    return [
        tuple(" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in row)
        for row in re.findall(r"<tr[^>]*>\s*<th scope=\"row\">(.*?)</th>\s*<td>(.*?)</td>", table, re.S)
    ]


@pytest.mark.parametrize(
    ("time", "spanish", "english"),
    [
        (datetime.time(8), "8:00 a. m.", "8:00 AM"),
        (datetime.time(13), "1:00 p. m.", "1:00 PM"),
        (datetime.time(17), "5:00 p. m.", "5:00 PM"),
        (datetime.time(12), "12:00 p. m.", "12:00 PM"),
        (datetime.time(0, 30), "12:30 a. m.", "12:30 AM"),
    ],
)
def test_times_of_day_follow_each_languages_style(time, spanish, english):
    with translation.override("es"):
        assert format_time(time) == spanish
    with translation.override("en"):
        assert format_time(time) == english


def test_an_open_office_says_when_it_closes_in_spanish(client):
    with travel_to(clinic_time(2026, 3, 9, 10)):  # Monday morning
        status = office_status(client, "/es/locations/medical-center-drive/")
        rows = hours_rows(client, "/es/locations/medical-center-drive/")
    assert status == "Abierto ahora, cierra a las 5:00 p. m."
    assert rows[0] == ("lunes (hoy)", "8:00 a. m. - 5:00 p. m.")
    assert ("sábado", "Cerrado") in rows


def test_one_oclock_takes_the_singular_article(client):
    with travel_to(clinic_time(2026, 3, 12, 9)):  # Thursday morning: Dean Martin opens at 1:00 PM
        assert office_status(client, "/es/locations/dean-martin/") == "Cerrado, abre hoy a la 1:00 p. m."
    with travel_to(clinic_time(2026, 3, 7, 10)):  # Saturday: the next open hours are Thursday's
        assert office_status(client, "/es/locations/dean-martin/") == "Cerrado, abre el jueves a la 1:00 p. m."


def test_a_closed_office_says_when_it_opens_in_spanish(client):
    with travel_to(clinic_time(2026, 3, 12, 18)):  # Thursday evening
        assert office_status(client, "/es/locations/medical-center-drive/") == "Cerrado, abre mañana a las 8:00 a. m."
    with travel_to(clinic_time(2026, 3, 13, 18)):  # Friday evening
        assert office_status(client, "/es/locations/medical-center-drive/") == "Cerrado, abre el lunes a las 8:00 a. m."


def test_a_by_appointment_day_says_whom_to_call_in_spanish(client):
    with travel_to(clinic_time(2026, 3, 11, 10)):  # Wednesday at Dean Martin
        status = office_status(client, "/es/locations/dean-martin/")
        rows = hours_rows(client, "/es/locations/dean-martin/")
    assert status == "Hoy solo con cita: llame al 915-260-4633"
    assert rows[0] == ("miércoles (hoy)", "Solo con cita")


def test_an_opening_a_week_or_more_away_gives_the_date_in_spanish(client, dean_martin):
    SpecialDate.objects.create(location=dean_martin, date=datetime.date(2026, 11, 26), kind=DayKind.CLOSED)
    with travel_to(clinic_time(2026, 11, 19, 17, 30)):  # Thursday after closing; next Thursday is a holiday
        html = client.get("/es/locations/dean-martin/").content.decode()
        status = office_status(client, "/es/locations/dean-martin/")
    assert status == "Cerrado, abre el jueves 3 de diciembre a la 1:00 p. m."
    assert "<strong>jueves 26 de noviembre de 2026</strong>: Cerrado" in html
    assert "Días festivos y cambios de horario" in html


def test_the_home_page_gives_todays_hours_in_spanish(client):
    with travel_to(clinic_time(2026, 3, 12, 14)):  # Thursday afternoon: both offices open
        html = client.get("/es/").content.decode()
    assert "Hoy: 8:00 a. m. - 5:00 p. m." in html
    assert "Hoy: 1:00 p. m. - 5:00 p. m." in html
    assert html.count("Abierto ahora, cierra a las 5:00 p. m.") >= 2


def test_article_dates_are_spanish(client):
    html = client.get("/es/articles/").content.decode()
    assert ">1 de agosto de 2022</time>" in html


def test_a_special_date_shows_its_spanish_note_on_spanish_pages(client):
    office = Location.objects.get(slug="medical-center-drive")
    SpecialDate.objects.create(
        location=office,
        date=timezone.localdate() + datetime.timedelta(days=3),
        kind=DayKind.CLOSED,
        note="Closed for staff training",
        note_es="Cerrado por capacitación del personal",
    )
    spanish = client.get("/es/locations/medical-center-drive/").content.decode()
    english = client.get("/locations/medical-center-drive/").content.decode()
    assert "Cerrado por capacitación del personal" in spanish
    assert "Closed for staff training" not in spanish
    assert "Closed for staff training" in english
