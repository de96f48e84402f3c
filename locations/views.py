from django.utils.decorators import method_decorator
from django.views.decorators.cache import cache_control
from django.views.generic import DetailView, ListView

from .models import Location

# "Open now" goes stale: no browser or proxy may keep these pages longer than a minute.
fresh_for_a_minute = method_decorator(cache_control(max_age=60), name="dispatch")


@fresh_for_a_minute
class LocationListView(ListView):
    template_name = "locations/location_list.html"
    context_object_name = "office_list"

    def get_queryset(self):
        return Location.objects.for_display()


@fresh_for_a_minute
class LocationDetailView(DetailView):
    template_name = "locations/location_detail.html"
    context_object_name = "office"

    def get_queryset(self):
        return Location.objects.for_display()
