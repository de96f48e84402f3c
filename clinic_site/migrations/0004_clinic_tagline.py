"""What the practice treats, one line for the home page's first screen.

The seeded wording repeats what the seed introduction already says (0002_seed_clinic: the
practice "treats restless leg syndrome ... Sometimes, that means addressing an underlying vein
problem"), and claims nothing more. Only a row that still has no line is filled.
"""

from django.db import migrations, models

TAGLINE = {
    "tagline": "Treatment for restless leg syndrome and underlying vein problems",
    "tagline_es": "Tratamiento del síndrome de piernas inquietas y de problemas venosos subyacentes",
}


def seed_tagline(apps, schema_editor):
    apps.get_model("clinic_site", "Clinic").objects.filter(tagline="").update(**TAGLINE)


class Migration(migrations.Migration):
    dependencies = [("clinic_site", "0003_neutral_help_text")]
    operations = [
        migrations.AddField(
            model_name="clinic",
            name="tagline",
            field=models.CharField(
                blank=True,
                help_text="One short line under the name on the home page's first screen, in plain words.",
                max_length=160,
                verbose_name="what the practice treats",
            ),
        ),
        migrations.AddField(
            model_name="clinic",
            name="tagline_es",
            field=models.CharField(
                blank=True,
                help_text="The same line in Spanish.",
                max_length=160,
                verbose_name="what the practice treats (Spanish)",
            ),
        ),
        migrations.RunPython(seed_tagline, migrations.RunPython.noop),
    ]
