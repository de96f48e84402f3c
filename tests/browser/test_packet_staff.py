"""The front desk and a complete pre-visit packet in a real browser: from the request to the
packet, the photos shown, the summary printed on one page with its photos, and the FHIR Bundle
downloaded and parsed back by fhir.resources with every answer in it."""

import re

import pytest
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice
from fhir.resources.R4B.bundle import Bundle
from playwright.sync_api import expect

from staff.models import AccessRecord
from tests.factories import PASSWORD, StaffFactory
from tests.packets.staff_packets import assert_every_answer_in, booked_request, make_packet

from .axe_check import accessibility_violations
from .staff_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ADMIN = f"/{settings.ADMIN_URL}"
OFFICE_SCREEN = {"width": 1366, "height": 768}


@pytest.fixture
def packet(medical_center):
    return make_packet(booked_request(medical_center))


@pytest.fixture
def front_desk_page(new_page):
    user = StaffFactory(username="rosa.packets", groups=["Front desk"])
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    page = new_page(viewport=OFFICE_SCREEN, accept_downloads=True)
    sign_in(page, user.username, PASSWORD, device)
    page.network.console_errors.clear()  # the admin's missing favicon, asked for on signing in
    return page


def photos_shown(page):
    """How many of the summary's photos the browser decoded and laid out, once every one has
    finished loading (visible is not yet decoded: on a busy machine that takes a moment)."""
    page.wait_for_function("() => [...document.querySelectorAll('.packet-photos img')].every(i => i.complete)")
    return page.locator(".packet-photos img").evaluate_all(
        "images => images.filter(i => i.complete && i.naturalWidth > 0 && i.getBoundingClientRect().height > 0).length"
    )


def test_the_front_desk_opens_prints_and_downloads_a_complete_packet(front_desk_page, packet):
    page = front_desk_page
    reference = packet.appointment_request.reference
    page.goto(f"{ADMIN}appointments/appointmentrequest/{packet.appointment_request_id}/change/")
    expect(page.locator(".call-packet")).to_contain_text("Complete")
    page.get_by_role("link", name="Open the packet").click()

    expect(page.get_by_role("heading", name=re.compile("Pre-visit packet"), level=1)).to_be_visible()
    expect(page.get_by_text("BMH77881234")).to_be_visible()
    for name in ("Insurance card, front", "Insurance card, back", "Photo ID"):
        expect(page.get_by_role("img", name=name)).to_be_visible()
    assert photos_shown(page) == 3
    assert not (violations := accessibility_violations(page)), "\n".join(violations)
    assert not page.network.console_errors, page.network.console_errors  # nothing the CSP refused

    # Printed: the admin's chrome and the buttons go, the photos stay, and it is one page.
    page.emulate_media(media="print")
    for hidden in ("#header", ".breadcrumbs", ".packet-tools"):
        expect(page.locator(hidden)).to_be_hidden()
    assert photos_shown(page) == 3
    tops = page.locator(".packet-photos img").evaluate_all("images => images.map(i => i.getBoundingClientRect().top)")
    assert max(tops) - min(tops) < 1, "the three photos print side by side"
    pdf = page.pdf(format="Letter", print_background=False)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, "the summary prints on one page"
    page.emulate_media(media="screen")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download FHIR").click()
    download = download_info.value
    assert download.suggested_filename == f"packet-{reference}.fhir.json"
    bundle = Bundle.model_validate_json(download.path().read_bytes())
    assert_every_answer_in(bundle)
    assert sorted(
        entry.resource.get_resource_type()
        for entry in bundle.entry
        if entry.resource.get_resource_type() != "DocumentReference"
    ) == ["Consent", "Coverage", "Patient", "QuestionnaireResponse", "RelatedPerson"]

    page.get_by_role("button", name="Mark entered into our records").click()
    expect(page.get_by_text("1 packet(s) marked entered into our records.")).to_be_visible()
    expect(page.get_by_role("button", name="Mark entered into our records")).to_have_count(0)

    actions = set(AccessRecord.objects.filter(reference=reference).values_list("action", flat=True))
    assert {
        AccessRecord.Action.PACKET_OPENED,
        AccessRecord.Action.PACKET_IMAGE,
        AccessRecord.Action.FHIR_EXPORTED,
    } <= actions


def test_a_photo_opened_on_its_own_runs_no_script(front_desk_page, packet):
    page = front_desk_page
    response = page.goto(f"{ADMIN}packets/packet/{packet.pk}/photo/card_front/")
    assert response.status == 200
    assert response.headers["content-type"] == "image/jpeg"
    assert "script-src 'none'" in response.headers["content-security-policy"]
    expect(page.locator("img")).to_have_count(1)
