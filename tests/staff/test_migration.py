"""The access records kept before the one access record existed move into it."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("appointments", "0005_first_contact_wait"), ("staff", "0001_initial")]
AFTER = [("appointments", "0006_access_record")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_existing_opened_and_exported_lines_are_kept_by_reference():
    old = migrate(BEFORE)
    user = old.get_model("auth", "User").objects.create(username="rosa.front")
    office = old.get_model("locations", "Location").objects.first()
    request = old.get_model("appointments", "AppointmentRequest").objects.create(
        reference="KDFM4HXP",
        first_name="Zuleima",
        last_name="Quintanilla",
        phone="+19155550123",
        location_id=office.pk,
        preferred_date="2026-12-03",
        preferred_time="any",
        patient_kind="new",
        reason="veins",
        contact_method="phone",
        callback_language="es",
        language="en",
        consented_at=timezone.now(),
    )
    access = old.get_model("appointments", "RequestAccess")
    access.objects.create(appointment_request=request, user=user, kind="viewed")
    access.objects.create(appointment_request=request, user=None, kind="exported")
    try:
        new = migrate(AFTER)
        lines = new.get_model("staff", "AccessRecord").objects.order_by("pk")
        assert [(line.username, line.action, line.reference) for line in lines] == [
            ("rosa.front", "opened", "KDFM4HXP"),
            ("(deleted user)", "exported", "KDFM4HXP"),
        ]
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
