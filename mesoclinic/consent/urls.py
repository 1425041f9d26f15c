"""A patient's consent pages, under ``patients/<patient_id>/consent/``."""

from __future__ import annotations

from django.urls import path

from mesoclinic.consent.views import patient

app_name = "consent"
urlpatterns = [
    path("", patient.overview, name="list"),
    path("sign/<slug:treatment>/", patient.sign, name="sign"),
    path("<int:record_id>/", patient.detail, name="detail"),
    path("<int:record_id>/signature.png", patient.signature, name="signature"),
    path("photo/", patient.photo_consent, name="photo"),
    path("photo/<int:photo_consent_id>/withdraw/", patient.photo_withdraw, name="photo_withdraw"),
]
