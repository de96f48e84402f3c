"""Every staff sign-in takes a password and a second factor; nothing in the admin shows before both."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import call_command
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from locations.models import Location
from staff.models import AccessRecord
from tests.appointments.conftest import PATIENT, make_request

from .conftest import PASSWORD, code_for, enter_code, sign_in

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/appointments/appointmentrequest/"


def after_the_throttle():
    """A minute later: django-otp's own delay after failed codes (1, 2, 4... s) has passed."""
    return time_machine.travel(datetime.timedelta(minutes=1), tick=True)


@pytest.fixture
def waiting_request(db):
    return make_request(Location.objects.get(slug="medical-center-drive"))


def test_the_password_leads_to_the_code_not_to_the_admin(client, phone):
    response = sign_in(client, "rosa.front")
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == "/admin/second-factor/?next=%2Fadmin%2F"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'autocomplete="one-time-code"' in page.content.decode()
    assert "no-store" in page["Cache-Control"]


def test_a_session_with_only_the_password_gets_no_admin_page(client, phone, waiting_request):
    sign_in(client, "rosa.front")
    change = f"{CHANGELIST}{waiting_request.pk}/change/"
    urls = [
        "/admin/",
        "/admin/appointments/",
        CHANGELIST,
        f"{CHANGELIST}?q={PATIENT['last_name']}",
        change,
        f"{CHANGELIST}{waiting_request.pk}/history/",
        "/admin/staff/accessrecord/",
        "/admin/access-review/",
        "/admin/access-review/?format=csv",
        "/admin/auth/user/",
        "/admin/otp_totp/totpdevice/",
        "/admin/password_change/",
        "/admin/jsi18n/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url
    csv_export = client.post(CHANGELIST, {"action": "export_csv", "_selected_action": [str(waiting_request.pk)]})
    assert csv_export.status_code == 302
    assert csv_export["Location"].startswith("/admin/login/")
    assert client.post("/admin/stay-signed-in/").status_code == 302
    # Nothing was read, so nothing was recorded as read.
    assert not AccessRecord.objects.reads().exists()
    # And the login page itself only sends the session on to its code.
    assert client.get("/admin/login/")["Location"].startswith("/admin/second-factor/")


def test_the_code_from_the_app_opens_the_admin_and_is_then_used_up(client, phone, waiting_request):
    sign_in(client, "rosa.front")
    code = code_for(phone)
    response = enter_code(client, code, next_path=CHANGELIST)
    assert response.status_code == 302
    assert response["Location"] == CHANGELIST
    listed = client.get(CHANGELIST)
    assert listed.status_code == 200
    assert PATIENT["last_name"] in listed.content.decode()

    # The same code again (someone who watched it typed) is refused, even within its 30 seconds.
    client.post("/admin/logout/")
    sign_in(client, "rosa.front")
    replayed = enter_code(client, code)
    assert replayed.status_code == 200
    assert "not right, or was already used" in replayed.content.decode()
    assert client.get("/admin/").status_code == 302


def test_the_app_may_run_one_step_ahead_or_behind(client, phone):
    # django-otp's default tolerance (OTP_TOTP_TOLERANCE = 1): a phone clock 30 s off still works.
    sign_in(client, "rosa.front")
    assert enter_code(client, code_for(phone, steps_ahead=1)).status_code == 302
    client.post("/admin/logout/")
    sign_in(client, "rosa.front")
    response = enter_code(client, code_for(phone, steps_ahead=3))
    assert response.status_code == 200


def test_a_backup_code_works_once(client, phone, backup_codes):
    sign_in(client, "rosa.front")
    assert enter_code(client, "BACKUP 0001").status_code == 302  # as typed from paper
    assert client.get("/admin/").status_code == 200
    client.post("/admin/logout/")
    sign_in(client, "rosa.front")
    assert enter_code(client, "backup0001").status_code == 200
    assert client.get("/admin/").status_code == 302
    # django-otp also slows guessing down: after a failure each device waits a second or more.
    with after_the_throttle():
        assert enter_code(client, "backup0002").status_code == 302


def test_wrong_codes_lock_the_account_like_wrong_passwords(client, phone, settings, unthrottled):
    assert settings.AXES_FAILURE_LIMIT == 5
    # Two wrong passwords and three wrong codes make the five failures of one lockout.
    sign_in(client, "rosa.front", password="wrong password 1")
    sign_in(client, "rosa.front", password="wrong password 2")
    sign_in(client, "rosa.front")
    assert enter_code(client, "000000").status_code == 200
    assert enter_code(client, "111111").status_code == 200
    locked = enter_code(client, "222222")
    assert locked.status_code == 429
    assert "Sign-in locked" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # The right password and then the right code are both refused while locked.
    assert sign_in(client, "rosa.front").status_code == 429
    assert enter_code(client, code_for(phone)).status_code == 302  # not signed in: back to the login
    assert client.get("/admin/").status_code == 302
    # From another address the account still works (the lockout is per account and address).
    with after_the_throttle():
        sign_in(client, "rosa.front", address="198.51.100.20")
        assert enter_code(client, code_for(phone), address="198.51.100.20").status_code == 302
        assert client.get("/admin/").status_code == 200


def test_a_correct_code_after_the_lockout_is_refused(client, phone, unthrottled):
    sign_in(client, "rosa.front")
    for wrong in ["000000", "111111", "222222", "333333"]:
        assert enter_code(client, wrong).status_code == 200
    other_tab = client.cookies["sessionid"].value
    assert enter_code(client, "444444").status_code == 429
    # Even a session that had passed the password before the lockout cannot use a code now.
    client.cookies["sessionid"] = other_tab
    assert enter_code(client, code_for(phone)).status_code in (302, 429)
    assert client.get("/admin/").status_code == 302


def test_success_forgets_earlier_failures(client, phone, unthrottled):
    sign_in(client, "rosa.front")
    for wrong in ["000000", "111111", "222222", "333333"]:
        enter_code(client, wrong)
    with after_the_throttle():
        assert enter_code(client, code_for(phone)).status_code == 302
        client.post("/admin/logout/")
        sign_in(client, "rosa.front")
    # Four more mistakes do not lock: the count started again after the full sign-in.
    for wrong in ["000000", "111111", "222222", "333333"]:
        assert enter_code(client, wrong).status_code == 200


def test_a_newcomer_sets_up_the_app_and_gets_backup_codes_once(client, front_desk):
    response = sign_in(client, "rosa.front")
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/admin/second-factor/set-up/?next=%2Fadmin%2F"
    page = response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert re.search(r"<svg [^>]*class=\"qr-code\"", page)
    assert "<script" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]
    device = TOTPDevice.objects.get(user=front_desk)
    assert not device.confirmed
    secret = re.search(r'id="otp-secret">([A-Z2-7 ]+)<', page).group(1)
    assert secret.replace(" ", "") in device.config_url
    # Reloading keeps the same secret (the app already scanned it).
    client.get("/admin/second-factor/set-up/")
    assert TOTPDevice.objects.filter(user=front_desk).count() == 1

    assert client.post("/admin/second-factor/set-up/", {"code": "000000"}).status_code == 200
    assert client.get("/admin/").status_code == 302

    with after_the_throttle():
        done = client.post("/admin/second-factor/set-up/", {"code": code_for(device), "next": "/admin/"})
    assert done.status_code == 200
    assert "no-store" in done["Cache-Control"]
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert len(codes) == 10
    assert client.get("/admin/").status_code == 200
    # Shown once: the setup page now only sends a signed-in user on, and shows no codes.
    again = client.get("/admin/second-factor/set-up/")
    assert again.status_code == 302
    assert codes[0] not in client.get("/admin/").content.decode()
    assert StaticDevice.objects.get(user=front_desk).token_set.count() == 10


def test_a_user_with_a_device_cannot_set_up_another_with_the_password_alone(client, phone):
    sign_in(client, "rosa.front")
    response = client.get("/admin/second-factor/set-up/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/second-factor/")
    assert TOTPDevice.objects.filter(user=phone.user).count() == 1


def test_cancel_signs_out(client, phone):
    sign_in(client, "rosa.front")
    response = client.post("/admin/second-factor/", {"sign_out": "yes"})
    assert response["Location"] == "/admin/login/"
    assert "_auth_user_id" not in client.session


def test_the_code_step_sends_only_to_this_site(client, phone):
    sign_in(client, "rosa.front")
    response = enter_code(client, code_for(phone), next_path="https://evil.example/")
    assert response["Location"] == "/admin/"


def test_without_the_setting_the_password_is_enough(client, front_desk, settings):
    settings.STAFF_SECOND_FACTOR = False
    sign_in(client, "rosa.front")
    assert client.get("/admin/").status_code == 200


def test_the_deploy_check_warns_when_the_second_factor_is_off(settings):
    from staff.checks import second_factor_required

    assert second_factor_required(None) == []
    settings.STAFF_SECOND_FACTOR = False
    (warning,) = second_factor_required(None)
    assert warning.id == "staff.W001"


def test_a_lost_phone_is_removed_by_command_and_the_colleague_sets_up_again(client, phone, backup_codes, capsys):
    call_command("remove_staff_devices", "rosa.front")
    assert "Removed 2 device(s)" in capsys.readouterr().out
    assert not TOTPDevice.objects.exists() and not StaticDevice.objects.exists()
    assert AccessRecord.objects.filter(action=AccessRecord.Action.DEVICES_REMOVED, username="rosa.front").exists()
    sign_in(client, "rosa.front")
    assert client.get("/admin/second-factor/")["Location"].startswith("/admin/second-factor/set-up/")


def test_a_superuser_removes_a_colleagues_device_in_the_admin(client, phone):
    from tests.conftest import staff_login

    boss = User.objects.create_superuser("boss", password=PASSWORD)
    staff_login(client, boss)
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 200
    # Removing, yes; reading the colleague's secret, no.
    assert phone.key not in client.get(f"/admin/otp_totp/totpdevice/{phone.pk}/change/").content.decode()
    assert client.get(f"/admin/otp_totp/totpdevice/{phone.pk}/config/").status_code == 403
    response = client.post(f"/admin/otp_totp/totpdevice/{phone.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=phone.pk).exists()
    # Like the command, the admin leaves a line in the access record, naming who removed it.
    line = AccessRecord.objects.get(action=AccessRecord.Action.DEVICES_REMOVED)
    assert (line.username, line.detail) == ("rosa.front", "1 TOTP device removed in the admin by boss")


def test_removing_backup_codes_with_the_admin_action_is_recorded(client, phone, backup_codes):
    from tests.conftest import staff_login

    boss = User.objects.create_superuser("boss", password=PASSWORD)
    staff_login(client, boss)  # which gives the boss a backup-code device too
    devices = [str(pk) for pk in StaticDevice.objects.values_list("pk", flat=True)]
    response = client.post(
        "/admin/otp_static/staticdevice/", {"action": "delete_selected", "_selected_action": devices, "post": "yes"}
    )
    assert response.status_code == 302
    assert not StaticDevice.objects.exists()
    lines = AccessRecord.objects.filter(action=AccessRecord.Action.DEVICES_REMOVED).order_by("username")
    assert [(line.username, line.detail) for line in lines] == [
        ("boss", "1 static device removed in the admin by boss"),
        ("rosa.front", "1 static device removed in the admin by boss"),
    ]


def test_the_idle_warning_is_on_every_page_of_a_verified_session(client, phone, settings):
    sign_in(client, "rosa.front")
    enter_code(client, code_for(phone))
    page = client.get("/admin/").content.decode()
    assert 'id="idle-warning"' in page
    assert f'data-timeout="{settings.SESSION_COOKIE_AGE}"' in page
    assert 'data-warning="120"' in page
    assert "/static/staff/idle-warning.js" in page
    # The button's request renews the session and says nothing more.
    assert client.post("/admin/stay-signed-in/").status_code == 204
    assert client.get("/admin/stay-signed-in/").status_code == 405


def test_a_malformed_forwarded_hop_is_recorded_as_the_connecting_address(rf, front_desk, settings):
    # A malformed X-Forwarded-For hop must not stop the record (nor put text into an inet column):
    # the client address falls back on REMOTE_ADDR (clinic_site/client_ip.py).
    from staff.audit import Action, record

    settings.TRUSTED_PROXY_COUNT = 1
    request = rf.get("/admin/", HTTP_X_FORWARDED_FOR="garbage", REMOTE_ADDR="192.0.2.7")
    request.user = front_desk
    record(request, Action.SIGNED_OUT)
    assert AccessRecord.objects.get().address == "192.0.2.7"


def test_the_server_signs_an_idle_session_out_without_any_script(client, phone, settings):
    sign_in(client, "rosa.front")
    enter_code(client, code_for(phone))
    assert client.get("/admin/").status_code == 200
    with time_machine.travel(datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60), tick=False):
        assert client.get("/admin/").status_code == 200  # still within 30 minutes of the last page
    idle = datetime.timedelta(seconds=2 * settings.SESSION_COOKIE_AGE - 60 + 1)
    with time_machine.travel(idle, tick=False):
        response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def setup_secret(page):
    return re.search(r'id="otp-secret">([A-Z2-7 ]+)<', page.content.decode()).group(1).replace(" ", "")


def test_a_setup_key_is_shown_to_one_session_and_replaced_by_the_next_setup(front_desk):
    from base64 import b32decode

    from django.test import Client
    from django_otp.oath import totp

    def code(secret):
        return f"{totp(b32decode(secret)):06d}"

    first, second = Client(), Client()
    sign_in(first, "rosa.front")
    first_key = setup_secret(first.get("/admin/second-factor/set-up/"))
    assert setup_secret(first.get("/admin/second-factor/set-up/")) == first_key  # a reload keeps it
    # Someone else with the password starts a set-up: a new key, and the first one is gone.
    sign_in(second, "rosa.front")
    second_key = setup_secret(second.get("/admin/second-factor/set-up/"))
    assert second_key != first_key
    assert TOTPDevice.objects.filter(user=front_desk).count() == 1
    stale = first.post("/admin/second-factor/set-up/", {"code": code(first_key)})
    assert stale.status_code == 200
    assert "started again elsewhere" in stale.content.decode()
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    # Each refused session starts over with a key of its own, replacing the other's again.
    third_key = setup_secret(stale)
    refused = second.post("/admin/second-factor/set-up/", {"code": code(second_key)})
    assert "started again elsewhere" in refused.content.decode()
    fourth_key = setup_secret(refused)
    assert len({first_key, second_key, third_key, fourth_key}) == 4
    assert client_is_not_in(second)
    assert second.post("/admin/second-factor/set-up/", {"code": code(fourth_key)}).status_code == 200
    assert second.get("/admin/").status_code == 200
    assert TOTPDevice.objects.get(user=front_desk).confirmed
    # A key another session saw never opens the admin, before or after the confirmation.
    for seen in (first_key, second_key, third_key):
        other = Client()
        sign_in(other, "rosa.front")
        with after_the_throttle():
            enter_code(other, code(seen))
        assert client_is_not_in(other)


def client_is_not_in(client):
    return client.get("/admin/").status_code == 302


def test_a_throttled_code_says_how_long_to_wait_and_counts_as_no_failure(client, phone):
    from axes.models import AccessAttempt
    from django.utils import timezone

    with time_machine.travel(timezone.now(), tick=False) as clock:
        sign_in(client, "rosa.front")
        assert enter_code(client, "000000").status_code == 200
        # Someone with the password keeps trying at once: every try is refused without a guess.
        for _ in range(8):
            throttled = enter_code(client, code_for(phone))
            assert throttled.status_code == 429
            assert throttled["Retry-After"] == "1"
            assert "Wait 1 second, then enter the newest code." in throttled.content.decode()
        assert AccessAttempt.objects.get().failures_since_start == 1
        assert AccessRecord.objects.filter(action=AccessRecord.Action.CODE_FAILED).count() == 1
        # Two wrong codes make the pause 2 seconds; the right code after it opens the admin.
        clock.shift(1)
        enter_code(client, "111111")
        assert "Wait 2 seconds" in enter_code(client, code_for(phone)).content.decode()
        clock.shift(2)
        assert enter_code(client, code_for(phone)).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_backup_code_does_not_throttle_the_app(client, phone, backup_codes):
    sign_in(client, "rosa.front")
    assert enter_code(client, "backup0001").status_code == 302
    assert TOTPDevice.objects.get(pk=phone.pk).throttling_failure_count == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_code_is_checked_in_autocommit_as_in_production(client, phone):
    """Outside a test's transaction, as every production request runs: django-otp reads the
    devices for update, which PostgreSQL allows only inside a transaction (a 500 before)."""
    sign_in(client, "rosa.front")
    assert enter_code(client, "000000" if code_for(phone) != "000000" else "000001").status_code == 200
    response = enter_code(client, code_for(phone, steps_ahead=1))
    assert response.status_code in (302, 429), response.status_code
