from __future__ import annotations

from django.urls import path

from mesoclinic.enquiries import public_views

app_name = "enquiry"
urlpatterns = [
    path("", public_views.enquiry_form_view, name="form"),
    path("sent/", public_views.enquiry_sent_view, name="sent"),
]
