"""The managers' schedule setup pages.

The project's URLconf includes these at ``diary/manage/`` (namespace ``schedule_manage``),
before the diary's own ``diary/`` routes so that none of those can shadow them.
"""

from __future__ import annotations

from django.urls import path

from mesoclinic.scheduling.views import manage

app_name = "schedule_manage"
urlpatterns = [
    path("", manage.overview, name="overview"),
    path("services/", manage.services, name="services"),
    path("services/new/", manage.service_edit, name="service_create"),
    path("services/<int:service_id>/", manage.service_edit, name="service_edit"),
    path("sites/<int:site_id>/rooms/", manage.rooms, name="rooms"),
    path("sites/<int:site_id>/rooms/new/", manage.room_edit, name="room_create"),
    path("sites/<int:site_id>/rooms/<int:room_id>/", manage.room_edit, name="room_edit"),
    path(
        "sites/<int:site_id>/practitioners/<int:practitioner_id>/hours/",
        manage.hours,
        name="hours",
    ),
    path("sites/<int:site_id>/exceptions/", manage.exceptions, name="exceptions"),
    path(
        "sites/<int:site_id>/exceptions/<int:time_off_id>/remove/",
        manage.exception_remove,
        name="exception_remove",
    ),
]
