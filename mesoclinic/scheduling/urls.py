"""The diary's pages, included at ``diary/`` (namespace ``scheduling``)."""

from __future__ import annotations

import datetime as dt

from django.urls import path, register_converter

from mesoclinic.scheduling.views import booking, diary


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
    path("", diary.diary_home, name="home"),
    path("<int:site_id>/<date:day>/", diary.diary_day_view, name="day"),
    path("<int:site_id>/week/<date:day>/", diary.diary_week_view, name="week"),
    path("<int:site_id>/jump/", diary.diary_jump, name="jump"),
    path("book/", booking.appointment_book_view, name="book"),
    path("course/", booking.course_book_view, name="course"),
    path("appointments/<int:appointment_id>/", booking.appointment_detail, name="appointment"),
    path(
        "appointments/<int:appointment_id>/status/",
        booking.appointment_status,
        name="status",
    ),
    path("appointments/<int:appointment_id>/move/", booking.appointment_move, name="move"),
    path(
        "appointments/<int:appointment_id>/cancel/",
        booking.appointment_cancel_view,
        name="cancel",
    ),
    path("patients/<int:patient_id>/", booking.patient_appointments, name="patient"),
]
