from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from mesoclinic.api import api
from mesoclinic.core import views as core_views
from mesoclinic.ops import views as ops_views
from mesoclinic.public import views as public_views

urlpatterns = [
    path("", public_views.home, name="index"),
    path("health", core_views.health, name="health"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("ready", ops_views.ready, name="ready"),
    path("accounts/", include("mesoclinic.accounts.urls")),
    path("patients/", include("mesoclinic.patients.urls")),
    path("patients/<int:patient_id>/consultations/", include("mesoclinic.consultations.urls")),
    path(
        "patients/<int:patient_id>/consultations/<int:consultation_id>/plans/",
        include("mesoclinic.plans.urls"),
    ),
    path("patients/<int:patient_id>/consent/", include("mesoclinic.consent.urls")),
    path("patients/<int:patient_id>/photos/", include("mesoclinic.photos.urls")),
    path("consent/templates/", include("mesoclinic.consent.template_urls")),
    # Before the diary's own routes, so that none of them can shadow these.
    path("diary/manage/", include("mesoclinic.scheduling.manage_urls")),
    path("diary/", include("mesoclinic.scheduling.urls")),
    path("audit/", include("mesoclinic.audit.urls")),
    path("enquiry/", include("mesoclinic.enquiries.public_urls")),
    path("enquiries/", include("mesoclinic.enquiries.urls")),
    path("", include("mesoclinic.public.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
