import logging

from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.db import InterfaceError, OperationalError
from django.http import QueryDict

from core.control_characters import has_control_characters

from .views import service_unavailable

logger = logging.getLogger(__name__)

DATABASE_DOWN = (OperationalError, InterfaceError)


def database_unavailable(request, exception):
    logger.error("database unavailable", extra={"error_type": type(exception).__name__, "path": request.path})
    return service_unavailable(request)


class DatabaseUnavailableMiddleware:
    """Turn "the database does not answer" into a 503 that asks the patient to call.

    Only connection-level errors: anything else is a bug and stays a 500. The exception
    text is not logged, since a failed query's message can quote the values it carried.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_DOWN):
            return database_unavailable(request, exception)
        return None


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, but a database outage while saving the session (after the view, outside
    DatabaseUnavailableMiddleware's reach) gives the 503 page too, not a 500."""

    def process_response(self, request, response):
        try:
            return super().process_response(request, response)
        except DATABASE_DOWN as exception:
            return database_unavailable(request, exception)


class IgnoreControlCharactersMiddleware:
    """Query parameters holding control characters are dropped before any view sees them: no
    link the site makes holds one, and PostgreSQL cannot even compare a NUL (a front-desk filter
    of ?status__exact=%00 was a 500). A patient's mangled link still opens its page, as with
    any unknown parameter. Posted fields are checked by their forms, with a message beside the
    field."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any(has_control_characters(name + "".join(values)) for name, values in request.GET.lists()):
            kept = QueryDict(mutable=True)
            for name, values in request.GET.lists():
                values = [value for value in values if not has_control_characters(value)]
                if values and not has_control_characters(name):
                    kept.setlist(name, values)
            kept._mutable = False
            request.GET = kept
        return self.get_response(request)
