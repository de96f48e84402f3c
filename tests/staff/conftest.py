import pytest
from django.contrib.auth.models import Group, User
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "correct horse battery staple 42"
ADDRESS = "203.0.113.7"


def code_for(device, steps_ahead=0):
    """The code an authenticator app shows for `device` now (or that many 30-second steps on)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=steps_ahead):06d}"


@pytest.fixture
def front_desk(db):
    user = User.objects.create_user("rosa.front", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Front desk"))
    return user


@pytest.fixture
def phone(front_desk):
    """The front desk's authenticator app, set up."""
    return TOTPDevice.objects.create(user=front_desk, name="Authenticator app", confirmed=True)


@pytest.fixture
def backup_codes(front_desk):
    device = StaticDevice.objects.create(user=front_desk, name="Backup codes")
    codes = ["backup0001", "backup0002"]
    for code in codes:
        StaticToken.objects.create(device=device, token=code)
    return codes


def sign_in(client, username, password=PASSWORD, address=ADDRESS, next_path="/admin/"):
    return client.post(
        f"/admin/login/?next={next_path}", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def enter_code(client, code, address=ADDRESS, next_path="/admin/"):
    return client.post("/admin/second-factor/", {"code": code, "next": next_path}, REMOTE_ADDR=address)


@pytest.fixture
def unthrottled(settings):
    """django-otp's pause after a wrong code (1, 2, 4... s) off, so a test can enter wrong codes
    back to back and count them toward the lockout (a throttled try counts as nothing)."""
    settings.OTP_TOTP_THROTTLE_FACTOR = settings.OTP_STATIC_THROTTLE_FACTOR = 0
