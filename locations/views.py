from django.views.generic import DetailView, TemplateView

from .models import Location


class LocationListView(TemplateView):
    """Every office with its hours: the `offices` every page's header and footer read already
    (clinic_site's context processor), so the list costs no query of its own."""

    template_name = "locations/location_list.html"


class LocationDetailView(DetailView):
    template_name = "locations/location_detail.html"
    context_object_name = "office"

    def get_queryset(self):
        return Location.objects.for_display()  # special dates from today on: read per request
