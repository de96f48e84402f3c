from django.db import models
from django.utils.translation import gettext_lazy as _

from .control_characters import refuse_control_characters_in_fields
from .languages import translated


class Clinic(models.Model):
    """Who the practice is: the one row every page's header, home page and e-mails read.

    The code knows no clinic; another practice edits this row (and its offices and
    articles) in admin and runs the same code.
    """

    name = models.CharField(_("name"), max_length=120, help_text="As patients know the practice.")
    physician = models.CharField(
        _("physician"), max_length=120, blank=True, help_text='With credentials, e.g. "Jane Doe, MD".'
    )
    tagline = models.CharField(
        _("what the practice treats"),
        max_length=160,
        blank=True,
        help_text="One short line under the name on the home page's first screen, in plain words.",
    )
    tagline_es = models.CharField(
        _("what the practice treats (Spanish)"), max_length=160, blank=True, help_text="The same line in Spanish."
    )
    introduction = models.TextField(
        _("introduction"), blank=True, help_text="Two or three sentences for the home page, in plain words."
    )
    introduction_es = models.TextField(
        _("introduction (Spanish)"), blank=True, help_text="The same introduction in Spanish."
    )

    class Meta:
        # The table it had in clinic_site: moving the model here moved no data.
        db_table = "clinic_site_clinic"
        verbose_name = _("clinic")
        verbose_name_plural = _("clinic")

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        refuse_control_characters_in_fields(self)

    @property
    def localized_tagline(self):
        return translated(self, "tagline")

    @property
    def localized_introduction(self):
        """The Spanish introduction on Spanish pages when there is one, else the English."""
        return translated(self, "introduction")

    @classmethod
    def load(cls):
        """The practice's row (the first), or a blank one while there is none."""
        return cls.objects.order_by("pk").first() or cls(name="")
