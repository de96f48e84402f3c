"""An editor's save or delete of anything public pages show drops every stored page, once the
editor's transaction commits: dropped earlier, a visitor in between would store the old page
under the new generation (security review, finding 16). A queryset update() or bulk_create()
sends no signal; no code of the site writes content that way."""

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from core import page_cache

# Apps whose rows appear on public pages (the header and footer show every office).
CONTENT_APPS = {"articles", "locations", "core", "notices"}


def content_changed(sender, using=None, **kwargs):
    transaction.on_commit(page_cache.drop_every_page, using=using)


def connect():
    """The content apps' own models only: a migration's historical models send the same signals."""
    for label in sorted(CONTENT_APPS):
        for model in apps.get_app_config(label).get_models():
            post_save.connect(content_changed, sender=model, dispatch_uid=f"content_saved_{model._meta.label}")
            post_delete.connect(content_changed, sender=model, dispatch_uid=f"content_deleted_{model._meta.label}")
