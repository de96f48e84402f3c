from django.views.generic import DetailView, ListView

from .models import Location


class LocationListView(ListView):
    template_name = "locations/location_list.html"
    context_object_name = "office_list"

    def get_queryset(self):
        return Location.objects.for_display()


class LocationDetailView(DetailView):
    """One office, fetched alone: the page reads its hours (office.with_hours) only where it
    draws them afresh, which a process does once a minute or once per change."""

    template_name = "locations/location_detail.html"
    context_object_name = "office"
    queryset = Location.objects.all()
