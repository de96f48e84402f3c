"""The FHIR export: a Bundle fhir.resources validates and parses back with every answer in it,
and the Questionnaire the site serves, which its QuestionnaireResponse names."""

import json

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire

from packets import fhir, files, questionnaire
from packets.models import Question

from .staff_packets import ANSWERS, answers_in, assert_every_answer_in, booked_request, make_packet

pytestmark = pytest.mark.django_db


@pytest.fixture
def packet(medical_center):
    return make_packet(booked_request(medical_center))


def resources_of(bundle, kind):
    return [entry.resource for entry in bundle.entry if entry.resource.get_resource_type() == kind]


def test_the_export_parses_back_with_every_answer(packet):
    bundle = Bundle.model_validate_json(fhir.export_json(packet))
    assert bundle.type == "collection"
    response = assert_every_answer_in(bundle)
    assert response.status == "completed"


def test_the_response_names_the_served_questionnaire_with_its_version(packet, client):
    [response] = resources_of(Bundle.model_validate_json(fhir.export_json(packet)), "QuestionnaireResponse")
    served = client.get("/fhir/Questionnaire/pre-visit")
    assert served.status_code == 200
    assert served["Content-Type"] == "application/fhir+json"
    definition = Questionnaire.model_validate_json(served.content)
    assert response.questionnaire == f"{definition.url}|{definition.version}"
    assert definition.url == "http://testserver/fhir/Questionnaire/pre-visit" or definition.url.endswith(
        "/fhir/Questionnaire/pre-visit"
    )


def test_the_questionnaire_holds_every_question_asked_with_its_spanish_text(client):
    definition = json.loads(client.get("/fhir/Questionnaire/pre-visit").content)
    items = {item["linkId"]: item for group in definition["item"] for item in group["item"]}
    assert set(items) == {*Question.objects.filter(active=True).values_list("key", flat=True), "signature"}
    assert items["symptoms"]["repeats"] is True
    assert items["card_front"]["type"] == "attachment"
    spanish = items["birth_date"]["_text"]["extension"][0]["extension"][1]["valueString"]
    assert spanish == "Fecha de nacimiento"


def test_editing_a_question_gives_the_questionnaire_a_new_version():
    before = questionnaire.build().version
    Question.objects.filter(key="allergies").update(text_en="Allergies of any kind")
    assert questionnaire.build().version != before
    assert questionnaire.build().version == questionnaire.build().version


def test_patient_coverage_and_consent_carry_the_packet(packet):
    bundle = Bundle.model_validate_json(fhir.export_json(packet))
    [patient] = resources_of(bundle, "Patient")
    assert patient.name[0].family == "Quintanilla" and patient.name[0].given == ["Zuleima"]
    assert str(patient.birthDate) == "1971-04-09" and patient.gender == "female"
    assert patient.address[0].city == "El Paso" and patient.address[0].postalCode == "79905"
    assert patient.contact[0].name.text == "Ofelia Quintanilla"
    [coverage] = resources_of(bundle, "Coverage")
    assert coverage.status == "active"
    assert coverage.payor[0].display == "Blue Mesa Health"
    assert coverage.subscriberId == "BMH77881234"
    assert coverage.class_fhir[0].value == "GRP-5521"
    assert coverage.relationship.coding[0].code == "spouse"
    [subscriber] = resources_of(bundle, "RelatedPerson")
    assert coverage.subscriber.reference == f"urn:uuid:{subscriber.id}"
    assert subscriber.name[0].text == "Rogelio Quintanilla"
    [consent] = resources_of(bundle, "Consent")
    assert consent.status == "active"
    assert [p.code[0].coding[0].code for p in consent.provision.provision] == [
        "consent_privacy",
        "consent_financial",
        "consent_treatment",
    ]
    signed = consent.sourceAttachment.data.decode()  # fhir.resources decodes base64Binary
    assert "'Zuleima Quintanilla'" in signed and "203.0.113.7" in signed and "privacy-practices v2" in signed
    assert consent.dateTime == packet.signed_at.replace(microsecond=0)


def test_a_parents_insurance_makes_the_patient_the_subscribers_child(medical_center):
    packet = make_packet(booked_request(medical_center), {**ANSWERS, "subscriber_relationship": "parent"}, images=[])
    [coverage] = resources_of(Bundle.model_validate_json(fhir.export_json(packet)), "Coverage")
    assert coverage.relationship.coding[0].code == "child"


def test_own_insurance_has_no_subscriber_and_self_pay_no_coverage(medical_center):
    own = {**ANSWERS, "subscriber_relationship": "self", "subscriber_name": "", "subscriber_birth_date": ""}
    packet = make_packet(booked_request(medical_center), own, images=[])
    bundle = Bundle.model_validate_json(fhir.export_json(packet))
    [coverage] = resources_of(bundle, "Coverage")
    assert coverage.relationship.coding[0].code == "self" and coverage.subscriber is None
    assert not resources_of(bundle, "RelatedPerson")

    self_pay = {key: value for key, value in ANSWERS.items() if key not in ("insurance_carrier", "member_id")}
    other = make_packet(booked_request(medical_center), {**self_pay, "uses_insurance": "self_pay"}, images=[])
    assert not resources_of(Bundle.model_validate_json(fhir.export_json(other)), "Coverage")


def test_each_photo_is_a_document_reference_holding_the_jpeg(packet):
    bundle = Bundle.model_validate_json(fhir.export_json(packet))
    documents = resources_of(bundle, "DocumentReference")
    assert sorted(document.description for document in documents) == [
        "Insurance card, back",
        "Insurance card, front",
        "Photo ID",
    ]
    stored = {image.key: files.read(image.file_name) for image in packet.images.all()}
    for document in documents:
        attachment = document.content[0].attachment
        assert attachment.contentType == "image/jpeg"
        assert attachment.data in stored.values()  # decoded from base64 by fhir.resources


def test_two_downloads_carry_the_same_ids(packet):
    first, second = (Bundle.model_validate_json(fhir.export_json(packet)) for _ in range(2))
    assert [entry.fullUrl for entry in first.entry] == [entry.fullUrl for entry in second.entry]
    assert first.identifier.value == packet.appointment_request.reference


def test_a_photo_whose_file_is_gone_is_left_out_not_an_error(packet):
    gone = packet.images.get(key="card_back")
    files.remove(gone.file_name)
    bundle = Bundle.model_validate_json(fhir.export_json(packet))
    assert len(resources_of(bundle, "DocumentReference")) == 2
    [response] = resources_of(bundle, "QuestionnaireResponse")
    assert "card_back" not in answers_in(response.item)
