"""The audit log in words: who did what to whom, details as fields, thumbnails folded."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from mesoclinic.accounts.models import Site, User
from mesoclinic.audit import wording
from mesoclinic.audit.models import Action, Outcome
from mesoclinic.audit.tests.helpers import event
from mesoclinic.patients.models import Patient

URL = reverse("audit:list")
AT = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)


def _rows(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    cells = re.findall(r'<td class="wrap">(.*?)</td>', body, re.S)
    return [re.sub(r"<[^>]+>", "", cell) for cell in cells]


def test_it_says_who_did_what_to_which_patient_in_words(
    client_for: Callable[[User], Client],
    manager_a: User,
    practitioner_a: User,
    patient_a: Patient,
    site_a: Site,
) -> None:
    event(
        practitioner_a,
        at=AT,
        action=Action.UPDATE,
        object_type="plan",
        patient_id=patient_a.pk,
        site_id=site_a.pk,
        detail={"path": "areas[0].points", "old": None, "new": 20, "reason": "Measured"},
    )
    event(
        practitioner_a,
        at=AT + dt.timedelta(minutes=1),
        object_type="consultation",
        patient_id=patient_a.pk,
        outcome=Outcome.DENIED,
        detail={"reason": "capability", "capability": "view_clinical"},
    )
    page = client_for(manager_a).get(URL).content.decode()
    assert _rows(page)[-2:] == [
        f"{practitioner_a.username} was refused: view a consultation of Anderson, Alice",
        f"{practitioner_a.username} changed a treatment plan of Anderson, Alice",
    ]
    assert (
        "<dt>Value</dt><dd>areas[0].points</dd><dt>Was</dt><dd>none</dd>"
        "<dt>Now</dt><dd>20</dd><dt>Reason</dt><dd>Measured</dd>"
    ) in page
    assert "{&quot;" not in page  # no JSON


def test_thumbnails_of_one_page_view_are_one_row(
    client_for: Callable[[User], Client],
    manager_a: User,
    practitioner_a: User,
    patient_a: Patient,
    site_a: Site,
) -> None:
    for second in range(6):
        event(
            practitioner_a,
            at=AT + dt.timedelta(seconds=second),
            object_type="photo_thumbnail",
            patient_id=patient_a.pk,
            site_id=site_a.pk,
        )
    # A later look at the gallery is a row of its own.
    event(
        practitioner_a,
        at=AT + dt.timedelta(minutes=10),
        object_type="photo_thumbnail",
        patient_id=patient_a.pk,
        site_id=site_a.pk,
    )
    page = client_for(manager_a).get(URL).content.decode()
    thumbnails = [row for row in _rows(page) if "thumbnail" in row]
    assert thumbnails == [
        f"{practitioner_a.username} viewed a photo thumbnail of Anderson, Alice",
        f"{practitioner_a.username} viewed 6 photo thumbnails of Anderson, Alice",
    ]


def test_details_are_labelled_fields_with_nested_values_flattened() -> None:
    assert wording.fields(
        {
            "page": 2,
            "filters": {"date_from": "2026-12-01"},
            "shown": [3, 4],
            "restored": True,
            "status": "awaiting_prescriber",
        }
    ) == [
        ("Filters: from", "2026-12-01"),
        ("Page", "2"),
        ("Restored", "yes"),
        ("Patients shown", "3, 4"),
        ("Status", "awaiting prescriber"),
    ]


def test_sign_ins_read_as_sentences_of_their_own() -> None:
    assert wording.sentence("nina", "login", "session", denied=False) == "nina signed in"
    assert wording.sentence("nina", "login_failed", "session", denied=True) == (
        "nina failed to sign in"
    )
