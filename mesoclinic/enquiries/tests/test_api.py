"""GET /api/v1/enquiries and /api/v1/enquiries/{id}: the inbox for API clients."""

from __future__ import annotations

from django.test import Client

from mesoclinic.accounts.models import Site, User
from mesoclinic.accounts.token_services import api_token_create
from mesoclinic.audit.models import Action, AuditEvent
from mesoclinic.enquiries.services import enquiry_mark_contacted
from mesoclinic.enquiries.tests.helpers import HAIR_AND_LINES, sent
from mesoclinic.public.answers import answers_to_dict


def _client(user: User) -> Client:
    _, token = api_token_create(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_it_lists_by_status_and_site_newest_first(
    receptionist_a: User, site_a: Site, site_b: Site
) -> None:
    first = sent(site_a, name="First")
    second = sent(site_a, name="Second")
    sent(site_b, name="Leeds")
    enquiry_mark_contacted(actor=receptionist_a, enquiry=first, note="Called")
    client = _client(receptionist_a)
    new = client.get("/api/v1/enquiries")
    assert new.status_code == 200
    assert "no-store" in new["Cache-Control"]
    assert [item["name"] for item in new.json()["items"]] == ["Second"]
    contacted = client.get(f"/api/v1/enquiries?site={site_a.pk}&status=contacted").json()
    assert [item["id"] for item in contacted["items"]] == [first.pk]
    assert contacted["count"] == 1
    assert client.get(f"/api/v1/enquiries?site={site_b.pk}").status_code == 404
    assert second.pk


def test_it_names_a_bad_status_or_limit(receptionist_a: User, site_a: Site) -> None:
    client = _client(receptionist_a)
    bad = client.get("/api/v1/enquiries?status=lost")
    assert bad.status_code == 422
    assert (
        "'lost' is not one of new, contacted, converted, closed"
        in bad.json()["fields"]["status"][0]
    )
    assert client.get("/api/v1/enquiries?limit=0").status_code == 422


def test_it_answers_one_enquiry_with_its_answers_and_history_audited(
    receptionist_a: User, site_a: Site
) -> None:
    enquiry = sent(site_a)
    response = _client(receptionist_a).get(f"/api/v1/enquiries/{enquiry.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["answers"] == answers_to_dict(HAIR_AND_LINES)
    assert body["phone"] == "+447700900456"
    assert [e["to_status"] for e in body["events"]] == ["new"]
    assert AuditEvent.objects.filter(
        action=Action.VIEW, object_type="enquiry", object_id=str(enquiry.pk)
    ).exists()


def test_it_refuses_practitioners_and_other_sites(
    practitioner_a: User, practitioner_b: User, site_a: Site
) -> None:
    enquiry = sent(site_a)
    assert _client(practitioner_a).get("/api/v1/enquiries").status_code == 403
    assert _client(practitioner_a).get(f"/api/v1/enquiries/{enquiry.pk}").status_code == 403
    other = _client(practitioner_b).get(f"/api/v1/enquiries/{enquiry.pk}")
    assert other.status_code == 404
    assert other.json() == {"error": "No such enquiry."}
