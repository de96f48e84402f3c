"""A packet as a FHIR R4B Bundle, for the practice's records system or a clerk to import.

R4B, not R5: fhir.resources 8.3.0 ships R5 and R4B but not R4, and R4B's Patient, Coverage,
QuestionnaireResponse, Consent and DocumentReference are R4's (R4B changed medication and
evidence resources only), so what US records systems import as R4 reads this.

The Bundle is a `collection`: a set of resources handed over together. Not a `document` (that
needs a Composition and makes the Bundle an attested clinical document, which a patient's form is
not) and not a `transaction` (that is a set of instructions to one FHIR server; a clerk may
import by hand). Every resource is built through fhir.resources, which validates it as it is
made: an invalid export raises here rather than reaching the records system.

The resources' ids are derived from the packet (uuid5), so a second download carries the same
ids and an importer can tell it is the same packet again. Holds:
- Patient: name, phone, e-mail, birth date, gender (from "sex"), address, language, and the
  emergency contact as `contact`;
- Coverage (left out when the patient pays themselves): carrier as payor, member ID, group
  number, relationship, and the subscriber (a RelatedPerson) when the insurance is not theirs;
- QuestionnaireResponse: every answer, linkId = the question's key, against the Questionnaire
  the site serves (questionnaire.py) by canonical URL and version;
- Consent: the three consents, signed by the typed name at `signed_at` from `signed_from`, with
  the text versions agreed to;
- DocumentReference: one per photo, the JPEG inline (base64).
"""

import base64
import hashlib
import uuid

from django.conf import settings
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.consent import Consent
from fhir.resources.R4B.coverage import Coverage
from fhir.resources.R4B.documentreference import DocumentReference
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from fhir.resources.R4B.relatedperson import RelatedPerson

from core.models import Clinic

from . import encryption, files, questionnaire
from .models import Kind, Step

GENDERS = {"female": "female", "male": "male", "other": "other"}
# subscriber_relationship is "whose insurance is it"; Coverage.relationship is the patient's
# relationship to that subscriber: a parent's insurance makes the patient the subscriber's child.
RELATIONSHIPS = {"self": "self", "spouse": "spouse", "parent": "child", "other": "other"}
RELATIONSHIP_SYSTEM = "http://terminology.hl7.org/CodeSystem/subscriber-relationship"
COVERAGE_CLASS_SYSTEM = "http://terminology.hl7.org/CodeSystem/coverage-class"
CONSENT_SCOPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/consentscope"
LOINC = "http://loinc.org"
IMAGE_TITLES = {
    "card_front": "Insurance card, front",
    "card_back": "Insurance card, back",
    "photo_id": "Photo ID",
}


def resource_id(packet, role):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{settings.SITE_URL}/packets/{packet.pk}/{role}"))


def reference_to(packet, role):
    return {"reference": f"urn:uuid:{resource_id(packet, role)}"}


def drop_empty(value):
    """The JSON without None, "" and empty lists or objects (FHIR forbids empty elements)."""
    if isinstance(value, dict):
        kept = {key: drop_empty(item) for key, item in value.items()}
        return {key: item for key, item in kept.items() if item not in (None, "", [], {})}
    if isinstance(value, list):
        kept = [drop_empty(item) for item in value]
        return [item for item in kept if item not in (None, "", [], {})]
    return value


def fhir_date(value):
    return value or None


def instant(moment):
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


# --- the resources --------------------------------------------------------------------------------


def patient_resource(packet, answers):
    request = packet.appointment_request
    first = answers.get("first_name") or request.first_name
    last = answers.get("last_name") or request.last_name
    phone = answers.get("phone") or (request.phone.as_e164 if request.phone else "")
    emergency = {
        "name": {"text": answers.get("emergency_name")},
        "relationship": [{"text": answers.get("emergency_relationship")}],
        "telecom": [{"system": "phone", "value": answers.get("emergency_phone")}],
    }
    return Patient.model_validate(
        drop_empty(
            {
                "resourceType": "Patient",
                "id": resource_id(packet, "patient"),
                "name": [{"use": "official", "family": last, "given": [first], "text": f"{first} {last}".strip()}],
                "telecom": [
                    {"system": "phone", "value": phone, "use": "mobile"},
                    {"system": "email", "value": request.email},
                ],
                "gender": GENDERS.get(answers.get("sex")),
                "birthDate": fhir_date(answers.get("birth_date")),
                "address": [
                    {
                        "use": "home",
                        "line": [answers.get("address_line")],
                        "city": answers.get("city"),
                        "state": answers.get("state"),
                        "postalCode": answers.get("postal_code"),
                        "country": "US",
                    }
                ],
                "contact": [emergency] if drop_empty(emergency) else [],
                "communication": [
                    {
                        "language": {"coding": [{"system": "urn:ietf:bcp:47", "code": packet.language}]},
                        "preferred": True,
                    }
                ],
            }
        )
    )


def uses_insurance(answers):
    if answers.get("uses_insurance") == "self_pay":
        return False
    return bool(answers.get("insurance_carrier") or answers.get("member_id"))


def subscriber_resource(packet, answers):
    """The policy holder when it is not the patient, or None."""
    if answers.get("subscriber_relationship", "self") == "self" or not answers.get("subscriber_name"):
        return None
    relationship = {"spouse": "SPS", "parent": "PRN"}.get(answers["subscriber_relationship"], "O")
    return RelatedPerson.model_validate(
        drop_empty(
            {
                "resourceType": "RelatedPerson",
                "id": resource_id(packet, "subscriber"),
                "patient": reference_to(packet, "patient"),
                "name": [{"text": answers["subscriber_name"]}],
                "birthDate": fhir_date(answers.get("subscriber_birth_date")),
                "relationship": [
                    {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-RoleCode", "code": relationship}]}
                ],
            }
        )
    )


def coverage_resource(packet, answers, subscriber):
    relationship = RELATIONSHIPS.get(answers.get("subscriber_relationship") or "self", "other")
    return Coverage.model_validate(
        drop_empty(
            {
                "resourceType": "Coverage",
                "id": resource_id(packet, "coverage"),
                "status": "active",
                "beneficiary": reference_to(packet, "patient"),
                "payor": [{"display": answers.get("insurance_carrier") or "Insurance company not given"}],
                "subscriberId": answers.get("member_id"),
                "relationship": {"coding": [{"system": RELATIONSHIP_SYSTEM, "code": relationship}]},
                "subscriber": reference_to(packet, "subscriber") if subscriber else None,
                "class": [
                    {
                        "type": {"coding": [{"system": COVERAGE_CLASS_SYSTEM, "code": "group"}]},
                        "value": answers["group_number"],
                    }
                ]
                if answers.get("group_number")
                else [],
            }
        )
    )


def answer_values(question, value, images):
    """The FHIR answers (a list: a several-choices question has one per choice)."""
    kind = question.kind
    if kind == Kind.IMAGE:
        image = images.get(question.key)
        if image is None:
            return []
        return [
            {
                "valueAttachment": {
                    "contentType": "image/jpeg",
                    "url": reference_to(image.packet, f"image-{image.key}")["reference"],
                    "title": IMAGE_TITLES.get(image.key, question.text_en),
                    "size": image.size,
                }
            }
        ]
    if value in (None, "", []):
        return []
    if kind in (Kind.CHOICE, Kind.MULTIPLE):
        labels = {choice["code"]: choice["en"] for choice in question.choices}
        codes = value if kind == Kind.MULTIPLE else [value]
        system = questionnaire.code_system(question.key)
        return [{"valueCoding": {"system": system, "code": code, "display": labels.get(code)}} for code in codes]
    if kind == Kind.DATE:
        return [{"valueDate": value}]
    if kind == Kind.NUMBER:
        return [{"valueInteger": int(value)}]
    if kind == Kind.YES_NO:
        return [{"valueBoolean": value == "yes"}]
    if kind == Kind.CONSENT:
        return [{"valueBoolean": value is True}]
    return [{"valueString": str(value)}]


def questionnaire_response_resource(packet, answers, questions, images):
    groups = []
    for step in Step:
        items = []
        for question in (q for q in questions if q.step == step):
            values = answer_values(question, answers.get(question.key), images)
            if values:
                items.append({"linkId": question.key, "text": question.text_en, "answer": values})
        if step == Step.CONSENTS and answers.get("signature"):
            items.append(
                {
                    "linkId": questionnaire.SIGNATURE_KEY,
                    "text": questionnaire.SIGNATURE_TEXT[0],
                    "answer": [{"valueString": answers["signature"]}],
                }
            )
        if items:
            groups.append({"linkId": f"step-{step.value}", "text": str(step.label), "item": items})
    return QuestionnaireResponse.model_validate(
        drop_empty(
            {
                "resourceType": "QuestionnaireResponse",
                "id": resource_id(packet, "answers"),
                "questionnaire": questionnaire.canonical_with_version(questions),
                "status": "completed" if packet.status == packet.Status.COMPLETE else "in-progress",
                "subject": reference_to(packet, "patient"),
                "authored": instant(packet.submitted_at or packet.updated_at),
                "source": reference_to(packet, "patient"),
                "language": packet.language,
                "item": groups,
            }
        )
    )


def signed_text(packet, answers, consents):
    """What the patient agreed to and how they signed, as the Consent's source document."""
    lines = [f"{q.text_en}\n{q.help_en}".strip() for q in consents]
    lines.append(
        f"Signed by typing the full name {answers.get('signature', '')!r} "
        f"at {instant(packet.signed_at)} from {packet.signed_from or 'an unknown address'}; "
        f"texts agreed to: {packet.consent_versions or 'not recorded'}."
    )
    return "\n\n".join(lines)


def consent_resource(packet, answers, questions):
    consents = [q for q in questions if q.kind == Kind.CONSENT and answers.get(q.key) is True]
    if not consents:
        return None
    clinic = Clinic.objects.first()
    text = signed_text(packet, answers, consents).encode()
    return Consent.model_validate(
        drop_empty(
            {
                "resourceType": "Consent",
                "id": resource_id(packet, "consent"),
                "status": "active",
                "scope": {
                    "coding": [{"system": CONSENT_SCOPE_SYSTEM, "code": "treatment"}],
                    "text": "Privacy notice received, financial policy accepted, consent to treatment",
                },
                "category": [{"coding": [{"system": LOINC, "code": "59284-0", "display": "Patient Consent"}]}],
                "patient": reference_to(packet, "patient"),
                "dateTime": instant(packet.signed_at),
                "performer": [reference_to(packet, "patient")],
                "organization": [{"display": clinic.name}] if clinic else [],
                "sourceAttachment": {
                    "contentType": "text/plain; charset=utf-8",
                    "language": packet.language,
                    "data": base64.b64encode(text).decode(),
                    "title": f"Signed by {answers.get('signature', '')}".strip(),
                    "creation": instant(packet.signed_at),
                },
                "policyRule": {"text": f"Texts agreed to: {packet.consent_versions}"}
                if packet.consent_versions
                else None,
                "verification": [
                    {
                        "verified": True,
                        "verifiedWith": reference_to(packet, "patient"),
                        "verificationDate": instant(packet.signed_at),
                    }
                ],
                "provision": {
                    "type": "permit",
                    "provision": [
                        {"type": "permit", "code": [{"coding": [{"code": q.key}], "text": q.text_en}]} for q in consents
                    ],
                },
            }
        )
    )


def document_resource(packet, image, data):
    title = IMAGE_TITLES.get(image.key, image.key)
    return DocumentReference.model_validate(
        {
            "resourceType": "DocumentReference",
            "id": resource_id(packet, f"image-{image.key}"),
            "status": "current",
            "type": {"text": title},
            "description": title,
            "subject": reference_to(packet, "patient"),
            "date": instant(image.uploaded_at),
            "content": [
                {
                    "attachment": {
                        "contentType": "image/jpeg",
                        "data": base64.b64encode(data).decode(),
                        "title": f"{title}.jpg",
                        "size": len(data),
                        "hash": base64.b64encode(hashlib.sha1(data).digest()).decode(),  # noqa: S324 - FHIR's hash is SHA-1
                        "creation": instant(image.uploaded_at),
                    }
                }
            ],
        }
    )


def readable_images(packet):
    """(row, bytes) of each photo whose file is still there and opens with the keys."""
    for image in packet.images.all():
        try:
            yield image, files.read(image.file_name)
        except (FileNotFoundError, encryption.InvalidToken):
            continue


def bundle_for(packet):
    """The packet's Bundle (see the module docstring)."""
    answers = packet.read_answers()
    questions = questionnaire.asked()
    photos = list(readable_images(packet))
    images = {image.key: image for image, _data in photos}
    resources = [patient_resource(packet, answers)]
    if uses_insurance(answers):
        subscriber = subscriber_resource(packet, answers)
        resources += [coverage_resource(packet, answers, subscriber), subscriber]
    resources.append(questionnaire_response_resource(packet, answers, questions, images))
    resources.append(consent_resource(packet, answers, questions))
    resources += [document_resource(packet, image, data) for image, data in photos]
    return Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "id": resource_id(packet, "bundle"),
            "type": "collection",
            "identifier": {
                "system": f"{settings.SITE_URL.rstrip('/')}/fhir/packet",
                "value": packet.appointment_request.reference,
            },
            "timestamp": instant(timezone.now()),
            "entry": [
                {"fullUrl": f"urn:uuid:{resource.id}", "resource": resource}
                for resource in resources
                if resource is not None
            ],
        }
    )


def export_json(packet):
    return bundle_for(packet).model_dump_json(exclude_none=True)
