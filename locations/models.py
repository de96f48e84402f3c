from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from phonenumber_field.phonenumber import to_python

from core.control_characters import refuse_control_characters_in_fields
from core.languages import translated


def hours_prefetches():
    """What the offices' pages read of their hours: the weekly hours, and the special dates
    from today on only (past closures pile up over the years and no page shows them, so the
    query stays small however long the site runs)."""
    upcoming = SpecialDate.objects.filter(date__gte=timezone.localdate()).order_by("date", "opens")
    return ["weekly_hours", models.Prefetch("special_dates", queryset=upcoming)]


class LocationQuerySet(models.QuerySet):
    def for_display(self):
        """Offices in display order with everything their hours need, in three queries."""
        return self.order_by("display_order", "name").prefetch_related(*hours_prefetches())

    def taking_requests(self):
        return self.filter(accepts_requests=True)


class Location(models.Model):
    name = models.CharField(_("name"), max_length=100, help_text='Short, as patients say it: "Main Street".')
    slug = models.SlugField(_("slug"), unique=True, help_text="Part of the office's web address; keep it stable.")
    street_address = models.CharField(_("street address"), max_length=200)
    suite = models.CharField(_("suite"), max_length=50, blank=True)
    city = models.CharField(_("city"), max_length=100)
    state = models.CharField(_("state"), max_length=2, help_text="Two-letter code, e.g. TX.")
    postal_code = models.CharField(_("ZIP code"), max_length=10)
    phone = models.CharField(_("phone"), max_length=20, help_text="As patients should read it, e.g. 915-555-0100.")
    display_order = models.PositiveSmallIntegerField(_("display order"), default=0)
    accepts_requests = models.BooleanField(
        _("takes appointment requests"), default=True, help_text="Offer this office on the request form."
    )

    objects = LocationQuerySet.as_manager()

    class Meta:
        ordering = ["display_order", "name"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("locations:detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        refuse_control_characters_in_fields(self)
        if self.phone and not self.phone_number.is_valid():
            raise ValidationError({"phone": _("Enter a valid phone number.")})

    @property
    def street_line(self):
        """The street address with the suite, if any: "1600 Main Street, Suite 120"."""
        return f"{self.street_address}, {self.suite}" if self.suite else self.street_address

    @property
    def address_line(self):
        """The postal address on one line, for map searches."""
        return f"{self.street_line}, {self.city}, {self.state} {self.postal_code}"

    @property
    def phone_number(self):
        """The phone, parsed (in settings.PHONENUMBER_DEFAULT_REGION unless it names a country);
        an unreadable one comes back invalid rather than raising."""
        return to_python(self.phone)

    @property
    def directions_url(self):
        """A plain link to a map search for the address. A link, never an embedded map: nothing
        on our pages may load from another origin."""
        return "https://www.google.com/maps/search/?" + urlencode({"api": "1", "query": self.address_line})

    @cached_property
    def phone_uri(self):
        """The tel: link, in international form so it dials from anywhere. Kept on the instance:
        parsing the phone is dear, and a page links it from the header, footer and body."""
        return "tel:" + self.phone_number.as_e164


class DayKind(models.TextChoices):
    OPEN = "open", _("Open")
    BY_APPOINTMENT = "by_appointment", _("By appointment only")
    CLOSED = "closed", _("Closed")


class Weekday(models.IntegerChoices):
    # Python's date.weekday() numbering.
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class HoursRow(models.Model):
    """One row of a day's hours: an open interval, or the whole day by appointment or closed.

    An open day with a lunch break has two open rows. Times are wall-clock times in the
    clinic's time zone (settings.TIME_ZONE).
    """

    kind = models.CharField(_("kind"), max_length=20, choices=DayKind.choices, default=DayKind.OPEN)
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        refuse_control_characters_in_fields(self)
        if self.kind == DayKind.OPEN:
            if self.opens is None or self.closes is None:
                raise ValidationError(_("An open day needs an opening and a closing time."))
            if self.closes <= self.opens:
                raise ValidationError({"closes": _("Closing time must be after opening time.")})
        elif self.opens is not None or self.closes is not None:
            raise ValidationError(_("Only open days have opening and closing times."))


class WeeklyHours(HoursRow):
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="weekly_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name = _("weekly hours")
        verbose_name_plural = _("weekly hours")

    def __str__(self):
        return f"{self.location} {self.get_weekday_display()}"


class SpecialDate(HoursRow):
    """A holiday closure or changed hours on one date; it replaces that weekday's hours."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="special_dates")
    date = models.DateField(_("date"))
    note = models.CharField(
        _("note for patients"), max_length=200, blank=True, help_text='Short, e.g. "Closed for Thanksgiving".'
    )
    note_es = models.CharField(
        _("note for patients (Spanish)"),
        max_length=200,
        blank=True,
        help_text='The same note in Spanish, e.g. "Cerrado por el Día de Acción de Gracias".',
    )

    class Meta:
        ordering = ["date", "opens"]
        verbose_name = _("special date")
        verbose_name_plural = _("special dates")
        indexes = [models.Index(fields=["location", "date"])]

    def __str__(self):
        return f"{self.location} {self.date}"

    @property
    def localized_note(self):
        """The Spanish note on Spanish pages when the editor wrote one, else the English."""
        return translated(self, "note")
