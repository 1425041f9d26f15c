"""Writing audit events: what ``audit_record`` stores is what the ORM reads back."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from mesoclinic.accounts.models import Site, User
from mesoclinic.audit.context import acting_as
from mesoclinic.audit.models import Action, AuditEvent, Outcome
from mesoclinic.audit.services import audit_denied, audit_record
from mesoclinic.patients.models import Patient

AT = dt.datetime(2026, 11, 30, 9, 15, 30, 123456, tzinfo=dt.UTC)


@time_machine.travel(AT, tick=False)
def test_it_stores_every_field_and_returns_the_saved_event(
    practitioner_a: User, site_a: Site, patient_a: Patient
) -> None:
    detail = {"query": "smi", "shown": [3, 1, 2], "nested": {"é": None, "ok": True}}
    with acting_as(practitioner_a, ip="2001:db8::7", path="/patients/"):
        event = audit_record(
            action=Action.SEARCH,
            object_type="patient_list",
            object_id=12345,
            patient_id=patient_a.pk,
            site_id=site_a.pk,
            detail=detail,
        )
    stored = AuditEvent.objects.values().get(pk=event.pk)
    assert stored == {
        "id": event.pk,
        "at": AT,
        "actor_id": practitioner_a.pk,
        "actor_username": practitioner_a.username,
        "site_id": site_a.pk,
        "patient_id": patient_a.pk,
        "object_type": "patient_list",
        "object_id": "12345",
        "action": "search",
        "outcome": "allowed",
        "ip": "2001:db8::7",
        "path": "/patients/",
        "detail": detail,
    }
    assert not event._state.adding
    with pytest.raises(TypeError, match="append-only"):
        event.save()


def test_a_refusal_outside_a_request_is_recorded_as_the_system(db: None) -> None:
    event = audit_denied(reason="other_site", object_type="x" * 60, object_id="9" * 60)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.actor_id, stored.actor_username, stored.ip, stored.path) == (None, "", None, "")
    assert (stored.outcome, stored.detail) == (Outcome.DENIED, {"reason": "other_site"})
    assert (len(stored.object_type), len(stored.object_id)) == (40, 40)
