"""Exporting the filtered audit log as CSV, audit:export."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator
from typing import Any, cast

import pytest
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse

from mesoclinic.accounts.models import Site, User
from mesoclinic.audit.csv_export import BYTE_ORDER_MARK
from mesoclinic.audit.models import Action, AuditEvent, Outcome
from mesoclinic.audit.tests.helpers import event
from mesoclinic.audit.views import CSV_HEADER
from mesoclinic.patients.models import Patient
from mesoclinic.patients.tests.helpers import make_patient

URL = reverse("audit:export")
ClientFor = Callable[[User], Client]


def _rows(response: Any) -> list[dict[str, str]]:
    assert isinstance(response, StreamingHttpResponse)
    assert not response.is_async
    text = b"".join(cast("Iterator[bytes]", response.streaming_content)).decode("utf-8")
    assert text.startswith(BYTE_ORDER_MARK)
    reader = csv.reader(io.StringIO(text.removeprefix(BYTE_ORDER_MARK)))
    header = next(reader)
    assert tuple(header) == CSV_HEADER
    return [dict(zip(header, row, strict=True)) for row in reader]


def test_it_streams_the_filtered_events_as_csv(
    client_for: ClientFor,
    manager_a: User,
    practitioner_a: User,
    practitioner_b: User,
    site_a: Site,
    site_b: Site,
    patient_a: Patient,
    patient_b: Patient,
) -> None:
    at = dt.datetime(2026, 6, 1, 23, 30, tzinfo=dt.UTC)
    viewed = event(practitioner_a, patient_id=patient_a.pk, site_id=site_a.pk, at=at)
    event(practitioner_a, action=Action.UPDATE, patient_id=patient_a.pk, site_id=site_a.pk)
    event(practitioner_b, patient_id=patient_b.pk, site_id=site_b.pk)  # another site's
    response = client_for(manager_a).get(URL, {"action": "view", "date_from": "2026-06-02"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    assert "no-store" in response["Cache-Control"]
    (row,) = [r for r in _rows(response) if r["object_type"] == "patient"]
    assert row == {
        "event": str(viewed.pk),
        "at_utc": "2026-06-01T23:30:00+00:00",
        "at_local": "2026-06-02T00:30:00+01:00",
        "actor": "priya_practitioner",
        "action": "view",
        "outcome": "allowed",
        "object_type": "patient",
        "object_id": "",
        "patient_id": str(patient_a.pk),
        "patient": "Anderson, Alice",
        "site": "Harley Street Clinic",
        "ip": "192.0.2.10",
        "path": "/patients/",
        "detail": "",
    }


def test_exporting_is_audited_before_the_first_row(
    client_for: ClientFor, manager_a: User, site_a: Site
) -> None:
    response = client_for(manager_a).get(URL, {"outcome": "denied"})
    exported = AuditEvent.objects.get(object_type="audit_log")
    assert (exported.action, exported.actor) == (Action.EXPORT, manager_a)
    assert exported.detail == {"format": "csv", "filters": {"outcome": "denied"}}
    assert _rows(response) == []


def test_no_cell_can_run_as_a_formula(client_for: ClientFor, manager_a: User, site_a: Site) -> None:
    actor = User.objects.create(username='=HYPERLINK("http://x")', role="practitioner")
    actor.sites.set([site_a])
    patient = make_patient(site_a, given_name="@SUM(A1)", family_name="-2+3")
    event(
        actor,
        patient_id=patient.pk,
        site_id=site_a.pk,
        object_type="+cmd",
        object_id="\t=1",
        path="=cmd|' /C calc'!A0",
        detail={"a": 1},
    )
    (row,) = [r for r in _rows(client_for(manager_a).get(URL)) if r["object_type"] == "'+cmd"]
    assert row["actor"] == '\'=HYPERLINK("http://x")'
    assert row["patient"] == "'-2+3, @SUM(A1)"
    assert row["object_id"] == "'\t=1"
    assert row["path"] == "'=cmd|' /C calc'!A0"
    assert row["detail"] == '{"a": 1}'
    for cell in row.values():
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_it_refuses_bad_filters_with_the_page(
    client_for: ClientFor, manager_a: User, site_a: Site
) -> None:
    response = client_for(manager_a).get(URL, {"date_to": "tomorrow"})
    assert response.status_code == 400
    assert "To: “tomorrow” is not a date" in response.content.decode()
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


@pytest.mark.parametrize("persona", ["practitioner_a", "receptionist_a"])
def test_other_roles_may_not_export(
    request: pytest.FixtureRequest, client_for: ClientFor, persona: str
) -> None:
    response = client_for(request.getfixturevalue(persona)).get(URL)
    assert response.status_code == 403
    assert AuditEvent.objects.get().outcome == Outcome.DENIED


def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_other_methods_are_refused(client_for: ClientFor, manager_a: User) -> None:
    assert client_for(manager_a).post(URL).status_code == 405
