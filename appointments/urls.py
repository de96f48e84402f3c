from django.urls import path

from shared.public_pages import public_page

from . import views

app_name = "appointments"

urlpatterns = [
    # Public: the page cache keeps the blank form with a placeholder for its CSRF token.
    path("request/", public_page(views.AppointmentRequestView.as_view()), name="request"),
    path("request/received/", views.request_received, name="received"),
    path("visit/<str:token>/", views.visit_link, name="visit"),
]
