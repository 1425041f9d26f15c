"""The patient list's rows, built in Python: whole markup, every value escaped."""

from __future__ import annotations

import datetime as dt

from mesoclinic.patients.matching import Summary
from mesoclinic.patients.templatetags.patient_rows import patient_rows


def test_it_writes_one_escaped_row_per_patient() -> None:
    patients = [
        Summary(
            id=7,
            site_id=1,
            site_name="Soho & Co",
            given_name='<b onmouseover="x">Ann</b>',
            family_name="O'Brien",
            date_of_birth=dt.date(1984, 3, 4),
            phone="07700 900123",
            is_archived=False,
        ),
        Summary(
            id=8,
            site_id=1,
            site_name="Soho & Co",
            given_name="Bea",
            family_name="Brown",
            date_of_birth=dt.date(1950, 12, 31),
            phone="",
            is_archived=True,
        ),
    ]
    assert patient_rows(patients, "/patients/") == (
        '<tr><td class="wrap"><a href="/patients/7/">O&#x27;Brien, &lt;b onmouseover=&quot;x&quot;'
        '&gt;Ann&lt;/b&gt;</a></td><td data-label="Date of birth">04/03/1984</td>'
        '<td data-label="Phone">07700 900123</td><td data-label="Site">Soho &amp; Co</td>'
        "</tr>\n"
        '<tr><td class="wrap"><a href="/patients/8/">Brown, Bea</a> <span class="badge '
        'archived-badge">Archived</span></td><td data-label="Date of birth">31/12/1950</td>'
        '<td data-label="Phone"></td><td data-label="Site">Soho &amp; Co</td></tr>'
    )


def test_no_patients_make_no_rows() -> None:
    assert patient_rows([], "/patients/") == ""
