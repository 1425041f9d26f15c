"""One enquiry: reading it (audited), marking it contacted, closing it; refusals."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from mesoclinic.accounts.models import Site, User
from mesoclinic.audit.models import Action, AuditEvent, Outcome
from mesoclinic.enquiries.errors import EnquiryMoved
from mesoclinic.enquiries.models import Enquiry, EnquiryEvent, Status
from mesoclinic.enquiries.services import enquiry_close, enquiry_mark_contacted
from mesoclinic.enquiries.tests.helpers import sent

ClientFor = Callable[[User], Client]


def _url(enquiry: Enquiry, action: str = "") -> str:
    return f"/enquiries/{enquiry.pk}/" + (f"{action}/" if action else "")


def test_it_shows_the_answers_in_words_and_audits_the_read(
    client_for: ClientFor, receptionist_a: User, site_a: Site
) -> None:
    enquiry = sent(site_a, message="Thinning at the crown", preferred_times=["saturday"])
    response = client_for(receptionist_a).get(_url(enquiry))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Thinning at the crown" in body
    assert "Saturdays" in body
    assert "Hair loss" in body
    assert "Scalp" in body
    assert "Crow&#x27;s feet (lateral canthus)" in body
    assert "Takes blood thinners</dt><dd>Yes" in body
    event = AuditEvent.objects.get(action=Action.VIEW, object_type="enquiry")
    assert event.object_id == str(enquiry.pk)
    assert event.actor == receptionist_a


def test_it_marks_contacted_with_a_note_in_the_history(
    client_for: ClientFor, receptionist_a: User, site_a: Site
) -> None:
    enquiry = sent(site_a)
    client = client_for(receptionist_a)
    response = client.post(
        _url(enquiry, "contacted"), {"note": "Left a voicemail", "status": "new"}
    )
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.status == Status.CONTACTED
    event = enquiry.events.last()
    assert event is not None
    assert (event.actor, event.from_status, event.to_status, event.note) == (
        receptionist_a,
        Status.NEW,
        Status.CONTACTED,
        "Left a voicemail",
    )
    assert "Left a voicemail" in client.get(_url(enquiry)).content.decode()
    audit = AuditEvent.objects.get(action=Action.UPDATE, object_type="enquiry")
    assert audit.detail == {"from": "new", "to": "contacted"}


def test_it_needs_a_note_and_keeps_the_page(
    client_for: ClientFor, receptionist_a: User, site_a: Site
) -> None:
    enquiry = sent(site_a)
    response = client_for(receptionist_a).post(
        _url(enquiry, "contacted"), {"note": "  ", "status": "new"}
    )
    assert response.status_code == 422
    assert "What was said: This field is required." in response.content.decode()
    enquiry.refresh_from_db()
    assert enquiry.status == Status.NEW


def test_it_closes_with_a_reason(client_for: ClientFor, manager_a: User, site_a: Site) -> None:
    enquiry = sent(site_a)
    response = client_for(manager_a).post(
        _url(enquiry, "close"), {"reason": "No answer after three calls", "status": "new"}
    )
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.status == Status.CLOSED
    assert [e.note for e in enquiry.events.all()][-1] == "No answer after three calls"


def test_it_answers_409_when_someone_else_acted_first(
    client_for: ClientFor, receptionist_a: User, manager_a: User, site_a: Site
) -> None:
    enquiry = sent(site_a)
    enquiry_close(actor=manager_a, enquiry=enquiry, reason="Duplicate of another")
    response = client_for(receptionist_a).post(
        _url(enquiry, "contacted"), {"note": "Called", "status": "new"}
    )
    assert response.status_code == 409
    assert "someone else acted on it" in response.content.decode()
    assert EnquiryEvent.objects.filter(enquiry=enquiry).count() == 2  # sent, closed


def test_the_conditional_update_lets_only_one_of_two_racing_writes_win(
    receptionist_a: User, manager_a: User, site_a: Site
) -> None:
    enquiry = sent(site_a)
    stale = Enquiry.objects.get(pk=enquiry.pk)
    enquiry_mark_contacted(actor=manager_a, enquiry=enquiry, note="Called")
    with pytest.raises(EnquiryMoved):
        enquiry_close(actor=receptionist_a, enquiry=stale, reason="Spam", expected_status="new")
    assert Enquiry.objects.get(pk=enquiry.pk).status == Status.CONTACTED


def test_it_refuses_practitioners_and_other_sites_audited(
    client_for: ClientFor, practitioner_a: User, practitioner_b: User, site_a: Site
) -> None:
    enquiry = sent(site_a)
    assert client_for(practitioner_a).get(_url(enquiry)).status_code == 403
    assert client_for(practitioner_b).get(_url(enquiry)).status_code == 404
    assert client_for(practitioner_a).get("/enquiries/999999/").status_code == 404
    denied = AuditEvent.objects.filter(object_type="enquiry", outcome=Outcome.DENIED)
    assert denied.count() == 3


def test_it_points_to_other_enquiries_from_the_same_person(
    client_for: ClientFor, receptionist_a: User, site_a: Site, site_b: Site
) -> None:
    first = sent(site_a, phone="+447700900456", email="")
    second = sent(site_a, phone="", email="JANE@example.org")
    sent(site_b, phone="+447700900456")  # another site's: not shown
    stranger = sent(site_a, phone="+447700900999", email="")
    latest = sent(site_a, phone="+447700900456", email="jane@example.org")
    body = client_for(receptionist_a).get(_url(latest)).content.decode()
    assert "Also sent with the same phone or email" in body
    assert f"/enquiries/{first.pk}/" in body
    assert f"/enquiries/{second.pk}/" in body
    assert f"/enquiries/{stranger.pk}/" not in body
    listed = AuditEvent.objects.get(action=Action.LIST, object_type="enquiry")
    assert listed.detail == {"same_person_as": latest.pk, "shown": [second.pk, first.pk]}
