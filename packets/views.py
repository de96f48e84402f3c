"""The patient's packet pages (being built: see issue 27)."""

from django.http import Http404


def start(request, token):
    raise Http404
