from django.contrib import admin

from .models import Article


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "published_on", "updated_at", "has_spanish_version"]
    list_filter = ["status", "published_on"]
    search_fields = ["title", "summary", "body", "title_es", "summary_es"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_on"
    view_on_site = True
    # Each English field beside its Spanish one, so a translator sees both versions at once.
    fieldsets = [
        (
            None,
            {
                "fields": [("title", "title_es"), "slug", ("summary", "summary_es"), ("body", "body_es")],
                "description": "English on the left, Spanish on the right. Leave the Spanish title and body "
                "empty until the translation is ready: Spanish-speaking visitors then see the English text "
                "with a note.",
            },
        ),
        ("For search engines", {"fields": [("about", "about_es")]}),
        ("Publishing", {"fields": [("status", "published_on")]}),
    ]

    @admin.display(boolean=True, description="Spanish")
    def has_spanish_version(self, article):
        return article.has_spanish
