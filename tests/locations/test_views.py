import datetime
from urllib.parse import quote_plus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from locations.models import DayKind, Location, SpecialDate
from tests.conftest import clinic_time, travel_to
from tests.page import Page

pytestmark = pytest.mark.django_db

MONDAY_MORNING = clinic_time(2026, 3, 9, 10)  # Monday 2026-03-09, 10:00 AM in El Paso

SEED = {
    "medical-center-drive": {
        "name": "Medical Center Drive",
        "address": "1600 Medical Center Drive, Suite 120 El Paso, TX 79902",
        "phone": "915-260-4598",
        "tel": "tel:+19152604598",
        "week_from_monday": [
            ("Monday (today)", "8:00 AM - 5:00 PM"),
            ("Tuesday", "8:00 AM - 5:00 PM"),
            ("Wednesday", "8:00 AM - 5:00 PM"),
            ("Thursday", "8:00 AM - 5:00 PM"),
            ("Friday", "8:00 AM - 5:00 PM"),
            ("Saturday", "Closed"),
            ("Sunday", "Closed"),
        ],
        "status_monday_morning": "Open now, closes 5:00 PM",
    },
    "dean-martin": {
        "name": "Dean Martin",
        "address": "1860 Dean Martin, Suite 103 El Paso, TX 79936",
        "phone": "915-260-4633",
        "tel": "tel:+19152604633",
        "week_from_monday": [
            ("Monday (today)", "By appointment only"),
            ("Tuesday", "By appointment only"),
            ("Wednesday", "By appointment only"),
            ("Thursday", "1:00 PM - 5:00 PM"),
            ("Friday", "By appointment only"),
            ("Saturday", "Closed"),
            ("Sunday", "Closed"),
        ],
        "status_monday_morning": "By appointment only today: call 915-260-4633",
    },
}


def get_page(client, path, moment=MONDAY_MORNING):
    with travel_to(moment):
        response = client.get(path)
    assert response.status_code == 200
    return response


def hours_rows(page, slug):
    table = page.one("table", id=f"hours-{slug}")
    return [tuple(cell.text for cell in row.children if getattr(cell, "name", None) in {"th", "td"})
            for row in table.one("tbody").all("tr")]  # fmt: skip


@pytest.mark.parametrize("slug", SEED)
class TestOfficePage:
    def test_shows_the_seed_address_in_an_address_element(self, client, slug):
        page = Page(get_page(client, f"/locations/{slug}/"))
        assert page.one("main").texts("address") == [SEED[slug]["address"]]

    def test_phone_is_a_tel_link(self, client, slug):
        page = Page(get_page(client, f"/locations/{slug}/"))
        assert SEED[slug]["phone"] in page.one("main").texts("a", href=SEED[slug]["tel"])

    def test_hours_table_lists_the_week_with_today_marked_in_text(self, client, slug):
        page = Page(get_page(client, f"/locations/{slug}/"))
        assert hours_rows(page, slug) == SEED[slug]["week_from_monday"]
        table = page.one("table", id=f"hours-{slug}")
        assert table.one("caption").text == f"Hours at {SEED[slug]['name']}, the next seven days"
        assert len(table.all("th", scope="row")) == 7
        (today,) = table.all("tr", aria_current="date")
        assert today.one("th").text == "Monday (today)"

    def test_shows_the_state_line(self, client, slug):
        page = Page(get_page(client, f"/locations/{slug}/"))
        assert SEED[slug]["status_monday_morning"] in page.texts("p", class_="office-status")

    def test_links_to_directions_and_to_the_request_form_for_this_office(self, client, slug):
        office = Location.objects.get(slug=slug)
        page = Page(get_page(client, f"/locations/{slug}/"))
        hrefs = {link.get("href") for link in page.all("a")}
        street, city = SEED[slug]["address"].split(" El Paso")
        assert f"https://www.google.com/maps/search/?api=1&query={quote_plus(office.address_line)}" in hrefs
        assert office.address_line == f"{street}, El Paso{city}"
        assert f"/appointments/request/?location={slug}" in hrefs
        assert not page.all("iframe")

    def test_is_not_cached_longer_than_a_minute(self, client, slug):
        response = get_page(client, f"/locations/{slug}/")
        assert response["Cache-Control"] == "max-age=60"

    def test_spanish_page_answers(self, client, slug):
        response = get_page(client, f"/es/locations/{slug}/")
        assert '<html lang="es">' in response.content.decode()


@pytest.mark.usefixtures("process_time_zone")
def test_state_line_follows_the_clinic_clock_whatever_the_server_zone(client):
    page = Page(get_page(client, "/locations/dean-martin/", clinic_time(2026, 3, 12, 12)))
    assert "Closed, opens today 1:00 PM" in page.texts("p", class_="office-status")
    page = Page(get_page(client, "/locations/dean-martin/", clinic_time(2026, 3, 12, 13)))
    assert "Open now, closes 5:00 PM" in page.texts("p", class_="office-status")


def test_upcoming_special_dates_show_with_their_notes_and_past_ones_do_not(client):
    office = Location.objects.get(slug="medical-center-drive")
    SpecialDate.objects.create(location=office, date=datetime.date(2026, 3, 2), kind=DayKind.CLOSED, note="Gone")
    SpecialDate.objects.create(
        location=office, date=datetime.date(2026, 3, 11), kind=DayKind.CLOSED, note="Closed for staff training"
    )
    SpecialDate.objects.create(
        location=office,
        date=datetime.date(2026, 4, 3),
        opens=datetime.time(8),
        closes=datetime.time(12),
        note="Closing early",
    )
    page = Page(get_page(client, "/locations/medical-center-drive/"))
    assert page.texts("li", class_="special-date") == [
        "Wednesday, March 11, 2026: Closed — Closed for staff training",
        "Friday, April 3, 2026: 8:00 AM - 12:00 PM — Closing early",
    ]
    assert ("Wednesday", "Closed Closed for staff training") in hours_rows(page, "medical-center-drive")
    assert "Gone" not in page.one("main").text


def test_unknown_office_is_404(client):
    assert client.get("/locations/no-such-office/").status_code == 404


def test_list_page_shows_both_offices_in_order_with_their_state(client):
    page = Page(get_page(client, "/locations/"))
    assert [heading.text for heading in page.one("main").all("h2") if heading.get("id").startswith("office-")] == [
        "Medical Center Drive",
        "Dean Martin",
    ]
    assert page.one("main").texts("address") == [
        SEED["medical-center-drive"]["address"],
        SEED["dean-martin"]["address"],
    ]
    assert page.texts("p", class_="office-status")[:2] == [
        "Open now, closes 5:00 PM",
        "By appointment only today: call 915-260-4633",
    ]
    assert hours_rows(page, "dean-martin") == SEED["dean-martin"]["week_from_monday"]
    assert client.get("/locations/")["Cache-Control"] == "max-age=60"


def test_home_page_shows_both_offices_with_todays_hours_and_state(client):
    response = get_page(client, "/", clinic_time(2026, 3, 12, 14))
    section = Page(response).one("section", class_="offices-today")
    text = section.text
    assert "Medical Center Drive Open now, closes 5:00 PM Today: 8:00 AM - 5:00 PM" in text
    assert "Dean Martin Open now, closes 5:00 PM Today: 1:00 PM - 5:00 PM" in text
    assert response["Cache-Control"] == "max-age=60"


def test_footer_is_compact_names_phones_and_a_link_to_the_offices(client):
    # The home and Locations pages show the full cards; the footer does not repeat them.
    footer = Page(get_page(client, "/privacy/", clinic_time(2026, 3, 14, 9))).one("footer")
    assert footer.texts("li") == ["Medical Center Drive: 915-260-4598", "Dean Martin: 915-260-4633"]
    assert footer.texts("a", href="/locations/") == ["Addresses and hours of our offices"]
    assert footer.all("address") == []
    assert "Today:" not in footer.text and "Closed" not in footer.text


def test_home_page_gives_todays_special_date_note(client):
    office = Location.objects.get(slug="medical-center-drive")
    SpecialDate.objects.create(
        location=office, date=datetime.date(2026, 3, 11), kind=DayKind.CLOSED, note="Closed for staff training"
    )
    page = Page(get_page(client, "/", clinic_time(2026, 3, 11, 9)))
    assert "Today: Closed — Closed for staff training" in page.one("section", class_="offices-today").text


def test_home_page_and_list_show_each_office_with_the_same_card(client):
    home, offices = Page(get_page(client, "/")), Page(get_page(client, "/locations/"))
    for card in (
        offices.one("section", aria_labelledby="office-dean-martin"),
        home.one("section", aria_labelledby="home-office-dean-martin"),
    ):
        assert card.one("address").text == SEED["dean-martin"]["address"]
        assert card.texts("a", href=SEED["dean-martin"]["tel"]) == [SEED["dean-martin"]["phone"]]


def add_special_dates(count):
    """One by one, as an editor saves them."""
    office = Location.objects.get(slug="medical-center-drive")
    for n in range(1, count + 1):
        SpecialDate.objects.create(
            location=office, date=MONDAY_MORNING.date() + datetime.timedelta(days=n), kind=DayKind.CLOSED
        )


def count_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = get_page(client, path)
    return len(queries), response


@pytest.mark.parametrize("path", ["/locations/medical-center-drive/", "/locations/dean-martin/", "/locations/", "/"])
def test_query_count_does_not_grow_with_special_dates(client, path):
    get_page(client, path)
    before, _response = count_queries(client, path)
    add_special_dates(30)
    assert count_queries(client, path)[0] == before <= 10
    if path == "/locations/medical-center-drive/":
        assert len(Page(get_page(client, path)).all("li", class_="special-date")) == 30
