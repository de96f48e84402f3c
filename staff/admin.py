from collections import Counter

from django.contrib import admin
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import Action, record
from .models import AccessRecord


@admin.register(AccessRecord)
class AccessRecordAdmin(admin.ModelAdmin):
    """Read-only for everyone, superusers included: the record is append-only (models.py)."""

    list_display = ["at", "username", "action", "reference", "detail", "address"]
    list_filter = ["action", ("at", admin.DateFieldListFilter)]
    search_fields = ["=username", "=reference"]
    search_help_text = "A staff member's username or a request's reference (without the dash)."
    list_per_page = 100
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


class RemovalRecorded:
    """A colleague's second factor removed in the admin leaves a line in the access record, as
    `manage.py remove_staff_devices` does: whoever holds a superuser's session could otherwise
    remove it, set up their own and sign in as that colleague, unseen."""

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self.record_removal(request, [obj])

    def delete_queryset(self, request, queryset):
        devices = list(queryset.select_related("user"))
        super().delete_queryset(request, queryset)
        self.record_removal(request, devices)

    def record_removal(self, request, devices):
        owners = Counter(device.user.get_username() for device in devices)
        for owner, count in owners.items():
            detail = f"{count} {self.model._meta.verbose_name} removed in the admin by {request.user.get_username()}"
            record(request, Action.DEVICES_REMOVED, detail=detail[:200], username=owner)


class RecordedTOTPDeviceAdmin(RemovalRecorded, TOTPDeviceAdmin):
    pass


class RecordedStaticDeviceAdmin(RemovalRecorded, StaticDeviceAdmin):
    pass


# django-otp registers its own admins first (its apps come before this one in INSTALLED_APPS).
for model, model_admin in [(TOTPDevice, RecordedTOTPDeviceAdmin), (StaticDevice, RecordedStaticDeviceAdmin)]:
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
