from django.urls import path

from . import views

app_name = "packets"

urlpatterns = [
    path("<str:token>/", views.start, name="start"),
    path("<str:token>/<int:number>/", views.step, name="step"),
]
