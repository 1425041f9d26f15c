"""No lost updates: concurrent edits of one draft consultation keep every change or answer 409.

The version column is checked in the UPDATE (decision 0031). Through the API, ``If-Match``
names the version a change was made on; without it only the keys sent are written, onto the
current row. On SQLite writers queue at BEGIN, so the race is played out in sequence with stale
versions; on PostgreSQL four threads start together at a barrier.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client

from mesoclinic.accounts.models import User
from mesoclinic.audit.models import AuditEvent, Outcome
from mesoclinic.consultations.models import Consultation
from mesoclinic.consultations.tests.helpers import make_consultation, url
from mesoclinic.consultations.tests.test_api import API, api_client
from mesoclinic.consultations.tests.test_consultation_form import GOOD
from mesoclinic.patients.models import Patient

CHANGES: list[dict[str, Any]] = [
    {"notes": "Bruises easily."},
    {"needle_fear": "severe"},
    {"fitzpatrick_type": "IV"},
    {"allergies": ["lidocaine"]},
]
ORIGINAL: dict[str, Any] = {
    "notes": "",
    "needle_fear": "none",
    "fitzpatrick_type": "",
    "allergies": [],
}
ClientFor = Callable[[User], Client]


@pytest.fixture
def consultation(patient_a: Patient, practitioner_a: User) -> Consultation:
    return make_consultation(patient_a, practitioner_a)


def _patch(client: Client, consultation: Consultation, body: dict[str, Any], **headers: str) -> Any:
    return client.patch(
        f"{API}/{consultation.pk}", body, content_type="application/json", headers=headers
    )


def _kept(consultation: Consultation) -> dict[str, Any]:
    consultation.refresh_from_db()
    return {key: getattr(consultation, key) for key in ORIGINAL}


def test_the_api_sends_the_version_as_an_etag(
    consultation: Consultation, practitioner_a: User
) -> None:
    client = api_client(practitioner_a)
    read = client.get(f"{API}/{consultation.pk}")
    assert (read["ETag"], read.json()["version"]) == ('"1"', 1)
    changed = _patch(client, consultation, {"notes": "Calm."}, **{"If-Match": '"1"'})
    assert changed.status_code == 200
    assert (changed["ETag"], changed.json()["version"]) == ('"2"', 2)
    assert changed.json()["notes"] == "Calm."
    assert changed.json()["concerns"] == read.json()["concerns"]  # keys not sent stay


def test_stale_if_match_patches_answer_409_and_change_nothing(
    consultation: Consultation, practitioner_a: User
) -> None:
    client = api_client(practitioner_a)
    answers = [_patch(client, consultation, c, **{"If-Match": '"1"'}) for c in CHANGES]
    assert [a.status_code for a in answers] == [200, 409, 409, 409]
    assert answers[1]["ETag"] == '"2"'
    assert "changed by someone else" in answers[1].json()["error"]
    assert _kept(consultation) == {**ORIGINAL, "notes": "Bruises easily."}
    denied = AuditEvent.objects.filter(outcome=Outcome.DENIED, object_type="consultation")
    assert [e.detail["reason"] for e in denied] == ["stale_version"] * 3


def test_patches_of_different_fields_without_if_match_all_stay(
    consultation: Consultation, practitioner_a: User
) -> None:
    client = api_client(practitioner_a)
    assert all(_patch(client, consultation, c).status_code == 200 for c in CHANGES)
    assert _kept(consultation) == {k: v for c in CHANGES for k, v in c.items()}
    assert consultation.version == 5


def test_a_patch_refuses_bad_input_naming_the_field(
    consultation: Consultation, practitioner_a: User
) -> None:
    client = api_client(practitioner_a)
    assert list(
        _patch(client, consultation, {"notes": "x"}, **{"If-Match": "x"}).json()["fields"]
    ) == ["If-Match"]
    nulled = _patch(client, consultation, {"needle_fear": None})
    assert (nulled.status_code, list(nulled.json()["fields"])) == (422, ["needle_fear"])
    naive = _patch(client, consultation, {"held_at": "2027-01-10T10:30:00"})
    assert (naive.status_code, list(naive.json()["fields"])) == (422, ["held_at"])
    unknown = _patch(client, consultation, {"patient_id": 1})
    assert unknown.status_code == 422
    consultation.refresh_from_db()
    assert consultation.version == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers")
@pytest.mark.parametrize("if_match", [True, False])
def test_four_concurrent_patches_keep_every_change_or_answer_409(
    consultation: Consultation, practitioner_a: User, if_match: bool
) -> None:
    client = api_client(practitioner_a)
    barrier = threading.Barrier(len(CHANGES))
    statuses: dict[int, int] = {}

    def send(index: int) -> None:
        try:
            barrier.wait()
            headers = {"If-Match": '"1"'} if if_match else {}
            statuses[index] = _patch(client, consultation, CHANGES[index], **headers).status_code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(CHANGES))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    kept = _kept(consultation)
    assert sorted(statuses.values()) == ([200, 409, 409, 409] if if_match else [200] * 4)
    # Every change answered 200 is in the record, every one answered 409 is not.
    for index, status in statuses.items():
        [(key, _)] = CHANGES[index].items()
        assert (kept[key] != ORIGINAL[key]) == (status == 200), (key, status)
    assert consultation.version == 1 + list(statuses.values()).count(200)


def test_the_edit_form_shows_theirs_and_yours_on_a_stale_save(
    client_for: ClientFor, consultation: Consultation, practitioner_a: User
) -> None:
    path = url("edit", consultation)
    mine, theirs = client_for(practitioner_a), client_for(practitioner_a)  # two tabs
    assert '<input type="hidden" name="version" value="1">' in mine.get(path).content.decode()
    form = {**GOOD, "held_at": "2027-01-10T10:30", "version": "1"}
    assert theirs.post(path, {**form, "needle_fear": "severe"}).status_code == 302
    stale = mine.post(path, {**form, "notes": "Mine."})
    assert stale.status_code == 409
    html = stale.content.decode()
    assert "Someone else changed this consultation" in html
    assert '<th scope="row">Fear of needles</th><td>Severe</td><td>Mild</td>' in html
    assert '<th scope="row">Notes</th><td>Wants a natural result.</td><td>Mine.</td>' in html
    assert "Conditions" not in html.split("conflict-title")[1].split("</table>")[0]
    assert '<input type="hidden" name="version" value="2">' in html
    assert re.search(r">\s*Mine\.</textarea>", html)  # what they typed is kept
    consultation.refresh_from_db()
    assert (consultation.needle_fear, consultation.notes) == ("severe", "Wants a natural result.")
    again = mine.post(path, {**form, "notes": "Mine.", "version": "2"})
    assert again.status_code == 302
    consultation.refresh_from_db()
    assert (consultation.notes, consultation.version) == ("Mine.", 3)


def test_an_invalid_post_keeps_the_version_it_was_filled_from(
    client_for: ClientFor, consultation: Consultation, practitioner_a: User
) -> None:
    path = url("edit", consultation)
    form = {**GOOD, "held_at": "2027-01-10T10:30", "version": "1"}
    assert client_for(practitioner_a).post(path, form).status_code == 302
    invalid = client_for(practitioner_a).post(path, {**form, "weight_kg": "9000"})
    assert invalid.status_code == 422
    assert '<input type="hidden" name="version" value="1">' in invalid.content.decode()
