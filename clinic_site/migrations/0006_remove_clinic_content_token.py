"""Pages are kept by the page cache alone now: no process keeps content of its own to check."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("clinic_site", "0005_content_token")]
    operations = [migrations.RemoveField(model_name="clinic", name="content_token")]
