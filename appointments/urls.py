from django.urls import path

from . import views

app_name = "appointments"

urlpatterns = [
    # Not a public page: each visitor's copy holds their own CSRF token.
    path("request/", views.AppointmentRequestView.as_view(), name="request"),
    path("request/received/", views.request_received, name="received"),
    path("visit/<str:token>/", views.visit_link, name="visit"),
    path("earlier-time/<str:token>/", views.waitlist_offer, name="offer"),
]
