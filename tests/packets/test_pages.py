"""The patient's packet pages through the test client: the link lands where the patient stopped,
each step saves on Next and Back, required answers and sensible values are enforced, the
consents are signed, the review sends, and the pages stay private."""

import datetime
import re

import pytest
from django.core import mail

from appointments.models import Visit
from appointments.workflow import move_to
from notices.models import Notice
from packets.models import Packet, Question
from tests.conftest import run_worker
from tests.page import Page

from . import test_pages_fixtures as shared
from .test_pages_fixtures import STEP_ANSWERS, VISIT_AT, fill_packet, packet_path, post_step, step_path

# The shared fixtures, used here by name.
booked, clinic_clock, path = shared.booked, shared.clinic_clock, shared.path

pytestmark = pytest.mark.django_db


def visible_text(response):
    """The main content's text as read (tests.page.visible_text leaves out English, on purpose)."""
    return Page(response).one("main").text


def field(page, name, value=None):
    """The one input called `name` (with `value`, for a radio button or checkbox)."""
    (element,) = [
        element
        for element in page.all("input")
        if element.get("name") == name and (value is None or element.get("value") == value)
    ]
    return element


def packet_of(appointment_request):
    return Packet.objects.get(appointment_request=appointment_request)


def errors_on(response):
    return Page(response).texts("div", class_="invalid-feedback") + [
        element.text for element in Page(response).all(("span", "p"), class_="invalid-feedback")
    ]


# --- Opening the link ----------------------------------------------------------------------


def test_the_link_opens_step_one_with_its_number_and_name_and_the_requests_name_and_phone(client, path, booked):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == step_path(path, 1)
    page = client.get(response["Location"])
    assert page.status_code == 200
    text = visible_text(page)
    assert "Step 1 of 5" in text and Page(page).one("h1").text == "About you"
    html = Page(page)
    assert field(html, "first_name").get("value") == booked.first_name
    assert field(html, "last_name").get("value") == booked.last_name
    assert field(html, "phone").get("value") == "(915) 555-0123"
    assert not Packet.objects.exists(), "nothing is stored before the first save"


def test_every_packet_page_is_private_never_cached_nor_indexed(client, path):
    for response in (client.get(path), client.get(step_path(path, 1))):
        cache_control = response["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control and "public" not in cache_control
        assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in client.get(step_path(path, 1)).content.decode()


def test_the_page_cache_never_keeps_a_packet_page(client, path, page_cache):
    first = client.get(step_path(path, 1)).content.decode()
    post_step(client, path, 1)
    again = client.get(step_path(path, 1))
    assert "1961-04-17" in again.content.decode() and "1961-04-17" not in first


# --- Saving and resuming -------------------------------------------------------------------


def test_next_saves_the_step_and_the_same_link_later_resumes_at_the_next_step(client, path, booked):
    response = post_step(client, path, 1)
    assert response.status_code == 303 and response["Location"] == step_path(path, 2)
    packet = packet_of(booked)
    assert (packet.status, packet.step, packet.language) == ("in_progress", 1, "en")
    answers = packet.read_answers()
    assert answers["birth_date"] == "1961-04-17" and answers["sex"] == "female"
    assert answers["phone"] == "915-555-0123"
    # Another day, another browser: the same link lands on step 2, and step 1 shows the answers.
    later = client.__class__()
    assert later.get(path)["Location"] == step_path(path, 2)
    step_one = Page(later.get(step_path(path, 1)))
    assert field(step_one, "city").get("value") == "El Paso"
    assert field(step_one, "birth_date").get("value") == "1961-04-17"
    assert "checked" in field(step_one, "sex", "female").attributes


def test_answers_are_stored_as_typed_values(client, path, booked):
    fill_packet(client, path, up_to=3)
    answers = packet_of(booked).read_answers()
    assert answers["compression_months"] == 9 and answers["compression_hours"] == 8
    assert answers["symptoms"] == ["aching", "restless_legs"]
    assert answers["compression_stockings"] == "yes"
    assert "subscriber_name" not in answers, "an empty answer is not stored"


def test_the_answers_are_encrypted_in_the_database(client, path, booked):
    fill_packet(client, path)
    raw = bytes(Packet.objects.values_list("answers_encrypted", flat=True).get())
    for typed in ["Quintanilla", "Ocotillo", "BMH88412207", "Latex", "Ferrous", "1961-04-17", "restless_legs"]:
        assert typed.encode() not in raw
    assert packet_of(booked).read_answers()["allergies"] == "Latex makes me itch"


def test_back_saves_what_was_typed_without_asking_for_the_rest(client, path, booked):
    fill_packet(client, path, up_to=2)
    response = post_step(client, path, 3, move="back", symptoms=["swelling"], iron=None, anything_else="")
    assert response.status_code == 303 and response["Location"] == step_path(path, 2)
    answers = packet_of(booked).read_answers()
    assert answers["symptoms"] == ["swelling"] and "anything_else" not in answers


def test_back_does_not_lose_the_step_when_a_required_answer_is_missing(client, path, booked):
    post_step(client, path, 1)
    response = post_step(client, path, 2, move="back", uses_insurance=None, member_id="M-1")
    assert response.status_code == 303
    packet = packet_of(booked)
    assert packet.read_answers()["member_id"] == "M-1"
    assert packet.step == 1, "a step is complete only with its required answers"


def test_a_missing_required_answer_is_shown_and_the_valid_ones_are_kept(client, path, booked):
    response = post_step(client, path, 1, birth_date="", city="")
    assert response.status_code == 200
    text = visible_text(response)
    assert "Please check your answers" in text and "Please answer this question." in text
    assert [anchor.get("href") for anchor in Page(response).one("div", class_="error-summary").all("a")] == [
        "#id_birth_date",
        "#id_city",
    ]
    packet = packet_of(booked)
    assert packet.step == 0
    assert packet.read_answers()["address_line"] == "4711 Calle Ocotillo"
    # Later steps wait until this one is complete.
    assert client.get(step_path(path, 3))["Location"] == step_path(path, 1)
    assert client.get(step_path(path, 5))["Location"] == step_path(path, 1)


@pytest.mark.parametrize(
    ("birth_date", "message"),
    [
        ("2026-12-02", "Please enter a date from 1900 to today."),
        ("1899-12-31", "Please enter a date from 1900 to today."),
        ("31/31/1970", "Please enter a real date"),
    ],
)
def test_a_birth_date_must_be_a_real_day_in_the_past(client, path, booked, birth_date, message):
    response = post_step(client, path, 1, birth_date=birth_date)
    assert response.status_code == 200
    assert message in visible_text(response)
    assert "birth_date" not in packet_of(booked).read_answers()


@pytest.mark.parametrize(
    ("months", "message"), [("-1", "from 0 to 999"), ("100000", "from 0 to 999"), ("many", "whole")]
)
def test_numbers_are_whole_non_negative_and_bounded(client, path, booked, months, message):
    fill_packet(client, path, up_to=2)
    response = post_step(client, path, 3, compression_months=months)
    assert response.status_code == 200
    assert message in visible_text(response)
    assert packet_of(booked).read_answers()["compression_hours"] == 8


def test_a_forged_choice_is_refused(client, path, booked):
    response = post_step(client, path, 1, sex="martian")
    assert response.status_code == 200
    assert "Please choose one of the answers shown." in visible_text(response)


def test_step_two_starts_from_the_requests_insurance_answer(client, path, booked):
    booked.insurance = "self_pay"
    booked.save()
    post_step(client, path, 1)
    page = Page(client.get(step_path(path, 2)))
    assert "checked" in field(page, "uses_insurance", "self_pay").attributes
    assert page.one("form", class_="packet-form").get("enctype") == "multipart/form-data"
    accept = {field.get("accept") for field in page.all("input", type="file")}
    assert accept == {"image/jpeg,image/png,image/heic,image/heif"}


def test_inactive_questions_are_not_asked(client, path):
    Question.objects.filter(key="emergency_relationship").update(active=False)
    page = Page(client.get(step_path(path, 1)))
    assert not [element for element in page.all("input") if element.get("name") == "emergency_relationship"]


def test_a_new_required_question_is_asked_before_sending(client, path, booked):
    fill_packet(client, path)
    Question.objects.create(key="height", step=3, kind="number", required=True, text_en="Height", text_es="Altura")
    response = client.post(step_path(path, 5), {"move": "send"})
    assert response.status_code == 400
    assert "Some answers are still needed" in visible_text(response)
    assert Page(response).one("div", class_="error-summary").one("a").get("href") == step_path(path, 3)
    assert packet_of(booked).status == "in_progress"


# --- The consents and the signature ------------------------------------------------------


def test_the_consents_step_links_the_privacy_notice_and_asks_for_a_typed_name(client, path):
    fill_packet(client, path, up_to=3)
    page = Page(client.get(step_path(path, 4)))
    links = [anchor.get("href") for anchor in page.one("form", class_="packet-form").all("a")]
    assert "/notices/privacy-practices/" in links
    consent = field(page, "consent_privacy")
    assert consent.get("type") == "checkbox"
    label = page.one("label", for_="id_consent_privacy")
    assert "I have received the practice's Notice of Privacy Practices." in label.text
    assert "It says how we use and protect your health information." in page.text
    assert page.one("label", for_="id_signature").text.startswith("Type your full name to sign")


def test_signing_records_the_name_time_address_and_texts_agreed_to(client, path, booked, clinic_clock):
    fill_packet(client, path, up_to=3)
    response = client.post(step_path(path, 4), {**STEP_ANSWERS[4], "move": "next"}, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 303
    packet = packet_of(booked)
    assert packet.read_answers()["signature"] == "Zuleima Quintanilla"
    assert packet.signed_at == datetime.datetime(2026, 12, 1, 16, 0, tzinfo=datetime.UTC)
    assert packet.signed_from == "198.51.100.7"
    version = Notice.objects.get(kind="privacy-practices").current_version.number
    parts = packet.consent_versions.split()
    assert parts[0] == f"privacy-practices:v{version}"
    assert [part.split(":")[0] for part in parts[1:]] == ["consent_privacy", "consent_financial", "consent_treatment"]
    assert all(re.fullmatch(r"[0-9a-f]{12}", part.split(":")[1]) for part in parts[1:])


def test_a_changed_consent_text_has_another_version(client, path, booked):
    fill_packet(client, path)
    before = packet_of(booked).consent_versions
    Question.objects.filter(key="consent_financial").update(help_en="Payment is due at the visit.")
    post_step(client, path, 4)
    after = packet_of(booked).consent_versions
    changed = [old for old, new in zip(before.split(), after.split(), strict=True) if old != new]
    assert [part.split(":")[0] for part in changed] == ["consent_financial"]


def test_every_consent_and_the_name_are_needed(client, path, booked):
    fill_packet(client, path, up_to=3)
    response = post_step(client, path, 4, consent_treatment=None, signature="")
    assert response.status_code == 200
    text = visible_text(response)
    assert "Please tick this box to agree" in text and "Please type your full name to sign." in text
    packet = packet_of(booked)
    assert packet.signed_at is None and "signature" not in packet.read_answers() and packet.step == 3


def test_taking_a_consent_back_takes_the_signature_with_it(client, path, booked):
    fill_packet(client, path)
    post_step(client, path, 4, move="back", consent_financial=None)
    packet = packet_of(booked)
    assert (packet.signed_at, packet.signed_from, packet.consent_versions) == (None, None, "")
    assert "signature" not in packet.read_answers()
    assert client.get(step_path(path, 5)).status_code == 200
    assert "Not signed yet" in visible_text(client.get(step_path(path, 5)))


# --- Review and send -------------------------------------------------------------------------


def test_the_review_lists_every_answer_with_an_edit_link_per_step(client, path):
    fill_packet(client, path)
    response = client.get(step_path(path, 5))
    assert response.status_code == 200
    text = visible_text(response)
    assert "Step 5 of 5" in text and "Review and send" in text
    for shown in [
        "April 17, 1961",
        "Female",
        "4711 Calle Ocotillo",
        "Blue Mesa Health",
        "Mine",
        "Aching or pain, An urge to move my legs at night",
        "1 to 5 years",
        "Does not apply to me",
        "Agreed",
        "Zuleima Quintanilla",
        "No photo",
    ]:
        assert shown in text, shown
    edit_links = [anchor.get("href") for anchor in Page(response).all("a") if anchor.text.startswith("Edit")]
    assert edit_links == [step_path(path, number) for number in (1, 2, 3, 4)]
    assert Page(response).one("button", value="send").text == "Send"


def test_sending_completes_the_packet_and_the_link_then_only_says_it_arrived(
    client, path, booked, django_capture_on_commit_callbacks
):
    fill_packet(client, path)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(step_path(path, 5), {"move": "send"})
    assert response.status_code == 303 and response["Location"] == path
    packet = packet_of(booked)
    assert packet.status == "complete" and packet.submitted_at is not None
    page = client.get(path)
    assert page.status_code == 200
    text = visible_text(page)
    assert "Thank you: your forms have arrived" in text
    assert "Thursday, December 3, 2026" in text and "10:00 AM" in text and "Medical Center Drive" in text
    assert "915-260-4598" in text
    for answer in ["Ocotillo", "BMH88412207", "Latex", "Zuleima"]:
        assert answer not in page.content.decode()
    # Every step now leads to the receipt; a late post changes nothing.
    assert client.get(step_path(path, 1))["Location"] == path
    assert post_step(client, path, 1, city="Anthony")["Location"] == path
    assert packet_of(booked).read_answers()["city"] == "El Paso"


def test_the_receipt_email_names_the_visit_and_carries_no_answer(
    client, path, booked, django_capture_on_commit_callbacks
):
    fill_packet(client, path)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(step_path(path, 5), {"move": "send"})
    mail.outbox.clear()
    run_worker()
    (receipt,) = [message for message in mail.outbox if message.to == [booked.email]]
    assert receipt.subject == "Your forms have arrived: Desert West Vein & Surgery Center"
    assert "Thursday, December 3, 2026" in receipt.body and "10:00 AM" in receipt.body
    assert "Medical Center Drive" in receipt.body and "915-260-4598" in receipt.body
    typed_answers = ["Zuleima", "Quintanilla", "1961", "Ocotillo", "79912", "Blue Mesa", "BMH88412207", "Latex"]
    for typed in typed_answers:
        assert typed not in receipt.body and typed not in receipt.subject, typed


def test_the_receipt_is_in_the_callback_language(client, medical_center, django_capture_on_commit_callbacks):
    from tests.factories import make_request

    request = make_request(medical_center, status="contacted", callback_language="es")
    move_to(request, "scheduled", by=None, visit=Visit(VISIT_AT, medical_center))
    path = packet_path(request)
    fill_packet(client, path)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(step_path(path, 5), {"move": "send"})
    mail.outbox.clear()
    run_worker()
    (receipt,) = mail.outbox
    assert receipt.subject.startswith("Sus formularios llegaron")
    assert "jueves 3 de diciembre de 2026" in receipt.body


def test_no_receipt_without_an_email_address(client, medical_center, django_capture_on_commit_callbacks):
    from tests.factories import make_request

    request = make_request(medical_center, status="contacted", email="", contact_method="phone")
    move_to(request, "scheduled", by=None, visit=Visit(VISIT_AT, medical_center))
    path = packet_path(request)
    fill_packet(client, path)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(step_path(path, 5), {"move": "send"})
    assert callbacks == []
    assert packet_of(request).status == "complete"


# --- Links that cannot be used, and nothing shown without the link ----------------------


def test_an_unknown_or_mangled_link_gets_a_friendly_400_with_the_phones(client):
    unknown = "/appointments/prepare/" + "A" * 43 + "/"
    for wrong in [unknown, "/appointments/prepare/nope/", "/appointments/prepare/x/2/"]:
        response = client.get(wrong)
        assert response.status_code == 400, wrong
        assert "This link cannot be used" in visible_text(response)
        assert "915-260-4598" in visible_text(response)
        assert "no-store" in response["Cache-Control"]


def test_the_link_stops_working_when_the_visit_ends(client, path, clinic_clock):
    post_step(client, path, 1)
    clinic_clock.move_to(VISIT_AT + datetime.timedelta(minutes=59))
    assert client.get(step_path(path, 2)).status_code == 200
    clinic_clock.move_to(VISIT_AT + datetime.timedelta(minutes=60))
    for response in (client.get(path), client.get(step_path(path, 1)), post_step(client, path, 2)):
        assert response.status_code == 410
        assert "This link has expired" in visible_text(response)
        assert "Ocotillo" not in response.content.decode()


def test_a_cancelled_visit_closes_the_link(client, path, booked):
    post_step(client, path, 1)
    move_to(booked, "cancelled", by=None)
    response = client.get(path)
    assert response.status_code == 410
    assert "This appointment was cancelled." in visible_text(response)


def test_a_moved_visit_keeps_the_link_working_until_the_new_end(client, path, booked, medical_center, clinic_clock):
    later = datetime.datetime(2026, 12, 4, 9, 0, tzinfo=VISIT_AT.tzinfo)
    move_to(booked, "scheduled", by=None, visit=Visit(later, medical_center), correction=True)
    clinic_clock.move_to(VISIT_AT + datetime.timedelta(hours=3))
    assert client.get(step_path(path, 1)).status_code == 200


def test_a_sent_packet_cannot_be_reopened_after_the_visit(client, path, clinic_clock):
    fill_packet(client, path)
    client.post(step_path(path, 5), {"move": "send"})
    clinic_clock.move_to(VISIT_AT + datetime.timedelta(days=1))
    assert client.get(path).status_code == 410


def test_refused_links_count_towards_the_rate_limit(client, settings):
    settings.APPOINTMENT_RATE_LIMIT = "3/h"
    statuses = [client.get("/appointments/prepare/" + "B" * 43 + "/").status_code for _ in range(4)]
    assert statuses == [400, 400, 400, 429]


def test_working_links_are_not_slowed_by_the_limit(client, path, settings):
    settings.APPOINTMENT_RATE_LIMIT = "2/h"
    fill_packet(client, path)
    assert client.get(step_path(path, 5)).status_code == 200


def test_another_patients_link_never_shows_these_answers(client, path, medical_center):
    from tests.factories import make_request

    fill_packet(client, path)
    other = make_request(medical_center, status="contacted", first_name="Berta", last_name="Ochoa")
    move_to(other, "scheduled", by=None, visit=Visit(VISIT_AT + datetime.timedelta(hours=1), medical_center))
    other_path = packet_path(other)
    page = client.get(client.get(other_path)["Location"]).content.decode()
    assert "Berta" in page
    for answer in ["Ocotillo", "1961-04-17", "Quintanilla"]:
        assert answer not in page
    assert client.get(step_path(other_path, 5))["Location"] == step_path(other_path, 1)


def test_posting_needs_the_pages_csrf_token(csrf_client, path, booked):
    response = csrf_client.post(step_path(path, 1), {**STEP_ANSWERS[1], "move": "next"})
    assert response.status_code == 403
    assert not Packet.objects.exists()


def test_nothing_the_patient_typed_is_ever_in_a_url(client, path):
    responses = [post_step(client, path, number) for number in (1, 2, 3, 4)]
    locations = " ".join(response["Location"] for response in responses)
    for answers in STEP_ANSWERS.values():
        for value in answers.values():
            if isinstance(value, str) and len(value) > 3:
                assert value not in locations


def test_back_from_the_first_step_stays_on_it(client, path):
    assert post_step(client, path, 1, move="back")["Location"] == step_path(path, 1)


def test_a_step_that_does_not_exist_is_404(client, path):
    assert client.get(step_path(path, 6)).status_code == 404
    assert client.get(step_path(path, 0)).status_code == 404


# --- Spanish ---------------------------------------------------------------------------------


def test_the_spanish_link_asks_every_question_in_spanish(client, booked):
    booked.callback_language = "es"
    booked.save()
    path = packet_path(booked)
    assert path.startswith("/es/appointments/prepare/")
    page = client.get(client.get(path)["Location"])
    text = visible_text(page)
    assert "Paso 1 de 5" in text and Page(page).one("h1").text == "Sus datos"
    for spanish in ["Fecha de nacimiento", "Sexo como aparece en su tarjeta de seguro", "Femenino", "Guardar y"]:
        assert spanish in text
    assert Page(page).one("html").get("lang") == "es"
    response = post_step(client, path, 1, birth_date="")
    assert "Por favor, responda esta pregunta." in visible_text(response)
    assert packet_of(booked).language == "es"


def test_the_spanish_review_and_receipt_page(client, booked, django_capture_on_commit_callbacks):
    booked.callback_language = "es"
    booked.save()
    path = packet_path(booked)
    fill_packet(client, path)
    text = visible_text(client.get(step_path(path, 5)))
    shown = ["Paso 5 de 5", "Revisar y enviar", "17 de abril de 1961", "Femenino", "Aceptado", "Sin foto", "Enviar"]
    for spanish in shown:
        assert spanish in text, spanish
    client.post(step_path(path, 5), {"move": "send"})
    text = visible_text(client.get(path))
    assert "Gracias: sus formularios llegaron" in text and "jueves 3 de diciembre de 2026" in text


def test_the_same_link_in_english_shows_english(client, booked):
    booked.callback_language = "es"
    booked.save()
    path = packet_path(booked).removeprefix("/es")
    text = visible_text(client.get(client.get(path)["Location"]))
    assert "Step 1 of 5" in text and "Date of birth" in text
