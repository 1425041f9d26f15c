"""The diary's pages, included at ``diary/`` (namespace ``scheduling``)."""

from __future__ import annotations

import datetime as dt

from django.urls import path, register_converter

from mesoclinic.scheduling import booking_views, views


class IsoDate:
    """``YYYY-MM-DD`` in a path; anything else is no such page (404)."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> dt.date:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(value) from None  # the resolver answers 404

    def to_url(self, value: dt.date) -> str:
        return value.isoformat()


register_converter(IsoDate, "date")

app_name = "scheduling"
urlpatterns = [
    path("", views.diary_home, name="home"),
    path("<int:site_id>/<date:day>/", views.diary_day_view, name="day"),
    path("<int:site_id>/week/<date:day>/", views.diary_week_view, name="week"),
    path("<int:site_id>/jump/", views.diary_jump, name="jump"),
    path("book/", booking_views.appointment_book_view, name="book"),
    path("course/", booking_views.course_book_view, name="course"),
    path(
        "appointments/<int:appointment_id>/", booking_views.appointment_detail, name="appointment"
    ),
    path(
        "appointments/<int:appointment_id>/status/",
        booking_views.appointment_status,
        name="status",
    ),
    path("appointments/<int:appointment_id>/move/", booking_views.appointment_move, name="move"),
    path(
        "appointments/<int:appointment_id>/cancel/",
        booking_views.appointment_cancel_view,
        name="cancel",
    ),
    path("patients/<int:patient_id>/", booking_views.patient_appointments, name="patient"),
]
