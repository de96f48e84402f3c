from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp import devices_for_user

from staff.audit import Action, record


class Command(BaseCommand):
    help = (
        "Remove a staff member's second factors (authenticator app, backup codes and passkeys), e.g. after a lost "
        "phone. "
        "They set up a new one at their next sign-in, which also works for a sole superuser on the server."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        devices = list(devices_for_user(user, confirmed=None))
        for device in devices:
            device.delete()
        record(None, Action.DEVICES_REMOVED, detail=f"{len(devices)} removed by manage.py", username=username)
        self.stdout.write(f"Removed {len(devices)} device(s) of {username}: a new one is set up at the next sign-in.")
