"""The pre-visit packet on a 390 px phone, in Chromium: the whole packet filled in English, in
Spanish, and once with JavaScript off; a real photo (1600 x 1200, with EXIF) uploaded; the page
closed after step 2 and the same link opened later, landing on step 3 with the answers kept;
then sent. axe finds no WCAG A/AA violation on any step (axe needs JavaScript, so not in the run
without it). The pages' HTML is checked by tests/packets/test_pages_html.py. In the English run the
front desk then opens what the patient sent and downloads it as FHIR, which fhir.resources parses
back with every answer the browser typed."""

import datetime
import io
import re

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from fhir.resources.R4B.bundle import Bundle
from PIL import Image
from playwright.sync_api import expect

from appointments.models import Visit
from appointments.workflow import move_to
from locations.models import Location
from packets import files, links
from packets.models import Packet, PacketImage, Question
from tests.appointments.conftest import make_request
from tests.conftest import run_worker
from tests.factories import PASSWORD, StaffFactory
from tests.packets.staff_packets import assert_every_answer_in

from .axe_check import accessibility_violations
from .conftest import PHONE
from .staff_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TEXTS = {
    "en": {
        "progress": "Step {} of 5",
        "steps": ["About you", "Insurance", "Your legs and your health", "Consents", "Review and send"],
        "received": "Photo received.",
        "sent": "Thank you: your forms have arrived",
        "subject": "Your forms have arrived",
        "female": "Female",
    },
    "es": {
        "progress": "Paso {} de 5",
        "steps": ["Sus datos", "Seguro médico", "Sus piernas y su salud", "Consentimientos", "Revisar y enviar"],
        "received": "Foto recibida.",
        "sent": "Gracias: sus formularios llegaron",
        "subject": "Sus formularios llegaron",
        "female": "Femenino",
    },
}


def weekday_after(days):
    day = timezone.localdate() + datetime.timedelta(days=days)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def booked_visit(language):
    office = Location.objects.get(slug="medical-center-drive")
    request = make_request(office, status="contacted", callback_language=language, insurance="yes")
    move_to(request, "scheduled", by=None, visit=Visit.at_clinic_time(weekday_after(7), datetime.time(10), office))
    return request, links.link_for(request).removeprefix("http://testserver")


def phone_photo(tmp_path):
    """A phone photo as a camera writes it: 1600 x 1200 JPEG with its maker, model and GPS in EXIF."""
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "PhoneMaker", "Pocket 12"
    exif[0x8825] = {1: "N", 2: (31.0, 46.0, 30.0), 3: "W", 4: (106.0, 26.0, 50.0)}
    image = Image.radial_gradient("L").resize((1600, 1200)).convert("RGB")
    path = tmp_path / "IMG_2041.jpg"
    image.save(path, "JPEG", quality=92, exif=exif.tobytes())
    return path


class PacketRun:
    """One patient filling the packet; collects what axe finds on each page."""

    def __init__(self, page, language, check_axe):
        self.page, self.language, self.check_axe = page, language, check_axe
        self.texts = TEXTS[language]
        self.found = {}

    def on_step(self, number):
        page = self.page
        expect(page).to_have_url(re.compile(rf"/{number}/$"))
        expect(page.locator(".packet-progress")).to_contain_text(self.texts["progress"].format(number))
        expect(page.get_by_role("heading", level=1)).to_have_text(self.texts["steps"][number - 1])
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "scrolls sideways"
        self.axe(f"step {number}")

    def axe(self, label):
        if self.check_axe and (violations := accessibility_violations(self.page)):
            self.found[label] = violations

    def field(self, key):
        return self.page.locator(f'[name="{key}"]')

    def choose(self, key, value):
        self.page.locator(f'input[name="{key}"][value="{value}"]').check()

    def next(self):
        self.page.locator('button[value="next"]').click()
        self.page.wait_for_load_state()

    def fill_step_one(self):
        # The name and phone from the request, to confirm or correct.
        expect(self.field("first_name")).to_have_value("Zuleima")
        expect(self.field("phone")).to_have_value("(915) 555-0123")
        self.field("last_name").fill("Quintanilla Ruiz")
        self.field("birth_date").fill("1961-04-17")
        self.page.get_by_label(self.texts["female"], exact=True).check()
        self.field("address_line").fill("4711 Calle Ocotillo")
        self.field("city").fill("El Paso")
        self.field("state").fill("TX")
        self.field("postal_code").fill("79912")
        self.field("emergency_name").fill("Xochitl Quintanilla")
        self.field("emergency_phone").fill("915-555-0199")
        self.next()

    def fill_step_two(self, photo):
        expect(self.page.locator('input[name="uses_insurance"][value="yes"]')).to_be_checked()
        self.field("insurance_carrier").fill("Blue Mesa Health")
        self.field("member_id").fill("BMH88412207")
        self.choose("subscriber_relationship", "self")
        self.field("card_front").set_input_files(photo)
        self.next()

    def fill_step_three(self):
        for code in ("aching", "restless_legs"):
            self.choose("symptoms", code)
        self.choose("symptoms_since", "1_to_5_years")
        self.choose("compression_stockings", "yes")
        self.field("compression_months").fill("4")
        self.field("compression_hours").fill("8")
        self.choose("blood_clots", "no")
        self.field("allergies").fill("Latex")
        self.next()

    def fill_step_four(self):
        notice = self.page.get_by_role("main").locator('a[href*="/notices/privacy-practices/"]')
        expect(notice).to_have_count(1)
        for key in ("consent_privacy", "consent_financial", "consent_treatment"):
            self.field(key).check()
        self.field("signature").fill("Zuleima Quintanilla Ruiz")
        self.next()


@pytest.mark.parametrize(
    ("language", "javascript"), [("en", True), ("es", True), ("en", False)], ids=["english", "spanish", "no-javascript"]
)
def test_a_patient_fills_the_packet_on_a_phone_stops_comes_back_and_sends_it(new_page, tmp_path, language, javascript):
    request, link = booked_visit(language)
    photo = phone_photo(tmp_path)
    run = PacketRun(new_page(viewport=PHONE, java_script_enabled=javascript), language, check_axe=javascript)
    run.page.goto(link)
    run.on_step(1)
    run.fill_step_one()
    run.on_step(2)
    run.fill_step_two(photo)
    run.on_step(3)

    # The patient closes the phone's tab; later, the same link from the e-mail.
    run.page.context.close()
    run.page = new_page(viewport=PHONE, java_script_enabled=javascript)
    run.page.goto(link)
    run.on_step(3)
    run.page.locator('button[value="back"]').click()
    run.page.wait_for_load_state()
    run.on_step(2)
    expect(run.field("member_id")).to_have_value("BMH88412207")
    expect(run.page.locator("#div_id_card_front")).to_contain_text(run.texts["received"])
    assert run.page.locator("main img").count() == 0
    run.next()
    run.on_step(3)
    run.fill_step_three()
    run.on_step(4)
    run.fill_step_four()
    run.on_step(5)
    main = run.page.get_by_role("main")
    expect(main).to_contain_text("Quintanilla Ruiz")
    expect(main).to_contain_text("BMH88412207")
    run.page.locator('button[value="send"]').click()
    run.page.wait_for_load_state()
    expect(run.page.get_by_role("heading", level=1)).to_have_text(run.texts["sent"])
    run.axe("sent")
    assert not run.found, run.found

    packet = Packet.objects.get(appointment_request=request)
    assert (packet.status, packet.language, packet.step) == ("complete", language, 4)
    answers = packet.read_answers()
    assert answers["birth_date"] == "1961-04-17" and answers["last_name"] == "Quintanilla Ruiz"
    assert answers["symptoms"] == ["aching", "restless_legs"] and answers["compression_months"] == 4
    assert answers["signature"] == "Zuleima Quintanilla Ruiz" and packet.signed_from == "127.0.0.1"
    image = PacketImage.objects.get(packet=packet, key="card_front")
    with Image.open(io.BytesIO(files.read(image.file_name))) as stored:
        assert stored.size == (1600, 1200) and not stored.getexif()
    required = Question.objects.filter(required=True, active=True).exclude(kind="image").values_list("key", flat=True)
    assert set(required) <= set(answers)

    # The same link again: it says the packet arrived, and shows no answer.
    again = new_page(viewport=PHONE, java_script_enabled=javascript)
    again.goto(link)
    expect(again.get_by_role("heading", level=1)).to_have_text(run.texts["sent"])
    assert "BMH88412207" not in again.content()

    mail.outbox.clear()
    run_worker()
    # The worker also sends what booking the visit queued (the confirmation); the receipt is one.
    (receipt,) = [message for message in mail.outbox if message.subject.startswith(run.texts["subject"])]
    assert receipt.to == [request.email]
    assert "BMH88412207" not in receipt.body and "Quintanilla" not in receipt.body

    if language == "en" and javascript:
        the_front_desk_downloads_it_as_fhir(new_page, packet, answers)


def the_front_desk_downloads_it_as_fhir(new_page, packet, answers):
    user = StaffFactory(username="rosa.journey", groups=["Front desk"])
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    page = new_page(viewport={"width": 1366, "height": 768}, accept_downloads=True)
    sign_in(page, user.username, PASSWORD, device)
    page.goto(f"/{settings.ADMIN_URL}appointments/appointmentrequest/{packet.appointment_request_id}/change/")
    expect(page.locator(".call-packet")).to_contain_text("Complete")
    page.get_by_role("link", name="Open the packet").click()
    expect(page.get_by_text("BMH88412207")).to_be_visible()
    expect(page.get_by_role("img", name="Insurance card, front")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download FHIR").click()
    bundle = Bundle.model_validate_json(download_info.value.path().read_bytes())
    assert_every_answer_in(bundle, answers=answers, image_keys=["card_front"])
