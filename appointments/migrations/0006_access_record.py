"""One access record for the whole site (staff.AccessRecord): the opened/exported lines kept
so far move there, named by the request's reference and the user's name, and the old table,
whose rows the retention purge deleted with their request, goes."""

from django.db import migrations

ACTIONS = {"viewed": "opened", "exported": "exported"}


def copy_accesses(apps, schema_editor):
    RequestAccess = apps.get_model("appointments", "RequestAccess")
    AccessRecord = apps.get_model("staff", "AccessRecord")
    accesses = RequestAccess.objects.select_related("appointment_request", "user").order_by("at", "pk")
    AccessRecord.objects.bulk_create(
        (
            AccessRecord(
                at=access.at,
                username=access.user.username if access.user else "(deleted user)",
                action=ACTIONS[access.kind],
                reference=access.appointment_request.reference,
                detail="recorded before the access record",
            )
            for access in accesses.iterator()
        ),
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("appointments", "0005_first_contact_wait"),
        ("staff", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy_accesses, migrations.RunPython.noop, elidable=True),
        migrations.DeleteModel(name="RequestAccess"),
    ]
