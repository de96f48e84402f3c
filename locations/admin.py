from collections import defaultdict

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models.constants import LOOKUP_SEP
from django.forms.models import BaseInlineFormSet
from django.utils.dateformat import format as format_date

from .hours import format_time
from .models import DayKind, Location, SpecialDate, Weekday, WeeklyHours


class HoursRowFormSet(BaseInlineFormSet):
    """Checks the rows of each day together: one kind per day, and open intervals that do not
    overlap. (Each row's own times, closing after opening, are checked by HoursRow.clean.)"""

    day_field = None

    def day_label(self, day):
        raise NotImplementedError

    def clean(self):
        super().clean()
        rows_by_day = defaultdict(list)
        for form in self.forms:
            row = getattr(form, "cleaned_data", None)
            if not row or row.get("DELETE") or form.errors or row.get(self.day_field) is None:
                continue
            rows_by_day[row[self.day_field]].append(row)
        errors = []
        for day, rows in sorted(rows_by_day.items()):
            label = self.day_label(day)
            if len(rows) > 1 and {row["kind"] for row in rows} & {DayKind.CLOSED, DayKind.BY_APPOINTMENT}:
                errors.append(
                    f"{label}: a day is either open, by appointment only, or closed. A closed or "
                    "by-appointment day takes exactly one row; delete its other rows."
                )
                continue
            intervals = sorted((row["opens"], row["closes"]) for row in rows)
            for (opens, closes), (next_opens, next_closes) in zip(intervals, intervals[1:], strict=False):
                if next_opens < closes:
                    errors.append(
                        f"{label}: the open hours {format_time(opens)} - {format_time(closes)} and "
                        f"{format_time(next_opens)} - {format_time(next_closes)} overlap. "
                        "Merge them into one row or fix the times."
                    )
        if errors:
            raise ValidationError(errors)


class WeeklyHoursFormSet(HoursRowFormSet):
    day_field = "weekday"

    def day_label(self, day):
        return Weekday(day).label


class SpecialDateFormSet(HoursRowFormSet):
    day_field = "date"

    def day_label(self, day):
        return format_date(day, "l, F j, Y")


class WeeklyHoursInline(admin.TabularInline):
    model = WeeklyHours
    formset = WeeklyHoursFormSet
    fields = ["weekday", "kind", "opens", "closes"]
    extra = 0


class SpecialDateInline(admin.TabularInline):
    model = SpecialDate
    formset = SpecialDateFormSet
    fields = ["date", "kind", "opens", "closes", "note", "note_es"]
    extra = 1
    verbose_name_plural = "special dates (holidays, closures, changed hours; they replace that day's weekly hours)"


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "phone", "city", "display_order", "accepts_requests"]
    list_filter = ["accepts_requests"]
    search_fields = ["name", "street_address", "city"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [WeeklyHoursInline, SpecialDateInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "display_order", "accepts_requests"]}),
        ("Address and phone", {"fields": ["street_address", "suite", "city", "state", "postal_code", "phone"]}),
    ]

    def lookup_allowed(self, lookup, value, request=None):
        # Editors see offices but no requests: no counting them through the list's filters
        # (?appointment_requests__id__gte=16). Refused lookups answer 400.
        if lookup.split(LOOKUP_SEP)[0] == "appointment_requests":
            return False
        return super().lookup_allowed(lookup, value, request)

    def to_field_allowed(self, request, to_field):
        # Django's check assumes a concrete field and answers ?_to_field=<reverse relation>
        # with a 500; only the office's own columns can be referenced.
        try:
            field = self.opts.get_field(to_field)
        except FieldDoesNotExist:
            return False
        return field.concrete and super().to_field_allowed(request, to_field)
