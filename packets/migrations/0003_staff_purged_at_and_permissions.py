"""The staff side of the packet: when the purge emptied it, and who may see it.

The front desk (who already see the requests) read packets, mark them entered and keep the
questionnaire; editors get nothing, so they never see a patient's answers or photos. Nobody
deletes a packet or a question by hand: packets go with the purge, a question is retired by
unticking "asked", so earlier answers keep their label.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations, models

FRONT_DESK = "Front desk"
GRANTS = [
    ("packet", ["view", "change"]),
    ("packetimage", ["view"]),
    ("question", ["add", "change", "view"]),
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("packets")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=FRONT_DESK)
    for model, actions in GRANTS:
        for action in actions:
            group.permissions.add(Permission.objects.get(content_type__app_label="packets", codename=f"{action}_{model}"))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for model, actions in GRANTS for action in actions]
    for group in Group.objects.filter(name=FRONT_DESK):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="packets", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("packets", "0002_seed_questions"),
        ("appointments", "0002_staff_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="packet",
            name="purged_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="answers and photos deleted"),
        ),
        migrations.RunPython(grant, revoke),
    ]
