"""A complete packet for the staff side's tests, made as the patient pages leave one: the answers
(keyed by question, as the pages write them), the signature, and three photos stored through
files.save_image, real JPEGs drawn by Pillow."""

import datetime
import io

from django.utils import timezone
from PIL import Image

from appointments.models import Status
from packets import files
from packets.models import Packet
from tests.factories import make_request

# Every question of the seed answered (the photos apart), with distinctive values to look for.
ANSWERS = {
    "first_name": "Zuleima",
    "last_name": "Quintanilla",
    "phone": "+19155550123",
    "birth_date": "1971-04-09",
    "sex": "female",
    "address_line": "4815 Alameda Ave",
    "city": "El Paso",
    "state": "TX",
    "postal_code": "79905",
    "emergency_name": "Ofelia Quintanilla",
    "emergency_relationship": "Sister",
    "emergency_phone": "+19155550199",
    "uses_insurance": "yes",
    "insurance_carrier": "Blue Mesa Health",
    "member_id": "BMH77881234",
    "group_number": "GRP-5521",
    "subscriber_relationship": "spouse",
    "subscriber_name": "Rogelio Quintanilla",
    "subscriber_birth_date": "1969-11-30",
    "symptoms": ["aching", "swelling", "restless_legs"],
    "symptoms_since": "1_to_5_years",
    "compression_stockings": "yes",
    "compression_since": "March 2026",
    "compression_months": 7,
    "compression_hours": 9,
    "other_treatment": ["elevation", "exercise"],
    "prior_procedures": "Sclerotherapy on the left calf, 2019",
    "blood_clots": "no",
    "anticoagulants": "not_sure",
    "medications": "Lisinopril 10 mg daily",
    "allergies": "Latex (rash)",
    "pregnancy": "not_applicable",
    "iron": "tests",
    "anything_else": "Worse after long shifts standing",
    "consent_privacy": True,
    "consent_financial": True,
    "consent_treatment": True,
    "signature": "Zuleima Quintanilla",
}
IMAGE_KEYS = ["card_front", "card_back", "photo_id"]
COLOURS = {"card_front": (30, 90, 160), "card_back": (200, 200, 190), "photo_id": (160, 60, 40)}


def jpeg(colour=(30, 90, 160), size=(856, 540)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG", quality=90)
    buffer.seek(0)
    buffer.name = "photo.jpg"
    return buffer


def booked_request(office, visit_at=None, **fields):
    """A request whose visit is booked at `visit_at` (a clinic-time datetime)."""
    visit_at = visit_at or timezone.now() + datetime.timedelta(days=2)
    return make_request(office, **{"status": Status.SCHEDULED, "visit_at": visit_at, "visit_office": office, **fields})


def make_packet(appointment_request, answers=None, status=Packet.Status.COMPLETE, images=IMAGE_KEYS):
    packet = Packet(appointment_request=appointment_request, status=status, language="es", step=5)
    packet.write_answers(ANSWERS if answers is None else answers)
    if status == Packet.Status.COMPLETE:
        packet.submitted_at = packet.signed_at = timezone.now()
        packet.signed_from = "203.0.113.7"
        packet.consent_versions = "privacy-practices v2; financial-policy v1; treatment v1"
    packet.save()
    for key in images:
        files.save_image(packet, key, jpeg(COLOURS.get(key, (0, 0, 0))))
    return packet
