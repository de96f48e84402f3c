"""schema.org data for an office page, so search engines show the right address and hours."""

import datetime

from . import hours

# schema.org's day names; data for machines, never translated.
SCHEMA_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _hhmm(value):
    return value.strftime("%H:%M")


def opening_hours_specification(office, today):
    """Regular open hours, one entry per distinct interval with its weekdays, then every upcoming
    special date.

    Only walk-in hours are published: a by-appointment day is not "open" to a search engine's
    reader, so regular by-appointment days are left out and a by-appointment special date is
    published as closed ("00:00"-"00:00", Google's convention), overriding the weekly hours.
    """
    days_by_interval = {}
    for offset in range(7):
        day = hours.regular_hours_on(office, today + datetime.timedelta(days=offset))
        for interval in day.intervals:
            days_by_interval.setdefault(interval, []).append(day.date.weekday())
    specification = [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": [SCHEMA_DAYS[weekday] for weekday in sorted(weekdays)],
            "opens": _hhmm(opens),
            "closes": _hhmm(closes),
        }
        for (opens, closes), weekdays in sorted(days_by_interval.items(), key=lambda item: min(item[1]))
    ]
    for day in hours.upcoming_special_days(office, today):
        intervals = day.intervals or ((datetime.time(0), datetime.time(0)),)
        specification += [
            {
                "@type": "OpeningHoursSpecification",
                "validFrom": day.date.isoformat(),
                "validThrough": day.date.isoformat(),
                "opens": _hhmm(opens),
                "closes": _hhmm(closes),
            }
            for opens, closes in intervals
        ]
    return specification


def medical_clinic(office, clinic_name, url, today):
    """The office as a schema.org MedicalClinic, a plain dict for the json_ld filter."""
    return {
        "@context": "https://schema.org",
        "@type": "MedicalClinic",
        "name": f"{clinic_name}, {office.name}" if clinic_name else office.name,
        "url": url,
        "telephone": office.phone_number.as_international,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": office.street_line,
            "addressLocality": office.city,
            "addressRegion": office.state,
            "postalCode": office.postal_code,
            "addressCountry": "US",
        },
        "openingHoursSpecification": opening_hours_specification(office, today),
    }
