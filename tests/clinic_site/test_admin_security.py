import pytest
from django.core.management import call_command

from tests.factories import PASSWORD, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_user():
    return StaffFactory(username="frontdesk")


def sign_in(client, password, address="203.0.113.7"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "frontdesk", "password": password},
        REMOTE_ADDR=address,
    )


def test_passwords_are_hashed_with_argon2(settings):
    # The tests hash with MD5 for speed (tests/settings.py); production's hashers here.
    settings.PASSWORD_HASHERS = settings.PRODUCTION_PASSWORD_HASHERS
    user = StaffFactory(username="frontdesk")
    assert user.password.startswith("argon2")
    assert user.check_password(PASSWORD)


def test_five_failures_lock_the_account_on_that_address(client, staff_user):
    for _ in range(4):
        assert sign_in(client, "wrong password").status_code == 200
    locked = sign_in(client, "wrong password")
    assert locked.status_code == 429
    assert "Sign-in locked" in locked.content.decode()
    # Even the right password is refused while locked.
    assert sign_in(client, PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_address(client, staff_user):
    for _ in range(5):
        sign_in(client, "wrong password")
    response = sign_in(client, PASSWORD, address="198.51.100.20")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_an_administrator_can_unlock_the_account(client, staff_user):
    for _ in range(5):
        sign_in(client, "wrong password")
    call_command("axes_reset_username", "frontdesk")
    assert sign_in(client, PASSWORD).status_code == 302


def test_the_lockout_reads_the_address_behind_a_trusted_proxy(client, staff_user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        client.post(
            "/admin/login/",
            {"username": "frontdesk", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )
    # A colleague behind the same proxy is not locked out with the attacker.
    other = client.post(
        "/admin/login/?next=/admin/",
        {"username": "frontdesk", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    assert other.status_code == 302


def test_staff_sessions_end_after_thirty_idle_minutes(client, staff_user):
    client.force_login(staff_user)
    client.get("/admin/")
    assert client.session.get_expiry_age() <= 30 * 60
    assert client.session.get_expire_at_browser_close()
