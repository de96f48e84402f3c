from django.urls import path
from django.views.generic import TemplateView

app_name = "appointments"

# Placeholder until the appointments issue lands.
urlpatterns = [path("request/", TemplateView.as_view(template_name="base.html"), name="request")]
