"""What happens when an editor saves or deletes anything public pages show (CONTENT_APPS): the
cached pages are dropped (page_cache.py), and the Clinic row gets a new content token.

Every page reads the Clinic row, so a process learns from it, at no extra query, whether what it
built from the content earlier (the offices with their hours, last_known.py) still holds. The new
token is written in the editor's own transaction: no process can read it before the change itself
is visible. Random rather than counted, so a token never comes back with other content behind it.
Like the page cache, it follows saves and deletes; a queryset update() or bulk_create() tells
nobody (no code of the site writes content that way).
"""

from django.apps import apps
from django.db.models.signals import post_delete, post_save

from . import page_cache
from .models import Clinic, new_content_token
from .page_cache import CONTENT_APPS


def content_changed(sender, **kwargs):
    """post_save / post_delete receiver of the content apps' models."""
    Clinic.objects.update(content_token=new_content_token())
    page_cache.drop_every_page()


def connect():
    """Listen to the content apps' own models only: a migration's historical models send the
    same signals, possibly before the token's column exists."""
    for label in sorted(CONTENT_APPS):
        for model in apps.get_app_config(label).get_models():
            post_save.connect(content_changed, sender=model, dispatch_uid=f"content_token_saved_{model._meta.label}")
            post_delete.connect(
                content_changed, sender=model, dispatch_uid=f"content_token_deleted_{model._meta.label}"
            )
