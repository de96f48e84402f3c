"""The practice's content token (clinic_site/content.py): changes with every save of what public
pages show, so each process knows when what it kept from the content is out of date."""

from django.db import migrations, models

import clinic_site.models


class Migration(migrations.Migration):
    dependencies = [("clinic_site", "0004_clinic_tagline")]
    operations = [
        migrations.AddField(
            model_name="clinic",
            name="content_token",
            field=models.CharField(default=clinic_site.models.new_content_token, editable=False, max_length=32),
        ),
    ]
