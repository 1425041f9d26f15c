"""The consent templates pages, which belong to no patient.

The project's URLconf includes these at ``consent/templates/`` (namespace
``consent_templates``): ``path("consent/templates/", include("mesoclinic.consent.template_urls"))``.
"""

from __future__ import annotations

from django.urls import path

from mesoclinic.consent.views import templates

app_name = "consent_templates"
urlpatterns = [
    path("", templates.template_list, name="list"),
    path("publish/", templates.template_publish, name="publish"),
    path("<int:template_id>/", templates.template_detail, name="detail"),
]
