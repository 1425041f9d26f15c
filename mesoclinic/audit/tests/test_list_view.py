"""The audit log page for managers, audit:list: scope, filters, paging, and its own audit."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from mesoclinic.accounts.models import Site, User
from mesoclinic.audit.models import Action, AuditEvent, Outcome
from mesoclinic.audit.selectors import AUDIT_PAGE_SIZE
from mesoclinic.audit.tests.helpers import event
from mesoclinic.patients.models import Patient
from mesoclinic.patients.tests.helpers import XSS_CORPUS, assert_inert, make_patient

URL = reverse("audit:list")
ClientFor = Callable[[User], Client]
# session, user, TOTP device (middleware); sites; zones; staff; the audit INSERT; the events;
# the header's count of new enquiries (managers handle them).
LIST_QUERIES = 9


def _ids(response: Any) -> list[int]:
    return [row.event_id for row in response.context["page"].rows]


@pytest.fixture
def events(
    site_a: Site,
    site_b: Site,
    practitioner_a: User,
    practitioner_b: User,
    patient_a: Patient,
    patient_b: Patient,
) -> dict[str, AuditEvent]:
    return {
        "ours": event(practitioner_a, patient_id=patient_a.pk, site_id=site_a.pk),
        "our_list": event(practitioner_a, action=Action.LIST, object_type="patient_list"),
        "refused_at_ours": event(
            practitioner_b, patient_id=patient_a.pk, outcome=Outcome.DENIED, detail={"r": 1}
        ),
        "theirs": event(practitioner_b, patient_id=patient_b.pk, site_id=site_b.pk),
        "their_list": event(practitioner_b, action=Action.LIST, object_type="patient_list"),
        "no_one": event(None, action=Action.LOGIN_FAILED, object_type="session"),
    }


def test_a_manager_sees_the_events_of_their_sites_and_staff(
    client_for: ClientFor, manager_a: User, events: dict[str, AuditEvent]
) -> None:
    response = client_for(manager_a).get(URL)
    assert response.status_code == 200
    shown = set(_ids(response))
    expected = {events[k].pk for k in ("ours", "our_list", "refused_at_ours")}
    assert expected <= shown
    assert not shown & {events[k].pk for k in ("theirs", "their_list", "no_one")}
    page = response.content.decode()
    assert "Anderson, Alice" in page
    assert "no-store" in response["Cache-Control"]


def test_another_sites_patient_is_never_named(
    client_for: ClientFor, practitioner_b: User, site_a: Site, site_b: Site
) -> None:
    """Site B's manager sees what B's staff tried on A's patient, but not who the patient is."""
    manager_b = User.objects.create(username="mo_manager", role="manager")
    manager_b.sites.set([site_b])
    patient_at_a = make_patient(site_a, given_name="Secret", family_name="Person")
    refused = event(practitioner_b, patient_id=patient_at_a.pk, outcome=Outcome.DENIED)
    response = client_for(manager_b).get(URL)
    (row,) = [row for row in response.context["page"].rows if row.event_id == refused.pk]
    assert (row.patient_id, row.patient_name) == (None, "(a patient of another site)")
    assert "Secret" not in response.content.decode()


def test_viewing_the_log_is_audited_with_its_filters(
    client_for: ClientFor, manager_a: User, site_a: Site
) -> None:
    client_for(manager_a).get(URL, {"outcome": "denied", "page": "2"})
    logged = AuditEvent.objects.get(object_type="audit_log")
    assert (logged.action, logged.actor) == (Action.VIEW, manager_a)
    assert logged.detail == {"page": 2, "filters": {"outcome": "denied"}}


@pytest.mark.parametrize("persona", ["practitioner_a", "receptionist_a"])
def test_other_roles_may_not_read_the_log(
    request: pytest.FixtureRequest, client_for: ClientFor, persona: str
) -> None:
    user: User = request.getfixturevalue(persona)
    for url in (URL, reverse("audit:export")):
        assert client_for(user).get(url).status_code == 403
    refused = AuditEvent.objects.filter(object_type="audit_log")
    assert [(e.outcome, e.actor) for e in refused] == [(Outcome.DENIED, user)] * 2


def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_other_methods_are_refused(client_for: ClientFor, manager_a: User) -> None:
    assert client_for(manager_a).post(URL).status_code == 405


def test_it_filters_by_days_in_the_clinics_zone(
    client_for: ClientFor, manager_a: User, practitioner_a: User, site_a: Site
) -> None:
    # 23:30 UTC on 1 June is 00:30 on 2 June in London (BST, UTC+1).
    late = event(
        practitioner_a, site_id=site_a.pk, at=dt.datetime(2026, 6, 1, 23, 30, tzinfo=dt.UTC)
    )
    # 00:30 UTC on 1 January is 00:30 in London too (GMT).
    winter = event(
        practitioner_a, site_id=site_a.pk, at=dt.datetime(2026, 1, 1, 0, 30, tzinfo=dt.UTC)
    )
    client = client_for(manager_a)
    assert _ids(client.get(URL, {"date_from": "2026-06-02", "date_to": "2026-06-02"})) == [late.pk]
    assert _ids(client.get(URL, {"date_to": "2026-06-01"})) == [winter.pk]
    assert _ids(client.get(URL, {"date_from": "01/01/2026", "date_to": "01/01/2026"})) == [
        winter.pk
    ]
    page = client.get(URL, {"date_from": "2026-06-02"}).content.decode()
    assert "2 June 2026, 00:30:00" in page
    assert "Times are shown in Europe/London" in page


def test_it_filters_by_actor_patient_action_and_outcome(
    client_for: ClientFor,
    manager_a: User,
    practitioner_a: User,
    receptionist_a: User,
    site_a: Site,
    patient_a: Patient,
) -> None:
    other = make_patient(site_a, given_name="Zed", family_name="Zulu")
    viewed = event(practitioner_a, patient_id=patient_a.pk, site_id=site_a.pk)
    edited = event(receptionist_a, action=Action.UPDATE, patient_id=patient_a.pk, site_id=site_a.pk)
    refused = event(receptionist_a, patient_id=other.pk, site_id=site_a.pk, outcome=Outcome.DENIED)
    client = client_for(manager_a)
    assert _ids(client.get(URL, {"actor": str(receptionist_a.pk)})) == [refused.pk, edited.pk]
    assert _ids(client.get(URL, {"patient": str(other.pk)})) == [refused.pk]
    assert _ids(client.get(URL, {"patient": "alice and"})) == [edited.pk, viewed.pk]
    assert _ids(client.get(URL, {"patient": "14/03/1984"})) == [edited.pk, viewed.pk]
    assert _ids(client.get(URL, {"action": "update"})) == [edited.pk]
    assert _ids(client.get(URL, {"outcome": "denied", "patient": "zul"})) == [refused.pk]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"date_from": "2026-02-30"},
            "From: “2026-02-30” is not a date; use dd/mm/yyyy, e.g. 14/03/1984.",
        ),
        (
            {"date_from": "2026-03-02", "date_to": "2026-03-01"},
            "To: 01/03/2026 is before From: 02/03/2026; the last day cannot come before the first.",
        ),
        ({"action": "delete"}, "Action: “delete” is not one of the choices"),
        ({"actor": "99999"}, "Member of staff: “99999” is not one of the choices"),
        ({"patient": "31/02/1984"}, "Patient: “31/02/1984” is not a date"),
        ({"patient": "9" * 19}, f"Patient: “{'9' * 19}” is too long for a record number."),
    ],
)
def test_it_names_bad_filters_and_keeps_them(
    client_for: ClientFor, manager_a: User, params: dict[str, str], message: str
) -> None:
    response = client_for(manager_a).get(URL, params)
    assert response.status_code == 400
    page = response.content.decode()
    assert html.escape(message) in page
    for name, value in params.items():
        # A text box shows what was typed; a list cannot show a value it does not offer, and
        # must not show another one as chosen instead.
        assert _kept(page, name) == (None if name in CHOICE_FILTERS else value), name
    assert not AuditEvent.objects.filter(object_type="audit_log").exists()


CHOICE_FILTERS = {"action", "actor", "outcome"}


def _kept(page: str, name: str) -> str | None:
    """What the re-rendered filter ``name`` shows: a text box's value, or the selected option
    of a list (None when none is selected: a refused choice is shown nowhere, not replaced)."""
    box = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', page)
    if box is not None:
        value = re.search(r'\bvalue="([^"]*)"', box.group(0))
        return html.unescape(value.group(1)) if value else ""
    select = re.search(rf'<select[^>]*\bname="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select is not None, f"no filter named {name}"
    chosen = re.search(r'<option value="([^"]*)"[^>]*\bselected\b', select.group(1))
    return html.unescape(chosen.group(1)) if chosen else None


def test_it_pages_50_events_at_a_time_newest_first(
    client_for: ClientFor, manager_a: User, practitioner_a: User, site_a: Site
) -> None:
    start = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
    made = [
        event(practitioner_a, site_id=site_a.pk, at=start + dt.timedelta(minutes=n)).pk
        for n in range(AUDIT_PAGE_SIZE + 5)
    ]
    client = client_for(manager_a)
    first = client.get(URL, {"date_to": "2026-03-01"})
    assert _ids(first) == made[::-1][:AUDIT_PAGE_SIZE]
    assert first.context["older_link"] == "?date_to=2026-03-01&page=2"
    second = client.get(URL + first.context["older_link"])
    assert _ids(second) == made[::-1][AUDIT_PAGE_SIZE:]
    assert second.context["older_link"] == ""
    assert second.context["newer_link"] == "?date_to=2026-03-01&page=1"


@pytest.mark.parametrize("events_made", [3, 80])
def test_its_query_count_does_not_grow_with_the_events_shown(
    client_for: ClientFor,
    manager_a: User,
    practitioner_a: User,
    site_a: Site,
    patient_a: Patient,
    events_made: int,
    django_assert_num_queries: Any,
) -> None:
    for _ in range(events_made):
        event(practitioner_a, patient_id=patient_a.pk, site_id=site_a.pk)
    client = client_for(manager_a)
    client.get(URL)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(URL, {"patient": "anderson"})
    assert len(response.context["page"].rows) == min(events_made, AUDIT_PAGE_SIZE)


@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_it_shows_stored_markup_as_text(
    client_for: ClientFor, manager_a: User, site_a: Site, payload: str
) -> None:
    actor = User.objects.create(username=payload, role="practitioner", first_name=payload)
    actor.sites.set([site_a])
    patient = make_patient(site_a, given_name=payload, family_name=payload)
    event(
        actor,
        patient_id=patient.pk,
        site_id=site_a.pk,
        object_type=payload[:40],
        object_id=payload[:40],
        path=payload,
        detail={"query": payload},
    )
    page = client_for(manager_a).get(URL).content.decode()
    assert_inert(page, payload)
