"""What the packet page tests share (no tests here): a booked visit, its packet link, complete
answers for each step as the browser posts them, and real and hostile photos."""

import datetime
import io

import pytest
import time_machine
from django.utils import timezone
from PIL import Image

from appointments.models import Visit
from appointments.workflow import move_to
from packets import links
from tests.factories import THURSDAY, make_request

CLINIC_ZONE = timezone.get_default_timezone()
# Tuesday morning in El Paso; the visit is on Thursday at 10:00.
NOW = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=CLINIC_ZONE)
VISIT_AT = datetime.datetime(2026, 12, 3, 10, 0, tzinfo=CLINIC_ZONE)

# Answers distinctive enough to be looked for in the database, e-mails and URLs.
STEP_ANSWERS = {
    1: {
        "first_name": "Zuleima",
        "last_name": "Quintanilla",
        "phone": "915-555-0123",
        "birth_date": "1961-04-17",
        "sex": "female",
        "address_line": "4711 Calle Ocotillo",
        "city": "El Paso",
        "state": "TX",
        "postal_code": "79912",
        "emergency_name": "Xochitl Quintanilla",
        "emergency_relationship": "Daughter",
        "emergency_phone": "915-555-0199",
    },
    2: {
        "uses_insurance": "yes",
        "insurance_carrier": "Blue Mesa Health",
        "member_id": "BMH88412207",
        "group_number": "GRP5531",
        "subscriber_relationship": "self",
    },
    3: {
        "symptoms": ["aching", "restless_legs"],
        "symptoms_since": "1_to_5_years",
        "compression_stockings": "yes",
        "compression_since": "March 2026",
        "compression_months": "9",
        "compression_hours": "8",
        "other_treatment": ["elevation", "exercise"],
        "blood_clots": "no",
        "anticoagulants": "no",
        "medications": "Ferrous sulfate 325 mg",
        "allergies": "Latex makes me itch",
        "pregnancy": "not_applicable",
        "iron": "tests",
        "anything_else": "Worse after long shifts standing",
    },
    4: {
        "consent_privacy": "on",
        "consent_financial": "on",
        "consent_treatment": "on",
        "signature": "Zuleima Quintanilla",
    },
}


@pytest.fixture(autouse=True)
def clinic_clock():
    with time_machine.travel(NOW.astimezone(datetime.UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def booked(medical_center):
    """A request whose visit is booked for Thursday at 10:00, patient called back in English."""
    request = make_request(medical_center, status="contacted", callback_language="en", preferred_date=THURSDAY)
    move_to(request, "scheduled", by=None, visit=Visit(VISIT_AT, medical_center))
    return request


def packet_path(appointment_request):
    return links.link_for(appointment_request).removeprefix("http://testserver")


@pytest.fixture
def path(booked):
    """The packet link's path (/appointments/prepare/<token>/), in the callback language."""
    return packet_path(booked)


def step_path(path, number):
    return f"{path}{number}/"


def post_step(client, path, number, move="next", **changes):
    data = {**STEP_ANSWERS[number], "move": move, **changes}
    return client.post(step_path(path, number), {name: value for name, value in data.items() if value is not None})


def fill_packet(client, path, up_to=4):
    for number in range(1, up_to + 1):
        response = post_step(client, path, number)
        assert response.status_code == 303, (number, response.content.decode()[:2000])


def jpeg_bytes(size=(1600, 1200), exif=True, color=(200, 120, 40)):
    image = Image.new("RGB", size, color)
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "PhoneMaker"  # Make
        data[0x0110] = "Pocket 12"  # Model
        image.save(out, "JPEG", exif=data.tobytes())
    else:
        image.save(out, "JPEG")
    return out.getvalue()


def png_bytes(size=(800, 500)):
    out = io.BytesIO()
    Image.new("RGBA", size, (10, 20, 30, 128)).save(out, "PNG")
    return out.getvalue()


def upload(name, data, content_type="image/jpeg"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)
