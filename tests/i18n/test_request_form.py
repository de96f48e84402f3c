"""A Spanish-speaking patient asks for an appointment without meeting a word of English: the
form, its errors, the confirmation and the e-mail receipt; the front desk sees the language."""

import re

import pytest
from django.core import mail
from django.utils import translation

from appointments.models import AppointmentRequest
from appointments.notifications import send_notifications
from tests.conftest import clinic_time, travel_to
from tests.factories import form_data, make_request
from tests.page import label_texts

from .visible_text import english_ui_strings

pytestmark = pytest.mark.django_db

FORM_URL = "/es/appointments/request/"
RECEIVED_URL = "/es/appointments/request/received/"
# Labels as a patient reads them (the legend of each group of choices included).
SPANISH_LABELS = [
    "Nombre",
    "Apellido",
    "Teléfono",
    "Correo electrónico",
    "Consultorio",
    "Fecha preferida",
    "Horario preferido",
    "Paciente nuevo o que ya ha venido antes",
    "Motivo de la consulta",
    "Mensaje",
    "¿Cómo prefiere que nos comuniquemos con usted?",
    "Idioma en que prefiere que le llamemos",
    "Acepto que se comuniquen conmigo sobre esta solicitud",
]
SPANISH_CHOICES = ["Por la mañana", "Por la tarde", "A cualquier hora", "Paciente nuevo", "Piernas inquietas"]


@pytest.fixture(autouse=True)
def tuesday_morning():
    """Tuesday, December 1, 2026, 9:00 in El Paso: Thursday the 3rd is two days away."""
    with travel_to(clinic_time(2026, 12, 1, 9)):
        yield


def error_summary(html):
    block = re.search(r'<div class="alert alert-danger error-summary".*?</div>', html, re.S).group(0)
    return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)</li>", block, re.S)]


SPANISH_PATIENT = {
    "first_name": "Guadalupe",
    "last_name": "Ornelas",
    "phone": "+52 656 123 4567",
    "email": "guadalupe.o@example.com",
    "patient_kind": "returning",
    "message": "",
}


def spanish_request(office, **overrides):
    return form_data(office, **{**SPANISH_PATIENT, **overrides})


def test_the_spanish_form_asks_every_question_in_spanish(client):
    html = client.get(FORM_URL).content.decode()
    labels = label_texts(html)
    for label in SPANISH_LABELS + SPANISH_CHOICES:
        assert label in labels, label
    assert '<button type="submit" class="btn btn-primary btn-lg">Solicitar una cita</button>' in html
    assert english_ui_strings(html) == []


def test_missing_answers_are_explained_in_spanish_beside_the_fields_and_at_the_top(client):
    response = client.post(FORM_URL, {"website": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Solicitar una cita · " in html
    assert "Por favor, revise sus respuestas" in html
    summary = error_summary(html)
    for message in [
        "Por favor, escriba su nombre.",
        "Por favor, escriba su apellido.",
        "Por favor, escriba un número de teléfono al que podamos llamarle.",
        "Por favor, elija un consultorio.",
        "Por favor, escriba la fecha que prefiere.",
        "Por favor, elija el motivo de su consulta.",
        "Por favor, marque esta casilla para que podamos comunicarnos con usted sobre su solicitud.",
    ]:
        assert message in summary, message
        assert html.count(message) == 2, message  # once at the top, once beside its field
    assert english_ui_strings(html) == []


def test_wrong_answers_are_explained_in_spanish_with_spanish_dates_and_times(client, medical_center, dean_martin):
    html = client.post(
        FORM_URL, spanish_request(dean_martin, preferred_time="morning", phone="12", email="no-es-correo")
    ).content.decode()
    summary = error_summary(html)
    assert (
        "El jueves 3 de diciembre de 2026, el consultorio Dean Martin solo atiende en este horario: "
        "1:00 p. m. - 5:00 p. m.; por favor, elija “Por la tarde” o “A cualquier hora”, u otro día."
    ) in summary
    assert (
        "Por favor, escriba un número de teléfono válido, por ejemplo, 915-555-0123. "
        "Si es un número de México, empiece con +52."
    ) in summary
    assert "Por favor, escriba un correo electrónico válido, por ejemplo, nombre@example.com." in summary

    html = client.post(FORM_URL, spanish_request(medical_center, preferred_date="2026-12-05")).content.decode()
    assert (
        "El consultorio Medical Center Drive está cerrado el sábado 5 de diciembre de 2026. Por favor, elija otro día."
    ) in error_summary(html)
    html = client.post(FORM_URL, spanish_request(medical_center, preferred_date="2027-06-01")).content.decode()
    assert (
        "Por favor, elija una fecha dentro de los próximos 90 días, a más tardar el lunes 1 de marzo de 2027."
    ) in error_summary(html)


def test_a_date_typed_the_spanish_way_is_read_day_first(client, dean_martin):
    # Without a date picker the patient types the date; the Spanish error message's example
    # (15/12/2026) is day first, and so is what the Spanish form accepts.
    assert client.post(FORM_URL, spanish_request(dean_martin, preferred_date="03/12/2026")).status_code == 303
    assert str(AppointmentRequest.objects.get().preferred_date) == "2026-12-03"


def test_a_spanish_request_is_confirmed_in_spanish_and_stored_with_its_language(
    client, dean_martin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(FORM_URL, spanish_request(dean_martin))
    assert response.status_code == 303
    assert response["Location"] == RECEIVED_URL
    stored = AppointmentRequest.objects.get()
    assert stored.language == "es"
    assert stored.callback_language == "es"

    html = client.get(RECEIVED_URL).content.decode()
    assert '<html lang="es">' in html
    assert "Recibimos su solicitud" in html
    assert "Nuestra recepción le llamará para programar su cita." in html
    assert "<dd>jueves 3 de diciembre de 2026</dd>" in html
    assert stored.display_reference in html
    assert english_ui_strings(html) == []


def test_the_receipt_e_mail_of_a_spanish_request_is_spanish(client, dean_martin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(FORM_URL, spanish_request(dean_martin))
    stored = AppointmentRequest.objects.get()
    [receipt] = [message for message in mail.outbox if message.to == ["guadalupe.o@example.com"]]
    assert receipt.subject == f"Recibimos su solicitud de cita {stored.display_reference}"
    assert receipt.body.startswith("Gracias: recibimos su solicitud de cita.")
    assert f"Número de referencia: {stored.display_reference}" in receipt.body
    assert "Consultorio: Dean Martin" in receipt.body
    assert "Nuestra recepción le llamará para programar su cita." in receipt.body
    assert "¿Tiene preguntas? Llame al consultorio al 915-260-4633 y mencione su número de referencia." in receipt.body
    assert english_ui_strings(f'<html lang="es"><body><pre>{receipt.body}</pre></body></html>') == []


def test_a_receipt_sent_later_is_in_the_patients_language_not_the_senders(dean_martin):
    # The retry command runs with no request and English active; the patient still reads Spanish.
    stored = make_request(
        dean_martin,
        **{**SPANISH_PATIENT, "phone": "+526561234567", "contact_method": "email", "language": "es"},
    )
    with translation.override("en"):
        send_notifications(stored.pk)
    [receipt] = [message for message in mail.outbox if message.to == ["guadalupe.o@example.com"]]
    assert receipt.subject.startswith("Recibimos su solicitud de cita")
    assert "Nuestra recepción le enviará un correo electrónico para programar su cita." in receipt.body
    # The front desk's notice stays in English.
    [staff_notice] = [message for message in mail.outbox if message.to != ["guadalupe.o@example.com"]]
    assert staff_notice.subject.startswith("New appointment request")


def test_an_english_request_gets_an_english_receipt(client, dean_martin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/appointments/request/", spanish_request(dean_martin, callback_language="en"))
    assert AppointmentRequest.objects.get().language == "en"
    [receipt] = [message for message in mail.outbox if message.to == ["guadalupe.o@example.com"]]
    assert receipt.body.startswith("Thank you: we received your appointment request.")
