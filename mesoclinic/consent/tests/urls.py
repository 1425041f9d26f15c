"""The project's URLs plus the consent templates pages (``consent.template_urls``).

Used by the template page tests until the project URLconf includes those pages itself.
"""

from __future__ import annotations

from django.urls import include, path

from mesoclinic.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *project_urlpatterns,
    path("consent/templates/", include("mesoclinic.consent.template_urls")),
]
