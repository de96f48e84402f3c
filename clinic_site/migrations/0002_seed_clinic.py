"""The practice's details, from the clinic's current page (tests/articles/seed_page.txt)."""

from django.db import migrations

CLINIC = {
    "name": "Desert West Vein & Surgery Center",
    "physician": "Atur Kasha, DO",
    "introduction": (
        "At Desert West Vein & Surgery Center, Atur Kasha, DO, treats restless leg syndrome on an "
        "individual basis, identifying the factors contributing to each patient’s condition and then "
        "tailoring their treatment to their needs. Sometimes, that means addressing an underlying vein problem."
    ),
    "introduction_es": (
        "En Desert West Vein & Surgery Center, el Dr. Atur Kasha, DO, trata el síndrome de piernas "
        "inquietas de manera individual: identifica los factores que contribuyen a la afección de cada "
        "paciente y adapta el tratamiento a sus necesidades. A veces, eso significa tratar un problema "
        "venoso subyacente."
    ),
}


def create_clinic(apps, schema_editor):
    Clinic = apps.get_model("clinic_site", "Clinic")
    if not Clinic.objects.exists():
        Clinic.objects.create(**CLINIC)


def delete_clinic(apps, schema_editor):
    apps.get_model("clinic_site", "Clinic").objects.filter(name=CLINIC["name"]).delete()


class Migration(migrations.Migration):
    dependencies = [("clinic_site", "0001_initial")]
    operations = [migrations.RunPython(create_clinic, delete_clinic)]
