from django.views.generic import DetailView, ListView

from .models import Location


class LocationListView(ListView):
    template_name = "locations/location_list.html"
    context_object_name = "office_list"

    def get_queryset(self):
        return Location.objects.for_display()


class LocationDetailView(DetailView):
    template_name = "locations/location_detail.html"
    context_object_name = "office"

    def get_queryset(self):
        return Location.objects.for_display()  # special dates from today on: read per request
