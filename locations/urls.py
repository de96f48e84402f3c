from django.urls import path

from core.public_pages import public_page

from . import views

app_name = "locations"

urlpatterns = [
    path("", public_page(views.LocationListView.as_view()), name="list"),
    path("<slug:slug>/", public_page(views.LocationDetailView.as_view()), name="detail"),
]
