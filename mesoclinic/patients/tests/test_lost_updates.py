"""No lost updates: concurrent edits of one patient keep every change or answer 409.

The version column is checked in the UPDATE. Through the API, ``If-Match`` names the version
a change was made on; without it only the keys sent are written, onto the current row. On
SQLite writers queue at BEGIN, so the race is played out in sequence with stale versions; on
PostgreSQL four threads start together at a barrier.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client

from mesoclinic.accounts.models import User
from mesoclinic.audit.models import AuditEvent, Outcome
from mesoclinic.patients.models import Patient
from mesoclinic.patients.tests.helpers import ApiClient

CHANGES = [
    {"given_name": "Alicia"},
    {"phone": "020 7946 0001"},
    {"email": "alicia@example.org"},
    {"address": "1 New Street, London"},
]
ClientFor = Callable[[User], Client]


def _patch(api: ApiClient, patient: Patient, body: dict[str, str], **headers: str) -> Any:
    return api.client.patch(
        f"/api/v1/patients/{patient.pk}",
        body,
        content_type="application/json",
        headers={**api.headers, **headers},
    )


def _kept(patient: Patient) -> dict[str, str]:
    patient.refresh_from_db()
    return {key: getattr(patient, key) for change in CHANGES for key in change}


def test_the_api_sends_the_version_as_an_etag(receptionist_a: User, patient_a: Patient) -> None:
    api = ApiClient(receptionist_a)
    read = api.get(f"/api/v1/patients/{patient_a.pk}")
    assert (read["ETag"], read.json()["version"]) == ('"1"', 1)
    changed = _patch(api, patient_a, {"given_name": "Alicia"}, **{"If-Match": '"1"'})
    assert changed.status_code == 200
    assert (changed["ETag"], changed.json()["version"]) == ('"2"', 2)


def test_stale_if_match_patches_answer_409_and_change_nothing(
    receptionist_a: User, patient_a: Patient
) -> None:
    api = ApiClient(receptionist_a)
    answers = [_patch(api, patient_a, c, **{"If-Match": '"1"'}) for c in CHANGES]
    assert [a.status_code for a in answers] == [200, 409, 409, 409]
    assert answers[1]["ETag"] == '"2"'
    assert "changed by someone else" in answers[1].json()["error"]
    assert _kept(patient_a) == {
        "given_name": "Alicia",
        "phone": "+44 7700 900123",
        "email": "alice@example.org",
        "address": "",
    }
    denied = AuditEvent.objects.filter(outcome=Outcome.DENIED, patient=patient_a)
    assert [e.detail["reason"] for e in denied] == ["stale_version"] * 3


def test_patches_of_different_fields_without_if_match_all_stay(
    receptionist_a: User, patient_a: Patient
) -> None:
    api = ApiClient(receptionist_a)
    assert all(_patch(api, patient_a, c).status_code == 200 for c in CHANGES)
    kept = _kept(patient_a)
    assert kept["given_name"] == "Alicia"
    assert kept["email"] == "alicia@example.org"
    assert kept["address"] == "1 New Street, London"
    assert kept["phone"] != "+44 7700 900123"
    assert patient_a.version == 5


def test_an_unreadable_if_match_is_refused_naming_the_header(
    receptionist_a: User, patient_a: Patient
) -> None:
    answer = _patch(ApiClient(receptionist_a), patient_a, {"given_name": "X"}, **{"If-Match": "x"})
    assert answer.status_code == 422
    assert list(answer.json()["fields"]) == ["If-Match"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers")
@pytest.mark.parametrize("if_match", [True, False])
def test_four_concurrent_patches_keep_every_change_or_answer_409(
    receptionist_a: User, patient_a: Patient, if_match: bool
) -> None:
    api = ApiClient(receptionist_a)
    barrier = threading.Barrier(len(CHANGES))
    statuses: dict[int, int] = {}

    def send(index: int) -> None:
        try:
            barrier.wait()
            headers = {"If-Match": '"1"'} if if_match else {}
            answer = _patch(api, patient_a, CHANGES[index], **headers)
            statuses[index] = answer.status_code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(CHANGES))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    kept = _kept(patient_a)
    assert sorted(statuses.values()) == ([200, 409, 409, 409] if if_match else [200] * 4)
    # Every change answered 200 is in the record, every one answered 409 is not.
    for index, status in statuses.items():
        [(key, _)] = CHANGES[index].items()
        assert (kept[key] != _original(key)) == (status == 200), (key, status)
    assert patient_a.version == 1 + list(statuses.values()).count(200)


def _original(key: str) -> str:
    return {
        "given_name": "Alice",
        "phone": "+44 7700 900123",
        "email": "alice@example.org",
        "address": "",
    }[key]


def test_the_edit_form_shows_theirs_and_yours_on_a_stale_save(
    client_for: ClientFor, receptionist_a: User, practitioner_a: User, patient_a: Patient
) -> None:
    path = f"/patients/{patient_a.pk}/edit/"
    mine = client_for(receptionist_a)
    page = mine.get(path).content.decode()
    assert '<input type="hidden" name="version" value="1">' in page
    form = {
        "given_name": "Alice",
        "family_name": "Anderson",
        "date_of_birth": "14/03/1984",
        "sex": "female",
        "phone": "+44 7700 900123",
        "email": "alice@example.org",
        "address": "",
        "version": "1",
    }
    theirs = client_for(practitioner_a).post(path, {**form, "given_name": "Alicia"})
    assert theirs.status_code == 302
    stale = mine.post(path, {**form, "given_name": "Alison", "email": "alison@example.org"})
    assert stale.status_code == 409
    html = stale.content.decode()
    assert "Someone else changed this record" in html
    assert '<th scope="row">Given name</th><td>Alicia</td><td>Alison</td>' in html
    assert '<input type="hidden" name="version" value="2">' in html
    patient_a.refresh_from_db()
    assert (patient_a.given_name, patient_a.email) == ("Alicia", "alice@example.org")
    again = mine.post(path, {**form, "given_name": "Alison", "version": "2"})
    assert again.status_code == 302
