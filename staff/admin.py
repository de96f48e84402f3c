from django.contrib import admin

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
