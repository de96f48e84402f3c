"""Generated bad input against the request form and the public URLs: never a server error, and a
request is stored only when the form accepts it.

Each example starts from a request the form would accept (office, date and choices vary) and
then drops, replaces or repeats a few fields with hostile values: any unicode, NUL and other
control characters, 100 KB strings, wrong types, impossible dates, unknown offices. The oracle
is the form itself, run on the very data the view received.
"""

import datetime
import re
import unicodedata
from urllib.parse import quote, urlencode

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from appointments.forms import HONEYPOT_FIELD, AppointmentRequestForm
from appointments.models import AppointmentRequest
from locations.models import Location

from .conftest import FORM_URL, RECEIVED_URL, valid_submission

pytestmark = pytest.mark.django_db

FIELDS = list(valid_submission(Location(pk=1), datetime.date(2026, 1, 1)))
KEEP, DROP, UPLOAD = "<keep>", "<drop>", "<upload>"

control_text = st.text(alphabet=st.characters(categories=["Cc"]), min_size=1, max_size=8)
text_with_controls = st.builds(lambda a, b, c: a + b + c, st.text(max_size=20), control_text, st.text(max_size=20))
# Past every length limit, up to a 100 KB body for one field.
huge_text = st.builds(lambda char, size: char * size, st.characters(), st.sampled_from([101, 255, 501, 100_000]))
odd_values = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "0",
        "-1",
        "1.5",
        "1e309",
        "NaN",
        "null",
        "[]",
        "{}",
        "true",
        "off",
        "0000-00-00",
        "2026-02-30",
        "2026-13-01",
        "0001-01-01",
        "9999-12-31",
        "12/15/2026",
        "15/12/2026",
        "99999999999999999999999",
        "\u0661",  # an Arabic-Indic digit one: int() reads it as 1
        "dean-martin",
        "medical-center-drive",
        "999999",
        "+52 1 656 123 4567",
        "+44 20 7946 0958",
        "911",
        "MORNING",
        "email",
        "es",
        "fr",
        "returning",
        "other",
    ]
)
near_dates = st.integers(min_value=-3, max_value=100).map(lambda days: f"<days:{days}>")
any_date = st.dates().map(datetime.date.isoformat)
hostile_value = st.one_of(
    st.text(max_size=200),
    control_text,
    text_with_controls,
    huge_text,
    odd_values,
    near_dates,
    any_date,
    st.integers().map(str),
    st.just(UPLOAD),
)
mutation = st.one_of(
    st.just(DROP),
    hostile_value,
    # A repeated field: the QueryDict holds a list, the form reads the last value.
    st.lists(st.one_of(st.just(KEEP), hostile_value), min_size=2, max_size=3),
)
submissions = st.fixed_dictionaries(
    {
        "office": st.integers(min_value=0, max_value=1),
        "days_ahead": st.integers(min_value=0, max_value=95),
        "preferred_time": st.sampled_from(["any", "morning", "afternoon"]),
        "by_email": st.booleans(),
        "mexican_phone": st.booleans(),
        "mutations": st.dictionaries(st.sampled_from(FIELDS), mutation, max_size=4),
    }
)


def build_post(recipe, offices):
    office = offices[recipe["office"] % len(offices)]
    day = timezone.localdate() + datetime.timedelta(days=recipe["days_ahead"])
    data = valid_submission(office, day, preferred_time=recipe["preferred_time"])
    if recipe["by_email"]:
        data.update(contact_method="email", email="maria.lopez@example.org")
    if recipe["mexican_phone"]:
        data["phone"] = "+52 656 123 4567"

    def concrete(value, field):
        if value == KEEP:
            return data[field]
        if value == UPLOAD:
            return SimpleUploadedFile("notes.txt", b"not a form value")
        if value.startswith("<days:"):
            return (timezone.localdate() + datetime.timedelta(days=int(value[6:-1]))).isoformat()
        return value

    for field, value in recipe["mutations"].items():
        if value == DROP:
            del data[field]
        elif isinstance(value, list):
            data[field] = [concrete(item, field) for item in value]
        else:
            data[field] = concrete(value, field)
    return data


def post(client, data, encoding):
    if encoding == "multipart":
        return client.post(FORM_URL, data)

    def as_text(value):
        return value.name if isinstance(value, SimpleUploadedFile) else value

    flat = {
        key: [as_text(v) for v in value] if isinstance(value, list) else as_text(value) for key, value in data.items()
    }
    return client.post(FORM_URL, urlencode(flat, doseq=True), content_type="application/x-www-form-urlencoded")


def assert_stored_request_is_clean(stored, form):
    stored.full_clean()
    assert stored.first_name == form.cleaned_data["first_name"] == stored.first_name.strip()
    assert stored.last_name == form.cleaned_data["last_name"] == stored.last_name.strip()
    for name in ("first_name", "last_name", "email"):
        assert not any(unicodedata.category(char) == "Cc" for char in getattr(stored, name))
    assert not any(unicodedata.category(char) == "Cc" and char not in "\r\n\t" for char in stored.message)


# How many examples comes from the Hypothesis profile (tests/conftest.py): few in `make test`,
# many behind `make fuzz`.
@hypothesis_settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(recipe=submissions, encoding=st.sampled_from(["multipart", "urlencoded"]))
def test_fuzzed_submissions_never_fail_and_only_valid_ones_are_stored(
    client, settings, django_capture_on_commit_callbacks, recipe, encoding
):
    settings.APPOINTMENT_RATE_LIMIT = "100000/h"
    offices = list(Location.objects.taking_requests().order_by("pk"))
    data = build_post(recipe, offices)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = post(client, data, encoding)
        assert response.status_code < 500
        if response.status_code == 400:
            # Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE before any form sees it.
            assert int(response.wsgi_request.META["CONTENT_LENGTH"]) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            assert AppointmentRequest.objects.count() == 0
            event("refused: body too large")
            return

        received = response.wsgi_request.POST
        form = AppointmentRequestForm(data=received)
        valid = form.is_valid()
        bot = bool(received.get(HONEYPOT_FIELD, "").strip())
        stored = list(AppointmentRequest.objects.all())

        event("bot" if bot else "stored" if valid else "shown again with errors")
        if valid and not bot:
            assert response.status_code == 303
            assert response["Location"] == RECEIVED_URL
            assert len(stored) == 1
            assert_stored_request_is_clean(stored[0], form)
        elif bot:
            # The honeypot's answer looks like success whatever else was sent.
            assert response.status_code == 303
            assert stored == []
        else:
            assert response.status_code == 200, form.errors
            assert stored == []
            assert "error-summary" in response.content.decode()
    finally:
        # Per-example cleanup: every example starts from an empty table and outbox.
        AppointmentRequest.objects.all().delete()
        mail.outbox = []


def test_the_fuzzing_oracle_accepts_the_unmutated_request(client, settings, submission):
    # Guards the test above: without this, a broken base request would make every example
    # "invalid" and the fuzzing would prove nothing about stored rows.
    settings.APPOINTMENT_RATE_LIMIT = "100000/h"
    response = client.post(FORM_URL, submission)
    assert response.status_code == 303
    assert AppointmentRequest.objects.count() == 1


@pytest.mark.parametrize(
    "body, content_type",
    [
        (b"first_name=\xff\xfe\x00&last_name=%FF%00&consent=on", "application/x-www-form-urlencoded"),
        (b'{"first_name": "Maria", "consent": true}', "application/json"),
        (b"--broken\r\nContent-Disposition: form-data; name=\x00\r\n\r\n", "multipart/form-data; boundary=broken"),
        (b"\x00" * 1000, "text/plain"),
    ],
)
def test_malformed_bodies_get_the_form_again_and_store_nothing(client, settings, body, content_type):
    settings.APPOINTMENT_RATE_LIMIT = "100000/h"
    client.raise_request_exception = False
    response = client.generic("POST", FORM_URL, body, content_type=content_type)
    assert 400 <= response.status_code < 500 or response.status_code == 200
    assert AppointmentRequest.objects.count() == 0


# --- GET parameters and slugs ---------------------------------------------------------------

NUL_URLS = [
    "/articles/%00/",
    "/articles/the-link%00/",
    "/es/articles/%00/",
    "/locations/x%00/",
    "/locations/%00/",
    "/es/locations/dean-martin%00/",
    "/appointments/request/?location=%00",
    "/appointments/request/?location=dean-martin%00",
    "/appointments/request/?location=dean-martin&location=%00",
    "/articles/?page=%00",
    "/articles/feed/?page=%00",
    "/%00",
    "/healthz?%00=%00",
]


@pytest.mark.parametrize("url", NUL_URLS)
def test_nul_bytes_in_slugs_and_parameters_are_never_a_server_error(client, url):
    response = client.get(url)
    assert response.status_code < 500
    if "?" not in url:
        assert response.status_code == 404


@pytest.mark.parametrize("url", ["/appointments/request/?location=%00", "/appointments/request/?location=nowhere"])
def test_an_unknown_office_in_the_link_leaves_the_form_without_a_choice(client, url):
    response = client.get(url)
    assert response.status_code == 200
    office_inputs = re.findall(r'<input[^>]*name="location"[^>]*>', response.content.decode())
    assert office_inputs
    assert not [tag for tag in office_inputs if "checked" in tag]


@hypothesis_settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.one_of(st.text(max_size=60), text_with_controls, st.just("\x00")))
def test_fuzzed_slugs_and_query_parameters_are_never_a_server_error(client, value):
    quoted = quote(value, safe="")
    for url in (
        f"/articles/{quoted}/",
        f"/locations/{quoted}/",
        f"/es/locations/{quoted}/",
        f"/appointments/request/?location={quoted}",
        f"/articles/?page={quoted}",
        f"/?{quoted}={quoted}",
    ):
        assert client.get(url).status_code < 500, url
