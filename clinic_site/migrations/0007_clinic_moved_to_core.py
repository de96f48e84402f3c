"""The practice's row now belongs to core (core/0001): clinic_site forgets the model but keeps the
table, and the content type moves with it, so the Editors group keeps its permissions on it."""

from django.db import migrations


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    old = ContentType.objects.filter(app_label="clinic_site", model="clinic").first()
    if old is None:
        return
    new = ContentType.objects.filter(app_label="core", model="clinic").first()
    if new is None:
        old.app_label = "core"
        old.save(update_fields=["app_label"])
        return
    # Both exist (permissions were made for each while both models were in the state): whoever
    # held the old permissions gets the new ones.
    for permission in Permission.objects.filter(content_type=old):
        target = Permission.objects.filter(content_type=new, codename=permission.codename).first()
        if target:
            for group in permission.group_set.all():
                group.permissions.add(target)
            for user in permission.user_set.all():
                user.user_permissions.add(target)
    old.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("clinic_site", "0006_remove_clinic_content_token"),
        ("core", "0001_initial"),
        ("appointments", "0002_staff_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="Clinic")]),
        migrations.RunPython(move_content_type, migrations.RunPython.noop),
    ]
