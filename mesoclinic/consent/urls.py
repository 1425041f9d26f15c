"""A patient's consent pages, under ``patients/<patient_id>/consent/``."""

from __future__ import annotations

from django.urls import path

from mesoclinic.consent import views

app_name = "consent"
urlpatterns = [
    path("", views.overview, name="list"),
    path("sign/<slug:treatment>/", views.sign, name="sign"),
    path("<int:record_id>/", views.detail, name="detail"),
    path("<int:record_id>/signature.png", views.signature, name="signature"),
    path("photo/", views.photo_consent, name="photo"),
    path("photo/<int:photo_consent_id>/withdraw/", views.photo_withdraw, name="photo_withdraw"),
]
