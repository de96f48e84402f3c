"""Builders of test data: staff users, what the request form posts and stored requests.

Staff groups and their permissions come from the appointments data migration; a factory only
puts a user in them, so a test sees the same rights the front desk and editors have.
"""

import contextlib
import datetime

import factory
import time_machine
from django.contrib.auth.models import Group, Permission, User
from django.utils import timezone

from appointments.models import AppointmentRequest

PASSWORD = "correct horse battery staple 42"

# Distinctive, so a test can be sure none of it leaks into an e-mail, a log line or a URL.
PATIENT = {
    "first_name": "Zuleima",
    "last_name": "Quintanilla",
    "phone": "915-555-0123",
    "email": "zuleima.q@example.com",
    "message": "Calves ache every night since October",
}
# Thursday, two days after the Tuesday morning the appointments tests start at.
THURSDAY = datetime.date(2026, 12, 3)


class StaffFactory(factory.django.DjangoModelFactory):
    """A staff user who can sign in to admin with PASSWORD.

    Rights come from `groups=["Front desk"]` (the migrations' groups), `permissions=["view_article"]`
    (codenames) or `superuser=True`.
    """

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    class Params:
        superuser = factory.Trait(username="owner", is_superuser=True)

    username = factory.Sequence(lambda number: f"staff{number}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@clinic.test")
    password = factory.django.Password(PASSWORD)
    is_staff = True

    @factory.post_generation
    def groups(user, create, names, **kwargs):
        user.groups.add(*each_of(Group.objects.filter(name__in=names or []), names))

    @factory.post_generation
    def permissions(user, create, codenames, **kwargs):
        user.user_permissions.add(*each_of(Permission.objects.filter(codename__in=codenames or []), codenames))


def each_of(queryset, names):
    """The rows named, all of them: a misspelt group or permission fails the test at once."""
    rows = list(queryset)
    assert len(rows) == len(names or []), f"not all of {names} exist"
    return rows


# The patient's answers that the form posts and the model stores alike.
ANSWERS = {
    "first_name": PATIENT["first_name"],
    "last_name": PATIENT["last_name"],
    "email": PATIENT["email"],
    "preferred_time": "afternoon",
    "patient_kind": "new",
    "reason": "restless_legs",
    "insurance": "yes",
    "message": PATIENT["message"],
    "contact_method": "phone",
    "callback_language": "es",
}


def form_data(office, /, **overrides):
    """A complete, valid request as the browser posts it; None drops a field."""
    data = {
        **ANSWERS,
        "phone": PATIENT["phone"],
        "location": str(office.pk),
        "preferred_date": THURSDAY,
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    if isinstance(data["preferred_date"], datetime.date):
        data["preferred_date"] = data["preferred_date"].isoformat()
    return {name: value for name, value in data.items() if value is not None}


def make_request(office, received=None, **fields):
    """A stored request, as if received at `received` (clinic time; now if None)."""
    values = {
        **ANSWERS,
        "phone": "+19155550123",
        "location": office,
        "preferred_date": THURSDAY,
        "language": "en",
        "consented_at": timezone.now(),
        **fields,
    }
    with time_machine.travel(received, tick=False) if received else contextlib.nullcontext():
        return AppointmentRequest.objects.create(**values)
