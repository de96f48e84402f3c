"""A complete packet for the staff side's tests, made as the patient pages leave one: the answers
(keyed by question, as the pages write them), the signature, and three photos stored through
files.save_image, real JPEGs drawn by Pillow."""

import datetime
import io
import json

from django.utils import timezone
from PIL import Image

from appointments.models import Status
from packets import files
from packets.models import Packet, Question
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


def answers_in(items):
    """{linkId: [answer as JSON]} over every nested item of a QuestionnaireResponse."""
    found = {}
    for item in items or []:
        if item.answer:
            found[item.linkId] = [json.loads(answer.model_dump_json(exclude_none=True)) for answer in item.answer]
        found.update(answers_in(item.item))
    return found


def assert_every_answer_in(bundle, answers=ANSWERS, image_keys=IMAGE_KEYS):
    """The Bundle's QuestionnaireResponse holds each of `answers`, typed as its question says,
    and an attachment for each photo."""
    [response] = [
        entry.resource for entry in bundle.entry if entry.resource.get_resource_type() == "QuestionnaireResponse"
    ]
    found = answers_in(response.item)
    kinds = dict(Question.objects.values_list("key", "kind"))
    for key, value in answers.items():
        assert key in found, key
        kind = kinds.get(key, "text")  # the signature is no Question row: typed text
        if kind in ("choice", "multiple"):
            codes = [answer["valueCoding"]["code"] for answer in found[key]]
            assert codes == (value if isinstance(value, list) else [value]), key
        else:
            expected = {
                "date": {"valueDate": value},
                "number": {"valueInteger": value},
                "yes_no": {"valueBoolean": value == "yes"},
                "consent": {"valueBoolean": True},
            }.get(kind, {"valueString": value})
            assert found[key] == [expected], key
    for key in image_keys:
        assert found[key][0]["valueAttachment"]["contentType"] == "image/jpeg", key
    return response
