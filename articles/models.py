from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .markdown import render_markdown

# /articles/feed/ is the feed, so no article can live there.
RESERVED_SLUG = "feed"


def clinic_today():
    """Today's date on the clinic's clock (settings.TIME_ZONE), whatever the server's zone."""
    return timezone.localdate(timezone=timezone.get_default_timezone())


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """What patients may read: published, and the publication date has come in El Paso."""
        return self.filter(status=Article.Status.PUBLISHED, published_on__lte=clinic_today())


class Article(models.Model):
    """An education article for patients (restless legs, iron deficiency, veins).

    Two languages, English and Spanish, are kept as explicit fields side by side
    (`title` / `title_es`, ...) rather than through a translation library: the clinic serves
    El Paso's patients in exactly these two languages, editors see both versions next to each
    other in admin, and queries need no library magic. The `display_*` properties pick the
    version for the active language, falling back to English while no Spanish version exists.

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
        default=clinic_today,
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
        # has_spanish needs both: half a translation would leave Spanish readers with English.
        if bool(self.title_es.strip()) != bool(self.body_es.strip()):
            raise ValidationError(
                "Fill in both the Spanish title and the Spanish body, or leave both empty.",
                code="incomplete_spanish",
            )

    @property
    def is_public(self):
        return self.status == self.Status.PUBLISHED and self.published_on <= clinic_today()

    @property
    def has_spanish(self):
        return bool(self.title_es.strip() and self.body_es.strip())

    @property
    def shows_spanish(self):
        """True when the active language is Spanish and this article has a Spanish version."""
        return (translation.get_language() or "").startswith("es") and self.has_spanish

    @property
    def language(self):
        """The language of the text the display_* properties give: "es" or "en"."""
        return "es" if self.shows_spanish else "en"

    @property
    def display_title(self):
        return self.title_es if self.shows_spanish else self.title

    @property
    def display_summary(self):
        return (self.summary_es or self.summary) if self.shows_spanish else self.summary

    @property
    def display_body_html(self):
        # Sanitised by render_markdown() when the article was saved.
        return mark_safe(self.body_html_es if self.shows_spanish else self.body_html)  # noqa: S308

    @property
    def display_about(self):
        return (self.about_es or self.about) if self.shows_spanish else self.about
