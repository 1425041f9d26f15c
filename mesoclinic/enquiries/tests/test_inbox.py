"""The reception inbox: scope by site, tabs by status, newest first, paged, audited, and a
fixed number of queries whatever the page holds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from mesoclinic.accounts.models import Role, Site, User
from mesoclinic.accounts.services import staff_create
from mesoclinic.audit.models import Action, AuditEvent
from mesoclinic.conftest import PASSWORD
from mesoclinic.enquiries.models import Enquiry, Status
from mesoclinic.enquiries.selectors import PAGE_SIZE
from mesoclinic.enquiries.services import enquiry_close
from mesoclinic.enquiries.tests.helpers import sent

URL = "/enquiries/"
ClientFor = Callable[[User], Client]


def test_it_lists_the_new_enquiries_of_the_users_sites_newest_first(
    client_for: ClientFor, receptionist_a: User, site_a: Site, site_b: Site
) -> None:
    first = sent(site_a, name="First Person")
    second = sent(site_a, name="Second Person", answers=None)
    sent(site_b, name="Leeds Person")
    response = client_for(receptionist_a).get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index("Second Person") < body.index("First Person")
    assert "Leeds Person" not in body
    assert "07700 900456" in body  # read out in national format
    audit = AuditEvent.objects.get(action=Action.LIST, object_type="enquiry")
    assert audit.detail["shown"] == [second.pk, first.pk]


def test_it_shows_each_status_on_its_tab(
    client_for: ClientFor, receptionist_a: User, site_a: Site
) -> None:
    closing = sent(site_a, name="Closed Person")
    sent(site_a, name="Open Person")
    enquiry_close(actor=receptionist_a, enquiry=closing, reason="Duplicate")
    client = client_for(receptionist_a)
    new = client.get(URL).content.decode()
    closed = client.get(URL, {"status": "closed"}).content.decode()
    assert "Open Person" in new
    assert "Closed Person" not in new
    assert "Closed Person" in closed
    assert "Open Person" not in closed
    assert 'aria-current="page">Closed' in closed


def test_it_pages_the_list(client_for: ClientFor, receptionist_a: User, site_a: Site) -> None:
    for n in range(PAGE_SIZE + 2):
        sent(site_a, name=f"Person {n:02d}")
    client = client_for(receptionist_a)
    first = client.get(URL).content.decode()
    assert "Person 26" in first
    assert "Person 01" not in first
    assert "Next page" in first
    second = client.get(URL, {"page": 2}).content.decode()
    assert "Person 01" in second
    assert "Person 00" in second
    assert "Previous page" in second


def test_it_filters_by_one_of_the_users_sites_and_refuses_another(
    client_for: ClientFor, site_a: Site, site_b: Site
) -> None:
    both = staff_create(
        username="two_sites", password=PASSWORD, role=Role.RECEPTIONIST, sites=[site_a, site_b]
    )
    sent(site_a, name="London Person")
    sent(site_b, name="Leeds Person")
    client = client_for(both)
    everything = client.get(URL).content.decode()
    assert "London Person" in everything
    assert "Leeds Person" in everything
    leeds = client.get(URL, {"site": site_b.pk}).content.decode()
    assert "Leeds Person" in leeds
    assert "London Person" not in leeds
    other = Site.objects.create(name="Bath", code="bath")
    assert client.get(URL, {"site": other.pk}).status_code == 404


@pytest.mark.parametrize("persona", ["practitioner_a"])
def test_it_refuses_roles_that_do_not_handle_enquiries(
    client_for: ClientFor, persona: str, request: pytest.FixtureRequest, site_a: Site
) -> None:
    sent(site_a)
    user: User = request.getfixturevalue(persona)
    assert client_for(user).get(URL).status_code == 403
    assert "Enquiries" not in client_for(user).get("/patients/").content.decode()


def test_it_shows_the_count_of_new_enquiries_in_the_header(
    client_for: ClientFor, receptionist_a: User, site_a: Site, site_b: Site
) -> None:
    sent(site_a)
    sent(site_a)
    sent(site_b)
    closing = sent(site_a)
    enquiry_close(actor=receptionist_a, enquiry=closing, reason="Spam")
    body = client_for(receptionist_a).get("/patients/").content.decode()
    assert 'Enquiries <span class="count-badge">2<span class="visually-hidden"> new' in body


# Session, user, TOTP device (middleware); the user's sites; the COUNT; the page of
# enquiries with their sites; the audit INSERT; the sites for the filter; the header's count.
INBOX_QUERIES = 9


@pytest.mark.parametrize("enquiries", [1, 25])
def test_its_query_count_does_not_grow_with_the_enquiries_shown(
    client_for: ClientFor,
    receptionist_a: User,
    site_a: Site,
    enquiries: int,
    django_assert_num_queries: Any,
) -> None:
    for n in range(enquiries):
        sent(site_a, name=f"Person {n}", **({"answers": None} if n % 2 else {}))
    client = client_for(receptionist_a)
    client.get(URL)  # settles the session's last-seen write
    with django_assert_num_queries(INBOX_QUERIES):
        response = client.get(URL)
    assert len(response.context["rows"]) == enquiries
    assert Enquiry.objects.filter(status=Status.NEW).count() == enquiries


def test_it_shows_when_each_enquiry_came_in_the_sites_time(
    client_for: ClientFor, receptionist_a: User, site_a: Site
) -> None:
    site_a.time_zone = "America/New_York"
    site_a.save()
    enquiry = sent(site_a)
    Enquiry.objects.filter(pk=enquiry.pk).update(
        created_at=dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC)
    )
    client = client_for(receptionist_a)
    assert "3 Dec 2026, 07:00" in client.get(URL).content.decode()
    assert "3 December 2026, 07:00" in client.get(f"{URL}{enquiry.pk}/").content.decode()
