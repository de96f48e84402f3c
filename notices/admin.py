from django.contrib import admin
from django.utils.html import format_html

from .models import Notice, NoticeVersion


class NoticeVersionInline(admin.TabularInline):
    """The published versions, newest first, read-only: a version is never changed."""

    model = NoticeVersion
    fields = ["number", "effective_on", "reviewed", "published_at", "published_by", "public_page"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False
    verbose_name_plural = "Published versions (kept for good; patients can read each one)"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Page")
    def public_page(self, version):
        return format_html('<a href="{}">{}</a>', version.get_absolute_url(), f"Version {version.number}")


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "effective_on", "reviewed", "updated_at"]
    list_filter = ["reviewed"]
    view_on_site = True
    readonly_fields = ["rule"]
    inlines = [NoticeVersionInline]
    fieldsets = [
        (None, {"fields": ["kind", "rule"]}),
        (
            "Text",
            {
                "fields": [("title", "title_es"), ("body", "body_es")],
                "description": "English on the left, Spanish on the right; both are required. Saving a "
                "change publishes a new version at once; the earlier versions stay readable.",
            },
        ),
        ("Publishing", {"fields": ["effective_on", "reviewed"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # A notice's kind is its address and its rule: fixed once it exists.
        return [*self.readonly_fields, "kind"] if obj else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        # Patients may need what they were shown: a notice and its versions stay.
        return False

    def save_model(self, request, obj, form, change):
        obj.save(published_by=request.user)

    @admin.display(description="Rule it answers")
    def rule(self, notice):
        return notice.rule if notice.kind else ""
