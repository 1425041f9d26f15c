from __future__ import annotations

from django.urls import path

from mesoclinic.enquiries import views

app_name = "enquiries"
urlpatterns = [
    path("", views.inbox_view, name="inbox"),
    path("<int:enquiry_id>/", views.detail_view, name="detail"),
    path("<int:enquiry_id>/contacted/", views.contacted_view, name="contacted"),
    path("<int:enquiry_id>/close/", views.close_view, name="close"),
    path("<int:enquiry_id>/convert/", views.convert_view, name="convert"),
]
