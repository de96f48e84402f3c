"""The visit as an iCalendar file (RFC 5545, iTIP methods from RFC 5546).

One event per request, with the same UID for its whole life and a SEQUENCE that rises with each
change (AppointmentRequest.visit_sequence), so a calendar moves or removes the event it already
holds instead of adding a second one. Times are in the clinic's zone with its VTIMEZONE, so the
visit shows at the right hour on the patient's phone wherever it is set, across daylight saving.
Like the e-mail, it carries nothing the patient wrote; it names them by the address it is sent to.
"""

from email.utils import parseaddr
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext


def event_uid(appointment_request):
    return f"appointment-{appointment_request.reference}@{urlsplit(settings.SITE_URL).hostname}"


def invitation(appointment_request, clinic, cancelled=False):
    """The .ics bytes: METHOD:REQUEST for a booked or changed visit, METHOD:CANCEL to remove it.
    Texts in the active language."""
    visit = appointment_request.visit
    office = visit.office
    cal = icalendar.Calendar()
    cal.add("prodid", f"-//{clinic.name}//Appointments//EN")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancelled else "REQUEST")
    event = icalendar.Event()
    event.add("uid", event_uid(appointment_request))
    event.add("sequence", appointment_request.visit_sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", timezone.localtime(visit.at))
    event.add("dtend", timezone.localtime(visit.ends_at))
    event.add("summary", gettext("Appointment at %(practice)s") % {"practice": clinic.name})
    event.add("location", f"{office.name}, {office.address_line}")
    event.add("description", f"{office.phone}\n{office.directions_url}")
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    # RFC 5546: the organizer is an address (DEFAULT_FROM_EMAIL may be "Clinic <no-reply@...>"),
    # and every REQUEST or CANCEL names its attendees: the patient, who needs not answer.
    event.add("organizer", f"mailto:{parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}", parameters={"cn": clinic.name})
    event.add("attendee", f"mailto:{appointment_request.email}", parameters={"rsvp": "FALSE"})
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
