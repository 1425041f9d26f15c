from __future__ import annotations

from django.contrib import admin
from django.urls import path

from mesoclinic.api import api
from mesoclinic.core import views as core_views

urlpatterns = [
    path("", core_views.index, name="index"),
    path("health", core_views.health, name="health"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
