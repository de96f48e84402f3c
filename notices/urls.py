from django.urls import path

from core.public_pages import public_page

from . import views

app_name = "notices"

urlpatterns = [
    path("", public_page(views.NoticeListView.as_view()), name="list"),
    path("<slug:kind>/", public_page(views.NoticeDetailView.as_view()), name="detail"),
    path("<slug:kind>/versions/<int:number>/", public_page(views.NoticeDetailView.as_view()), name="version"),
]
