from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.languages import active_language, translated
from core.markdown import render_markdown

# /articles/feed/ is the feed, so no article can live there.
RESERVED_SLUG = "feed"

# Migration 0001 names the publication date's default by this name; it is Django's own
# localdate(), which is the clinic's date since settings.TIME_ZONE is the clinic's zone.
clinic_today = timezone.localdate


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """What patients may read: published, and the publication date has come on the clinic's clock."""
        return self.filter(status=Article.Status.PUBLISHED, published_on__lte=timezone.localdate())


class Article(models.Model):
    """An education article for patients (restless legs, iron deficiency, veins).

    Two languages, English and Spanish, are kept as explicit fields side by side
    (`title` / `title_es`, ...), as core.languages explains. The `display_*` properties give
    the version in `language`: the active language when the article has a version in it, else
    English.

    The Markdown bodies are rendered to sanitised HTML (`body_html`, `body_html_es`) on save,
    never on each request.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        help_text="Part of the article's web address. Keep it stable once published: links and search engines use it.",
    )
    summary = models.CharField(
        _("summary"),
        max_length=160,
        help_text="One or two sentences, shown in lists and by search engines (at most 160 characters).",
    )
    body = models.TextField(
        _("body"),
        help_text="Markdown: a blank line between paragraphs, '## ' for a section heading, '- ' for a bullet, "
        "[words](/path/) for a link.",
    )
    about = models.CharField(
        _("condition"),
        max_length=120,
        blank=True,
        help_text='The condition the article is about, e.g. "Restless legs syndrome" (tells search engines).',
    )
    title_es = models.CharField(_("title (Spanish)"), max_length=200, blank=True)
    summary_es = models.CharField(_("summary (Spanish)"), max_length=160, blank=True)
    body_es = models.TextField(
        _("body (Spanish)"),
        blank=True,
        help_text="Leave the Spanish title and body empty until the translation is ready: Spanish-speaking "
        "visitors are then offered the English text.",
    )
    about_es = models.CharField(_("condition (Spanish)"), max_length=120, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_on = models.DateField(
        _("publication date"),
        default=timezone.localdate,
        help_text="Shown on the article. A published article with a future date appears on that day.",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    body_html = models.TextField(editable=False, blank=True)
    body_html_es = models.TextField(editable=False, blank=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "-pk"]
        indexes = [models.Index(fields=["status", "-published_on"], name="article_status_published_idx")]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        self.body_html_es = render_markdown(self.body_es)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            update_fields = set(update_fields)
            if "body" in update_fields:
                update_fields.add("body_html")
            if "body_es" in update_fields:
                update_fields.add("body_html_es")
            kwargs["update_fields"] = update_fields
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def get_url_in(self, language):
        """The article's path in one language, whatever language the current request uses."""
        with translation.override(language):
            return self.get_absolute_url()

    def clean(self):
        super().clean()
        if self.slug == RESERVED_SLUG:
            raise ValidationError({"slug": f'"{RESERVED_SLUG}" is the address of the articles feed; choose another.'})
        # is_translated_to needs both: half a translation would leave Spanish readers with English.
        if bool(self.title_es.strip()) != bool(self.body_es.strip()):
            raise ValidationError(
                "Fill in both the Spanish title and the Spanish body, or leave both empty.",
                code="incomplete_spanish",
            )

    @property
    def is_public(self):
        return self.status == self.Status.PUBLISHED and self.published_on <= timezone.localdate()

    def is_translated_to(self, language):
        """Whether the article can be read in `language`: always in the default language; in
        another once both its title and body are written in it."""
        if language == settings.LANGUAGE_CODE:
            return True
        return bool(getattr(self, f"title_{language}").strip() and getattr(self, f"body_{language}").strip())

    @property
    def has_spanish(self):
        return self.is_translated_to("es")

    @property
    def languages(self):
        """The codes of settings.LANGUAGES this article can be read in."""
        return [code for code, _name in settings.LANGUAGES if self.is_translated_to(code)]

    @property
    def language(self):
        """The language of the text the display_* properties give: the active one when the
        article has a version in it, else the default ("en")."""
        language = active_language()
        return language if self.is_translated_to(language) else settings.LANGUAGE_CODE

    @property
    def display_title(self):
        return translated(self, "title", self.language)

    @property
    def display_summary(self):
        return translated(self, "summary", self.language)

    @property
    def display_body_html(self):
        # Sanitised by render_markdown() when the article was saved.
        return mark_safe(translated(self, "body_html", self.language))  # noqa: S308

    @property
    def display_about(self):
        return translated(self, "about", self.language)
