import logging

from django.db import InterfaceError, OperationalError

from .views import service_unavailable

logger = logging.getLogger(__name__)


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
        if isinstance(exception, (OperationalError, InterfaceError)):
            logger.error("database unavailable", extra={"error_type": type(exception).__name__, "path": request.path})
            return service_unavailable(request)
        return None
