"""The managers' schedule setup pages.

The project's URLconf includes these at ``diary/manage/`` (namespace ``schedule_manage``),
before the diary's own ``diary/`` routes so that none of those can shadow them.
"""

from __future__ import annotations

from django.urls import path

from mesoclinic.scheduling import manage_views

app_name = "schedule_manage"
urlpatterns = [
    path("", manage_views.overview, name="overview"),
    path("services/", manage_views.services, name="services"),
    path("services/new/", manage_views.service_edit, name="service_create"),
    path("services/<int:service_id>/", manage_views.service_edit, name="service_edit"),
    path("sites/<int:site_id>/rooms/", manage_views.rooms, name="rooms"),
    path("sites/<int:site_id>/rooms/new/", manage_views.room_edit, name="room_create"),
    path("sites/<int:site_id>/rooms/<int:room_id>/", manage_views.room_edit, name="room_edit"),
    path(
        "sites/<int:site_id>/practitioners/<int:practitioner_id>/hours/",
        manage_views.hours,
        name="hours",
    ),
    path("sites/<int:site_id>/exceptions/", manage_views.exceptions, name="exceptions"),
    path(
        "sites/<int:site_id>/exceptions/<int:time_off_id>/remove/",
        manage_views.exception_remove,
        name="exception_remove",
    ),
]
