"""Editors keep the notices up to date: they add and change notices and read the versions, which
nobody changes or deletes (each save publishes a new one)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Editors": [("notice", ["add", "change", "view"]), ("noticeversion", ["view"])],
}


def grant(apps, schema_editor):
    # Permissions are normally created after migrating (post_migrate), too late for this one.
    app_config = apps.get_app_config("notices")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in GRANTS.items():
        group, _created = Group.objects.get_or_create(name=name)
        for model, actions in grants:
            for action in actions:
                group.permissions.add(
                    Permission.objects.get(content_type__app_label="notices", codename=f"{action}_{model}")
                )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GRANTS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="notices"))


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0002_seed_notices"),
        ("appointments", "0002_staff_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
