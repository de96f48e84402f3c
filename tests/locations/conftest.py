import os
import time

import pytest


@pytest.fixture(params=["UTC", "Asia/Tokyo", "America/Denver"])
def process_time_zone(request):
    """Run with the server process's own clock in another zone; the clinic's answers must not move."""
    original = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    yield request.param
    if original is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = original
    time.tzset()
