"""The two staff groups: the front desk works requests; editors keep articles and offices up to date.

Editors get no permission on appointment requests, so staff outside "Front desk" never see
patient data. Permissions are normally created after migrating (post_migrate), too late for
this migration, so it creates them first.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

FRONT_DESK = "Front desk"
EDITORS = "Editors"

GROUPS = {
    FRONT_DESK: [
        ("appointments", "appointmentrequest", ["view", "change"]),
        ("locations", "location", ["view"]),
        ("locations", "weeklyhours", ["view"]),
        ("locations", "specialdate", ["view"]),
    ],
    EDITORS: [
        ("articles", "article", ["add", "change", "delete", "view"]),
        ("locations", "location", ["add", "change", "delete", "view"]),
        ("locations", "weeklyhours", ["add", "change", "delete", "view"]),
        ("locations", "specialdate", ["add", "change", "delete", "view"]),
        ("clinic_site", "clinic", ["change", "view"]),
    ],
}


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        for app_label, model, actions in grants:
            for action in actions:
                group.permissions.add(
                    Permission.objects.get(content_type__app_label=app_label, codename=f"{action}_{model}")
                )


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("appointments", "0001_initial"),
        ("articles", "0002_seed_article"),
        ("clinic_site", "0002_seed_clinic"),
        ("locations", "0002_seed_offices"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_groups, delete_groups)]
