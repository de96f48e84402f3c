import os
import sys

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic_site.settings")

try:
    settings.SECRET_KEY  # noqa: B018 - Django raises here when the key is empty
except ImproperlyConfigured:
    # One readable line in the server's log, before anything else starts, rather than a
    # traceback at the first request.
    sys.exit("SECRET_KEY is not set: export SECRET_KEY=<a long random string> (or DEBUG=1 for development).")

application = get_wsgi_application()
