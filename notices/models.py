"""The notices a US practice must post on its website, as the practice's own content.

Each kind of notice answers one rule (NoticeKind says which). A notice is edited in admin in
English and Spanish; every save that changes what patients read publishes a new NoticeVersion,
and versions are never changed or deleted: a privacy notice must say from when it is in effect,
and a patient may need to see the text they were shown before it changed.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.languages import translated
from core.markdown import render_markdown


class NoticeKind(models.TextChoices):
    """The notices the site must carry, in the order patients see them. The values are the
    notices' addresses (/notices/<kind>/): keep them stable."""

    PRIVACY_PRACTICES = "privacy-practices", _("Notice of Privacy Practices")
    NONDISCRIMINATION = "nondiscrimination", _("Notice of Nondiscrimination")
    LANGUAGE_ASSISTANCE = "language-assistance", _("Language assistance and auxiliary aids")
    GOOD_FAITH_ESTIMATE = "good-faith-estimate", _("Your right to a Good Faith Estimate")
    ELECTRONIC_DISCLOSURE = "electronic-disclosure", _("Electronic disclosure of health information")


# The rule each kind answers, for editors (admin) and the deployment check.
RULES = {
    NoticeKind.PRIVACY_PRACTICES: "HIPAA Privacy Rule, 45 CFR 164.520 (posted on the website: 164.520(c)(3)(i))",
    NoticeKind.NONDISCRIMINATION: "Section 1557 of the Affordable Care Act, 45 CFR 92.10",
    NoticeKind.LANGUAGE_ASSISTANCE: "Section 1557 of the Affordable Care Act, 45 CFR 92.11 "
    "(taglines in the 15 languages most spoken in Texas by people with limited English)",
    NoticeKind.GOOD_FAITH_ESTIMATE: "No Surprises Act, Public Health Service Act 2799B-6, 45 CFR 149.610",
    NoticeKind.ELECTRONIC_DISCLOSURE: "Texas Health and Safety Code 181.154 (HB 300)",
}

BODY_HELP = (
    "Markdown: a blank line between paragraphs, '## ' for a section heading, '- ' for a bullet, "
    "[words](/path/) for a link. Text in another language gets its own line after the paragraph: "
    '{: lang="vi" } (and dir="rtl" for Arabic, Persian or Urdu), so screen readers read it in that language.'
)


class Content(models.Model):
    """What patients read in a notice, in both languages: the editable notice and each of its
    published versions hold the same fields."""

    title = models.CharField(_("title"), max_length=200)
    title_es = models.CharField(_("title (Spanish)"), max_length=200)
    body = models.TextField(_("body"), help_text=BODY_HELP)
    body_es = models.TextField(_("body (Spanish)"), help_text=BODY_HELP)
    effective_on = models.DateField(
        _("effective date"),
        help_text="The day this text takes effect, shown on the notice (a privacy notice must state it).",
    )
    reviewed = models.BooleanField(
        _("reviewed by the practice"),
        default=False,
        help_text="Tick only once the practice has checked this text against its own practices and the "
        "current rule (docs/notices.md). Until then the site says it is model text, and the deployment "
        "check warns.",
    )

    # The fields whose change publishes a new version.
    CONTENT_FIELDS = ("title", "title_es", "body", "body_es", "effective_on", "reviewed")

    class Meta:
        abstract = True

    @property
    def display_title(self):
        return translated(self, "title")


class Notice(Content):
    """One notice of the practice (one per kind), as editors edit it; patients read its latest
    published version (`current_version`)."""

    kind = models.CharField(_("kind"), max_length=30, choices=NoticeKind.choices, unique=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["pk"]

    def __str__(self):
        return self.get_kind_display()

    def save(self, *args, published_by=None, **kwargs):
        """Save, and publish a new version when what patients read changed (or there is none).

        The notice's own UPDATE locks its row until the end of the transaction, so two editors
        saving at once publish two numbered versions, one after the other, rather than clash."""
        with transaction.atomic():
            super().save(*args, **kwargs)
            current = self.current_version
            if current is None or any(getattr(current, name) != getattr(self, name) for name in self.CONTENT_FIELDS):
                number = (self.versions.aggregate(last=Max("number"))["last"] or 0) + 1
                NoticeVersion.objects.create(
                    notice=self,
                    number=number,
                    published_by=published_by,
                    **{name: getattr(self, name) for name in self.CONTENT_FIELDS},
                )

    def get_absolute_url(self):
        return reverse("notices:detail", kwargs={"kind": self.kind})

    def get_url_in(self, language):
        with translation.override(language):
            return self.get_absolute_url()

    @property
    def rule(self):
        return RULES[self.kind]

    @property
    def position(self):
        """The notice's place in the list patients see (NoticeKind's order)."""
        return NoticeKind.values.index(self.kind)

    def clean(self):
        super().clean()
        current = self.current_version if self.pk else None
        if current and self.effective_on and self.effective_on < current.effective_on:
            raise ValidationError(
                {
                    "effective_on": f"Version {current.number} is in effect from {current.effective_on:%B %-d, %Y}: "
                    "a new version cannot take effect before it."
                }
            )

    @property
    def current_version(self):
        return self.versions.first()


class NoticeVersionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Published notice versions are never changed.")


class NoticeVersion(Content):
    """A notice as published at one moment: never changed nor deleted once written."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="versions", verbose_name=_("notice"))
    number = models.PositiveIntegerField(_("version"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    # Rendered once, when the version is published (core/markdown.py, with language marks).
    body_html = models.TextField(editable=False)
    body_html_es = models.TextField(editable=False)

    objects = NoticeVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice version")
        verbose_name_plural = _("notice versions")
        ordering = ["notice", "-number"]
        constraints = [models.UniqueConstraint(fields=["notice", "number"], name="notice_version_number_unique")]

    def __str__(self):
        return f"{self.notice} (version {self.number})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Published notice versions are never changed.")
        self.body_html = render_markdown(self.body, language_marks=True)
        self.body_html_es = render_markdown(self.body_es, language_marks=True)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("notices:version", kwargs={"kind": self.notice.kind, "number": self.number})

    def delete(self, *args, **kwargs):
        raise TypeError("Published notice versions are never deleted.")

    @property
    def display_body_html(self):
        # Sanitised by render_markdown() when the version was published.
        return mark_safe(translated(self, "body_html"))  # noqa: S308
