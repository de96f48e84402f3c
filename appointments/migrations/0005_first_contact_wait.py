"""The wait for the first contact, stamped on each request so the reports aggregate it in the
database. Requests already contacted get it computed from their office's hours rows now."""

from django.db import migrations, models

from appointments.overdue import first_contact_wait


def backfill(apps, schema_editor):
    AppointmentRequest = apps.get_model("appointments", "AppointmentRequest")
    Location = apps.get_model("locations", "Location")
    offices = {office.pk: office for office in Location.objects.prefetch_related("weekly_hours", "special_dates")}
    contacted = AppointmentRequest.objects.filter(first_contacted_at__isnull=False).only(
        "location_id", "created_at", "first_contacted_at"
    )
    batch = []
    for row in contacted.iterator(chunk_size=2000):
        row.business_seconds_to_contact, row.contacted_within_business_day = first_contact_wait(
            offices[row.location_id], row.created_at, row.first_contacted_at
        )
        batch.append(row)
        if len(batch) == 2000:
            AppointmentRequest.objects.bulk_update(batch, ["business_seconds_to_contact", "contacted_within_business_day"])
            batch = []
    AppointmentRequest.objects.bulk_update(batch, ["business_seconds_to_contact", "contacted_within_business_day"])


class Migration(migrations.Migration):
    dependencies = [
        ("appointments", "0004_request_access"),
        ("locations", "0003_special_date_note_es"),
    ]

    operations = [
        migrations.AddField(
            model_name="appointmentrequest",
            name="business_seconds_to_contact",
            field=models.PositiveIntegerField(
                blank=True, editable=False, null=True, verbose_name="business seconds to first contact"
            ),
        ),
        migrations.AddField(
            model_name="appointmentrequest",
            name="contacted_within_business_day",
            field=models.BooleanField(
                blank=True, editable=False, null=True, verbose_name="first contacted within one business day"
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
