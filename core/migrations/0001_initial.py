"""The practice's row, moved here from clinic_site (whose 0007 drops it from its state): the
table stays as it was, so nothing is copied."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("clinic_site", "0006_remove_clinic_content_token")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Clinic",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(help_text="As patients know the practice.", max_length=120, verbose_name="name")),
                        ("physician", models.CharField(blank=True, help_text='With credentials, e.g. "Jane Doe, MD".', max_length=120, verbose_name="physician")),
                        ("tagline", models.CharField(blank=True, help_text="One short line under the name on the home page's first screen, in plain words.", max_length=160, verbose_name="what the practice treats")),
                        ("tagline_es", models.CharField(blank=True, help_text="The same line in Spanish.", max_length=160, verbose_name="what the practice treats (Spanish)")),
                        ("introduction", models.TextField(blank=True, help_text="Two or three sentences for the home page, in plain words.", verbose_name="introduction")),
                        ("introduction_es", models.TextField(blank=True, help_text="The same introduction in Spanish.", verbose_name="introduction (Spanish)")),
                    ],
                    options={"verbose_name": "clinic", "verbose_name_plural": "clinic", "db_table": "clinic_site_clinic"},
                ),
            ]
        ),
    ]
