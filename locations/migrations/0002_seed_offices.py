"""The two El Paso offices and their hours, exactly as the clinic's page gives them."""

import datetime

from django.db import migrations

EIGHT, ONE, FIVE = datetime.time(8), datetime.time(13), datetime.time(17)
MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY = range(7)

OFFICES = [
    {
        "fields": {
            "name": "Medical Center Drive",
            "slug": "medical-center-drive",
            "street_address": "1600 Medical Center Drive",
            "suite": "Suite 120",
            "city": "El Paso",
            "state": "TX",
            "postal_code": "79902",
            "phone": "915-260-4598",
            "display_order": 1,
        },
        "hours": [(day, "open", EIGHT, FIVE) for day in (MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY)]
        + [(day, "closed", None, None) for day in (SATURDAY, SUNDAY)],
    },
    {
        "fields": {
            "name": "Dean Martin",
            "slug": "dean-martin",
            "street_address": "1860 Dean Martin",
            "suite": "Suite 103",
            "city": "El Paso",
            "state": "TX",
            "postal_code": "79936",
            "phone": "915-260-4633",
            "display_order": 2,
        },
        "hours": [(day, "by_appointment", None, None) for day in (MONDAY, TUESDAY, WEDNESDAY, FRIDAY)]
        + [(THURSDAY, "open", ONE, FIVE)]
        + [(day, "closed", None, None) for day in (SATURDAY, SUNDAY)],
    },
]


def create_offices(apps, schema_editor):
    Location = apps.get_model("locations", "Location")
    WeeklyHours = apps.get_model("locations", "WeeklyHours")
    for office in OFFICES:
        location, created = Location.objects.get_or_create(slug=office["fields"]["slug"], defaults=office["fields"])
        if created:
            WeeklyHours.objects.bulk_create(
                WeeklyHours(location=location, weekday=day, kind=kind, opens=opens, closes=closes)
                for day, kind, opens, closes in office["hours"]
            )


def delete_offices(apps, schema_editor):
    apps.get_model("locations", "Location").objects.filter(
        slug__in=[office["fields"]["slug"] for office in OFFICES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("locations", "0001_initial")]
    operations = [migrations.RunPython(create_offices, delete_offices)]
