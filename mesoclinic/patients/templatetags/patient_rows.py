"""The patient list's table rows, built in Python.

The list is the busiest page of the clinic. Through the template engine each row cost about
100 microseconds (eight variable lookups, auto-escaping and a date filter, each through the
engine's generic machinery): two thirds of the page's rendering. ``format_html`` escapes every
value just the same at a tenth of the cost. The row's markup is ``ROW`` below; the table
around it stays in ``patients/list.html``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from mesoclinic.patients.models import Patient

register = template.Library()

ROW = '<tr><td><a href="{}{}/">{}, {}</a>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>'
ARCHIVED_BADGE = format_html(' <span class="badge archived-badge">{}</span>', "Archived")


@register.simple_tag
def patient_rows(patients: Iterable[Patient], detail_url_prefix: str) -> SafeString:
    """One ``<tr>`` per patient: name linking to ``<prefix><id>/``, birth date as dd/mm/yyyy,
    phone, site name. Every value is HTML-escaped. Needs ``site`` selected with the patient."""
    return format_html_join(
        "\n",
        ROW,
        (
            (
                detail_url_prefix,
                patient.pk,
                patient.family_name,
                patient.given_name,
                ARCHIVED_BADGE if patient.is_archived else "",
                patient.date_of_birth.strftime("%d/%m/%Y"),
                patient.phone,
                patient.site.name,
            )
            for patient in patients
        ),
    )
