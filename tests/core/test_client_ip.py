import pytest
from django.test import RequestFactory

from core.client_ip import client_ip


@pytest.mark.parametrize(
    ("hop", "expected"),
    [
        ("203.0.113.5", "203.0.113.5"),
        ("203.0.113.5:5678", "203.0.113.5"),
        ("2001:db8::1", "2001:db8::1"),
        ("[2001:db8::1]", "2001:db8::1"),
        ("[2001:DB8::1]:443", "2001:db8::1"),
        ("garbage", "10.0.0.1"),
        ("999.1.1.1", "10.0.0.1"),
        ("1.2.3.4:port", "10.0.0.1"),
        ("fe80::1%eth0", "10.0.0.1"),
        ("203.0.113.5\x00", "10.0.0.1"),
    ],
)
def test_the_proxy_hop_is_read_as_an_address_or_ignored(settings, hop, expected):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=f"198.51.100.1, {hop}", REMOTE_ADDR="10.0.0.1")
    assert client_ip(request) == expected
