import datetime

import pytest

from locations.models import DayKind, Location, SpecialDate
from tests.conftest import clinic_time, travel_to
from tests.page import Page

pytestmark = pytest.mark.django_db

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
MONDAY_MORNING = clinic_time(2026, 3, 9, 10)


def json_ld(client, slug, moment=MONDAY_MORNING):
    with travel_to(moment):
        response = client.get(f"/locations/{slug}/")
    assert response.status_code == 200
    return Page(response).json_ld()


def test_medical_center_drive_is_a_medical_clinic_open_weekdays_8_to_5(client):
    data = json_ld(client, "medical-center-drive")
    assert data == {
        "@context": "https://schema.org",
        "@type": "MedicalClinic",
        "name": "Desert West Vein & Surgery Center, Medical Center Drive",
        "url": "http://testserver/locations/medical-center-drive/",
        "telephone": "+1 915-260-4598",
        "address": {
            "@type": "PostalAddress",
            "streetAddress": "1600 Medical Center Drive, Suite 120",
            "addressLocality": "El Paso",
            "addressRegion": "TX",
            "postalCode": "79902",
            "addressCountry": "US",
        },
        "openingHoursSpecification": [
            {"@type": "OpeningHoursSpecification", "dayOfWeek": WEEKDAYS, "opens": "08:00", "closes": "17:00"}
        ],
    }


def test_dean_martin_publishes_thursday_afternoon_only_not_its_by_appointment_days(client):
    data = json_ld(client, "dean-martin", clinic_time(2026, 3, 13, 10))  # a Friday: order does not depend on today
    assert data["telephone"] == "+1 915-260-4633"
    assert data["address"]["streetAddress"] == "1860 Dean Martin, Suite 103"
    assert data["address"]["postalCode"] == "79936"
    assert data["openingHoursSpecification"] == [
        {"@type": "OpeningHoursSpecification", "dayOfWeek": ["Thursday"], "opens": "13:00", "closes": "17:00"}
    ]


def test_upcoming_special_dates_are_published_and_past_ones_are_not(client):
    office = Location.objects.get(slug="medical-center-drive")
    SpecialDate.objects.create(location=office, date=datetime.date(2026, 3, 2), kind=DayKind.CLOSED)
    SpecialDate.objects.create(location=office, date=datetime.date(2026, 5, 25), kind=DayKind.CLOSED, note="Holiday")
    SpecialDate.objects.create(
        location=office, date=datetime.date(2026, 4, 3), opens=datetime.time(8), closes=datetime.time(12)
    )
    SpecialDate.objects.create(location=office, date=datetime.date(2026, 4, 6), kind=DayKind.BY_APPOINTMENT)
    specification = json_ld(client, "medical-center-drive")["openingHoursSpecification"]
    assert specification[1:] == [
        {
            "@type": "OpeningHoursSpecification",
            "validFrom": "2026-04-03",
            "validThrough": "2026-04-03",
            "opens": "08:00",
            "closes": "12:00",
        },
        # By appointment is not walk-in opening hours: published as closed.
        {
            "@type": "OpeningHoursSpecification",
            "validFrom": "2026-04-06",
            "validThrough": "2026-04-06",
            "opens": "00:00",
            "closes": "00:00",
        },
        {
            "@type": "OpeningHoursSpecification",
            "validFrom": "2026-05-25",
            "validThrough": "2026-05-25",
            "opens": "00:00",
            "closes": "00:00",
        },
    ]


def test_editor_text_cannot_break_out_of_the_script_element(client):
    Location.objects.filter(slug="dean-martin").update(name="</script><script>alert(1)</script> & co")
    with travel_to(MONDAY_MORNING):
        response = client.get("/locations/dean-martin/")
    script_body = response.content.decode().split('<script type="application/ld+json">')[1].split("</script>")[0]
    assert "<" not in script_body and "&" not in script_body.replace("\\u0026", "")
    assert Page(response).json_ld()["name"].endswith("</script><script>alert(1)</script> & co")
