from django.views.generic import DetailView, TemplateView

from .models import Location


class LocationListView(TemplateView):
    """Every office with its hours, as `offices`: the header and footer read the same list."""

    template_name = "locations/location_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, offices=Location.objects.for_display())


class LocationDetailView(DetailView):
    template_name = "locations/location_detail.html"
    context_object_name = "office"

    def get_queryset(self):
        return Location.objects.for_display()  # special dates from today on: read per request
