"""Builders of test data: staff users and what the request form posts.

Staff groups and their permissions come from the appointments data migration; a factory only
puts a user in them, so a test sees the same rights the front desk and editors have.
"""

import datetime

import factory
from django.contrib.auth.models import Group, Permission, User

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
        if names:
            groups = list(Group.objects.filter(name__in=names))
            assert len(groups) == len(names), f"no such staff group among {names}"
            user.groups.add(*groups)

    @factory.post_generation
    def permissions(user, create, codenames, **kwargs):
        if codenames:
            permissions = list(Permission.objects.filter(codename__in=codenames))
            assert len(permissions) == len(codenames), f"no such permission among {codenames}"
            user.user_permissions.add(*permissions)


def form_data(office, /, **overrides):
    """A complete, valid request as the browser posts it; None drops a field."""
    data = {
        "first_name": PATIENT["first_name"],
        "last_name": PATIENT["last_name"],
        "phone": PATIENT["phone"],
        "email": PATIENT["email"],
        "location": str(office.pk),
        "preferred_date": THURSDAY.isoformat(),
        "preferred_time": "afternoon",
        "patient_kind": "new",
        "reason": "restless_legs",
        "message": PATIENT["message"],
        "contact_method": "phone",
        "callback_language": "es",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    if isinstance(data["preferred_date"], datetime.date):
        data["preferred_date"] = data["preferred_date"].isoformat()
    return {name: value for name, value in data.items() if value is not None}
