"""The practice's content token, which told each process when what it kept from the content was
out of date; removed in 0006 with that per-process layer."""

import uuid

from django.db import migrations, models


def new_content_token():
    return uuid.uuid4().hex


class Migration(migrations.Migration):
    dependencies = [("clinic_site", "0004_clinic_tagline")]
    operations = [
        migrations.AddField(
            model_name="clinic",
            name="content_token",
            field=models.CharField(default=new_content_token, editable=False, max_length=32),
        ),
    ]
