from django.urls import path
from django.views.generic import DetailView, TemplateView

from .models import Location

app_name = "locations"

# Placeholders until the locations issue lands.
urlpatterns = [
    path("", TemplateView.as_view(template_name="base.html"), name="list"),
    path("<slug:slug>/", DetailView.as_view(model=Location, template_name="base.html"), name="detail"),
]
