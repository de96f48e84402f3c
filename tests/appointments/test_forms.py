import datetime

import pytest
import time_machine

from appointments.forms import AppointmentRequestForm
from locations.models import DayKind, SpecialDate

from .conftest import CLINIC_ZONE, SATURDAY, SUNDAY, THURSDAY, TODAY, WEDNESDAY, form_data

pytestmark = pytest.mark.django_db


def errors_for(office, /, **overrides):
    form = AppointmentRequestForm(data=form_data(office, **overrides))
    form.is_valid()
    return form.errors


def test_a_complete_request_is_valid(medical_center):
    assert errors_for(medical_center) == {}


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("first_name", "Please enter your first name."),
        ("last_name", "Please enter your last name."),
        ("phone", "Please enter a phone number we can call you back on."),
        ("location", "Please choose an office."),
        ("preferred_date", "Please enter the date you would prefer."),
        ("preferred_time", "Please choose a time of day."),
        ("patient_kind", "Please tell us whether you are a new or returning patient."),
        ("reason", "Please choose a reason for your visit."),
        ("contact_method", "Please choose how we should contact you."),
        ("callback_language", "Please choose a language for the call back."),
        ("consent", "Please tick this box so that we may contact you about your request."),
    ],
)
def test_each_missing_answer_has_its_own_plain_message(medical_center, field, message):
    assert errors_for(medical_center, **{field: None})[field] == [message]


def test_email_and_message_are_optional_when_contact_is_by_phone(medical_center):
    assert errors_for(medical_center, email="", message="", contact_method="phone") == {}


# --- Phone -------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["915-555-0123", "(915) 555-0123", "9155550123", "+1 915 555 0123"])
def test_us_numbers_are_stored_in_e164(medical_center, typed):
    form = AppointmentRequestForm(data=form_data(medical_center, phone=typed))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"].as_e164 == "+19155550123"


@pytest.mark.parametrize("typed", ["+52 656 123 4567", "+526561234567", "+52 1 656 123 4567"])
def test_mexican_numbers_with_plus_52_are_accepted(medical_center, typed):
    form = AppointmentRequestForm(data=form_data(medical_center, phone=typed))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"].as_e164 == "+526561234567"


@pytest.mark.parametrize("typed", ["+44 20 7946 0958", "+1 416 979 2020", "+34 912 345 678"])
def test_numbers_from_other_countries_are_refused_with_a_clear_message(medical_center, typed):
    assert errors_for(medical_center, phone=typed)["phone"] == [
        "We can only call back numbers in the United States or Mexico. Please enter a US number, "
        "or a Mexican number starting with +52."
    ]


@pytest.mark.parametrize("typed", ["12345", "call me", "915-555-01234567", "9" * 40])
def test_numbers_that_are_not_phone_numbers_are_refused(medical_center, typed):
    assert errors_for(medical_center, phone=typed)["phone"] == [
        "Please enter a valid phone number, for example 915-555-0123. For a Mexican number, start with +52."
    ]


# --- Preferred date ----------------------------------------------------------------------


def test_today_is_accepted(medical_center):
    assert errors_for(medical_center, preferred_date=TODAY.isoformat(), preferred_time="any") == {}


def test_a_date_in_the_past_is_refused(medical_center):
    yesterday = TODAY - datetime.timedelta(days=1)
    assert errors_for(medical_center, preferred_date=yesterday.isoformat())["preferred_date"] == [
        "Please choose today or a later date."
    ]


def test_ninety_days_ahead_is_accepted_and_ninety_one_refused(medical_center):
    ninety = TODAY + datetime.timedelta(days=90)
    assert ninety == datetime.date(2027, 3, 1)  # a Monday, so only the distance decides
    assert errors_for(medical_center, preferred_date=ninety.isoformat(), preferred_time="any") == {}
    errors = errors_for(medical_center, preferred_date=(ninety + datetime.timedelta(days=1)).isoformat())
    assert errors["preferred_date"] == ["Please choose a date within the next 90 days, up to Monday, March 1, 2027."]


@pytest.mark.parametrize("day", [SATURDAY, SUNDAY])
def test_weekends_are_refused_at_both_offices(medical_center, dean_martin, day):
    for office in (medical_center, dean_martin):
        errors = errors_for(office, preferred_date=day.isoformat(), preferred_time="any")
        assert errors["preferred_date"] == [
            f"The {office.name} office is closed on {day:%A, %B} {day.day}, 2026. Please choose another day."
        ]


def test_a_closure_date_is_refused_with_its_note(medical_center):
    christmas_eve = datetime.date(2026, 12, 24)
    SpecialDate.objects.create(location=medical_center, date=christmas_eve, kind=DayKind.CLOSED, note="Holiday")
    errors = errors_for(medical_center, preferred_date=christmas_eve.isoformat(), preferred_time="any")
    assert errors["preferred_date"] == [
        "The Medical Center Drive office is closed on Thursday, December 24, 2026. Please choose another day. (Holiday)"
    ]


def test_a_closure_at_one_office_leaves_the_other_open(dean_martin, medical_center):
    SpecialDate.objects.create(location=medical_center, date=THURSDAY, kind=DayKind.CLOSED)
    assert errors_for(dean_martin, preferred_date=THURSDAY.isoformat(), preferred_time="afternoon") == {}


def test_an_unparseable_date_is_refused(medical_center):
    assert errors_for(medical_center, preferred_date="next week")["preferred_date"] == [
        "Please enter a real date, for example 12/15/2026."
    ]


def test_a_date_typed_as_americans_write_it_is_understood(medical_center):
    form = AppointmentRequestForm(data=form_data(medical_center, preferred_date="12/03/2026"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["preferred_date"] == THURSDAY


def test_today_is_the_clinic_date_not_the_utc_date_late_in_the_evening(medical_center):
    # 22:30 in El Paso on Tuesday, December 1 is already Wednesday, December 2 in UTC.
    evening = datetime.datetime(2026, 12, 1, 22, 30, tzinfo=CLINIC_ZONE)
    assert evening.astimezone(datetime.UTC).date() == datetime.date(2026, 12, 2)
    with time_machine.travel(evening, tick=False):
        assert errors_for(medical_center, preferred_date="2026-12-01", preferred_time="any") == {}
        assert "preferred_date" in errors_for(medical_center, preferred_date="2026-11-30", preferred_time="any")
        assert errors_for(medical_center, preferred_date="2027-03-01", preferred_time="any") == {}
        assert "preferred_date" in errors_for(medical_center, preferred_date="2027-03-02", preferred_time="any")


def test_the_date_picker_offers_today_to_ninety_days_ahead(medical_center):
    widget = AppointmentRequestForm().fields["preferred_date"].widget
    assert widget.input_type == "date"
    assert widget.attrs["min"] == "2026-12-01"
    assert widget.attrs["max"] == "2027-03-01"


# --- Preferred time against the office's hours --------------------------------------------


def test_dean_martin_thursday_morning_is_refused_naming_the_hours(dean_martin):
    errors = errors_for(dean_martin, preferred_date=THURSDAY.isoformat(), preferred_time="morning")
    assert errors == {
        "preferred_time": [
            "On Thursday, December 3, 2026 the Dean Martin office is open 1:00 PM - 5:00 PM only. "
            "Please choose “Afternoon” or “Any time”, or another day."
        ]
    }


@pytest.mark.parametrize("preferred_time", ["afternoon", "any"])
def test_dean_martin_thursday_afternoon_or_any_time_is_accepted(dean_martin, preferred_time):
    assert errors_for(dean_martin, preferred_date=THURSDAY.isoformat(), preferred_time=preferred_time) == {}


@pytest.mark.parametrize("preferred_time", ["morning", "afternoon", "any"])
def test_a_by_appointment_day_accepts_any_time(dean_martin, preferred_time):
    assert errors_for(dean_martin, preferred_date=WEDNESDAY.isoformat(), preferred_time=preferred_time) == {}


@pytest.mark.parametrize("preferred_time", ["morning", "afternoon", "any"])
def test_an_office_open_all_day_accepts_any_time(medical_center, preferred_time):
    assert errors_for(medical_center, preferred_date=THURSDAY.isoformat(), preferred_time=preferred_time) == {}


def test_changed_hours_on_a_special_date_are_followed(medical_center):
    SpecialDate.objects.create(
        location=medical_center,
        date=THURSDAY,
        kind=DayKind.OPEN,
        opens=datetime.time(8),
        closes=datetime.time(12),
        note="Closing early",
    )
    errors = errors_for(medical_center, preferred_date=THURSDAY.isoformat(), preferred_time="afternoon")
    assert errors["preferred_time"] == [
        "On Thursday, December 3, 2026 the Medical Center Drive office is open 8:00 AM - 12:00 PM only. "
        "Please choose “Morning” or “Any time”, or another day."
    ]
    assert errors_for(medical_center, preferred_date=THURSDAY.isoformat(), preferred_time="morning") == {}


def test_an_office_that_takes_no_requests_cannot_be_chosen(dean_martin):
    dean_martin.accepts_requests = False
    dean_martin.save()
    assert errors_for(dean_martin)["location"] == ["Please choose one of our offices."]


# --- Email ---------------------------------------------------------------------------------


def test_email_is_required_when_the_patient_asks_to_be_contacted_by_email(medical_center):
    assert errors_for(medical_center, email="", contact_method="email")["email"] == [
        "Please enter your email address, or choose a phone call."
    ]


def test_a_malformed_email_is_refused(medical_center):
    assert errors_for(medical_center, email="zuleima@")["email"] == [
        "Please enter a valid email address, for example name@example.com."
    ]


# --- Text: lengths, control characters, whitespace -----------------------------------------


@pytest.mark.parametrize(
    ("field", "limit"), [("first_name", 100), ("last_name", 100), ("email", 254), ("message", 500)]
)
def test_every_text_field_has_a_length_limit(medical_center, field, limit):
    too_long = "a" * (limit - 11) + "@example.com" if field == "email" else "a" * (limit + 1)
    assert len(too_long) == limit + 1
    errors = errors_for(medical_center, **{field: too_long})
    assert errors[field] == [f"Please shorten this to {limit} characters or fewer (it has {limit + 1})."]
    at_limit = too_long[1:]
    assert field not in errors_for(medical_center, **{field: at_limit})


@pytest.mark.parametrize("field", ["first_name", "last_name", "phone", "email", "message"])
@pytest.mark.parametrize("character", ["\x00", "\x1b", "\x07", "\x7f", "\x85"])
def test_control_characters_are_refused_with_a_message(medical_center, field, character):
    value = form_data(medical_center)[field]
    value = value[:3] + character + value[3:]
    assert errors_for(medical_center, **{field: value})[field] == [
        "This contains invisible control characters that we cannot store. Please type it again."
    ]


def test_the_message_may_span_several_lines(medical_center):
    form = AppointmentRequestForm(data=form_data(medical_center, message="Line one\r\nLine two\tand more"))
    assert form.is_valid(), form.errors


def test_a_line_break_inside_a_name_is_refused(medical_center):
    assert "first_name" in errors_for(medical_center, first_name="Zule\nima")


def test_whitespace_around_answers_is_trimmed(medical_center):
    form = AppointmentRequestForm(
        data=form_data(medical_center, first_name="  Zuleima ", last_name="\tQuintanilla\n", email=" z@example.com ")
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["first_name"] == "Zuleima"
    assert form.cleaned_data["last_name"] == "Quintanilla"
    assert form.cleaned_data["email"] == "z@example.com"


def test_a_name_of_only_spaces_counts_as_missing(medical_center):
    assert errors_for(medical_center, first_name="   ")["first_name"] == ["Please enter your first name."]


@pytest.mark.parametrize("field", ["preferred_time", "patient_kind", "reason", "contact_method", "callback_language"])
def test_a_choice_outside_the_list_is_refused(medical_center, field):
    assert field in errors_for(medical_center, **{field: "\x00drop table"})


def test_the_error_summary_links_each_error_to_its_field(dean_martin):
    form = AppointmentRequestForm(data=form_data(dean_martin, first_name="", preferred_time="morning", reason=None))
    assert not form.is_valid()
    anchors = [anchor for anchor, _message in form.error_summary()]
    assert anchors == ["id_first_name", "id_preferred_time_0", "id_reason_0"]
