"""The patient list and search page, patients:list (the home page after sign-in)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mesoclinic.accounts.models import Site, User
from mesoclinic.audit.models import Action, AuditEvent
from mesoclinic.patients.models import Patient
from mesoclinic.patients.tests.helpers import (
    XSS_CORPUS,
    assert_inert,
    bulk_patients,
    make_patient,
)

URL = reverse("patients:list")
ClientFor = Callable[[User], Client]
# session, user, TOTP device (middleware); the user's sites; the page with its count; the audit
# INSERT.
LIST_QUERIES = 6


def _names(response: Any) -> list[str]:
    return [f"{p.family_name}, {p.given_name}" for p in response.context["window"].patients]


@pytest.fixture
def clinic(
    site_a: Site, site_b: Site, patient_a: Patient, patient_b: Patient
) -> dict[str, Patient]:
    """Patients of both sites, one archived, with names that test prefix search."""
    return {
        "alice": patient_a,  # Alice Anderson, 14/03/1984, +44 7700 900123
        "zoe": make_patient(site_a, given_name="Zoë", family_name="de Souza-Clarke"),
        "andy": make_patient(
            site_a, given_name="Andy", family_name="Brown", date_of_birth=dt.date(1984, 3, 14)
        ),
        "archived": make_patient(
            site_a, given_name="Arch", family_name="Ived", archived_at=timezone.now()
        ),
        "other_site": patient_b,
    }


def test_it_lists_the_sites_patients_by_family_name(
    client_for: ClientFor, receptionist_a: User, clinic: dict[str, Patient]
) -> None:
    response = client_for(receptionist_a).get(URL)
    assert response.status_code == 200
    assert _names(response) == ["Anderson, Alice", "Brown, Andy", "de Souza-Clarke, Zoë"]
    page = response.content.decode()
    assert "14/03/1984" in page
    assert "+44 7700 900123" in page
    assert "Harley Street Clinic" in page
    assert "Brown, Bob" not in page  # site B's patient
    assert response["Cache-Control"].startswith("max-age=0")
    assert "no-store" in response["Cache-Control"]


def test_it_includes_archived_patients_on_request(
    client_for: ClientFor, receptionist_a: User, clinic: dict[str, Patient]
) -> None:
    response = client_for(receptionist_a).get(URL, {"archived": "1"})
    assert "Ived, Arch" in _names(response)
    assert "Archived</span>" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("and", ["Anderson, Alice", "Brown, Andy"]),
        ("alice and", ["Anderson, Alice"]),
        ("AND ALI", ["Anderson, Alice"]),
        ("souza", ["de Souza-Clarke, Zoë"]),
        ("clarke zoe", ["de Souza-Clarke, Zoë"]),
        ("souzacl", ["de Souza-Clarke, Zoë"]),
        ("nderson", []),
        ("14/03/1984", ["Anderson, Alice", "Brown, Andy"]),
        ("1984-03-14 andy", ["Brown, Andy"]),
        ("07700 900123", ["Anderson, Alice"]),
        ("+44 7700 900", ["Anderson, Alice"]),
        ("900123", ["Anderson, Alice"]),  # the last six digits, as the hint promises
        ("bob", []),  # site B's patient
        ("arch", []),  # archived
    ],
)
def test_it_searches_names_by_word_prefix_dates_and_phones(
    client_for: ClientFor,
    practitioner_a: User,
    clinic: dict[str, Patient],
    query: str,
    expected: list[str],
) -> None:
    response = client_for(practitioner_a).get(URL, {"q": query})
    assert response.status_code == 200
    assert _names(response) == expected


def test_it_explains_a_search_it_cannot_run(
    client_for: ClientFor, practitioner_a: User, clinic: dict[str, Patient]
) -> None:
    response = client_for(practitioner_a).get(URL, {"q": "alice 31/02/1984"})
    page = response.content.decode()
    assert "“31/02/1984” is not a date: use dd/mm/yyyy" in page
    assert _names(response) == []
    assert 'value="alice 31/02/1984"' in page


@pytest.mark.parametrize("query", ["😀", "?!", "— …"])
def test_it_lists_nobody_for_a_search_of_only_emoji_or_punctuation(
    client_for: ClientFor, practitioner_a: User, clinic: dict[str, Patient], query: str
) -> None:
    response = client_for(practitioner_a).get(URL, {"q": query})
    page = response.content.decode()
    assert f"“{query}” has no letters or digits to search for" in page
    assert _names(response) == []


def test_it_audits_one_list_event_per_page_view(
    client_for: ClientFor, practitioner_a: User, clinic: dict[str, Patient]
) -> None:
    client_for(practitioner_a).get(URL, {"page": "1"})
    event = AuditEvent.objects.get()
    assert (event.action, event.object_type, event.actor) == (
        Action.LIST,
        "patient_list",
        practitioner_a,
    )
    shown = [clinic["alice"].pk, clinic["andy"].pk, clinic["zoe"].pk]
    assert event.detail == {
        "page": 1,
        "query": "",
        "include_archived": False,
        "offset": 0,
        "count": 3,
        "shown": shown,
    }


def test_it_audits_a_search_with_its_query(
    client_for: ClientFor, practitioner_a: User, clinic: dict[str, Patient]
) -> None:
    client_for(practitioner_a).get(URL, {"q": "alice\x00 and"})
    event = AuditEvent.objects.get()
    assert event.action == Action.SEARCH
    assert event.detail["query"] == "alice and"
    assert event.detail["shown"] == [clinic["alice"].pk]


def test_it_pages_25_patients_at_a_time_keeping_the_search(
    client_for: ClientFor, practitioner_a: User, site_a: Site
) -> None:
    for n in range(30):
        make_patient(site_a, given_name=f"Given{n:02}", family_name="Same")
    client = client_for(practitioner_a)
    first = client.get(URL, {"q": "same"})
    assert len(first.context["window"].patients) == 25
    assert first.context["next_link"] == "?q=same&page=2"
    second = client.get(URL + first.context["next_link"])
    assert _names(second) == [f"Same, Given{n:02}" for n in range(25, 30)]
    assert second.context["previous_link"] == "?q=same&page=1"
    assert "Showing 26 to 30 of 30 patients" in second.content.decode()


def test_a_page_past_the_end_offers_the_last_page(
    client_for: ClientFor, practitioner_a: User, clinic: dict[str, Patient]
) -> None:
    response = client_for(practitioner_a).get(URL, {"page": "9"})
    assert _names(response) == []
    assert 'href="?page=1"' in response.content.decode()


@pytest.mark.parametrize("patients", [3, 40])
def test_its_query_count_does_not_grow_with_the_patients_shown(
    client_for: ClientFor,
    practitioner_a: User,
    site_a: Site,
    patients: int,
    django_assert_num_queries: Any,
) -> None:
    for n in range(patients):
        make_patient(site_a, given_name=f"Given{n}", family_name=f"Family{n}")
    client = client_for(practitioner_a)
    client.get(URL)  # the first request of a session also writes the session
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(URL, {"q": "family"})
    assert len(response.context["window"].patients) == min(patients, 25)


def test_it_sends_anonymous_visitors_to_sign_in(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_it_refuses_other_methods(client_for: ClientFor, practitioner_a: User) -> None:
    assert client_for(practitioner_a).post(URL).status_code == 405


@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_it_shows_stored_markup_as_text(
    client_for: ClientFor, practitioner_a: User, site_a: Site, payload: str
) -> None:
    make_patient(site_a, given_name=payload, family_name=payload, phone=payload)
    client = client_for(practitioner_a)
    assert_inert(client.get(URL).content.decode(), payload)
    # The query is shown back in the search box and the result line: escaped there too.
    assert_inert(client.get(URL, {"q": payload}).content.decode(), payload)


@pytest.mark.parametrize("page", ["9" * 30, "²", "-3", "abc"])
def test_an_unreadable_or_huge_page_number_is_answered(
    client_for: ClientFor, practitioner_a: User, clinic: dict[str, Patient], page: str
) -> None:
    assert client_for(practitioner_a).get(URL, {"page": page}).status_code == 200


def test_a_search_with_more_than_1000_matches_asks_to_be_narrowed(
    client_for: ClientFor, practitioner_a: User, site_a: Site
) -> None:
    bulk_patients(site_a, 1010)
    client = client_for(practitioner_a)
    first = client.get(URL, {"q": "same"})
    page = first.content.decode()
    assert "of more than 1000 patients matching “same”" in page
    assert "<span>Page 1</span>" in page
    fortieth = client.get(URL, {"q": "same", "page": "40"})
    assert fortieth.context["next_link"] == "?q=same&page=41"
    last = client.get(URL + fortieth.context["next_link"])
    assert _names(last) == [f"Same, Given{n:04}" for n in range(1000, 1010)]
    assert last.context["next_link"] == ""
    first_search = AuditEvent.objects.filter(action=Action.SEARCH).order_by("id")[0]
    assert first_search.detail["count"] == "more than 1000"


def test_it_counts_a_large_clinic_up_to_1000_and_pages_on(
    client_for: ClientFor, practitioner_a: User, site_a: Site
) -> None:
    bulk_patients(site_a, 1030)
    client = client_for(practitioner_a)
    page = client.get(URL).content.decode()
    assert "Showing 1 to 25 of more than 1000 patients. Search by name" in page
    assert "<span>Page 1</span>" in page
    last = client.get(URL, {"page": "42"})
    assert _names(last) == [f"Same, Given{n:04}" for n in range(1025, 1030)]
    assert last.context["next_link"] == ""
    listed = AuditEvent.objects.filter(action=Action.LIST).order_by("id")[0]
    assert listed.detail["count"] == "more than 1000"


def test_it_renders_each_row_with_link_birth_date_phone_site_and_archived_badge(
    client_for: ClientFor, manager_a: User, site_a: Site
) -> None:
    kept = make_patient(
        site_a, given_name="Rhea", family_name="Quill", date_of_birth=dt.date(1899, 2, 3)
    )
    gone = make_patient(site_a, given_name="Sol", family_name="Quill", phone="07700 900999")
    gone.archived_at = timezone.now()
    gone.save()
    page = client_for(manager_a).get(URL, {"q": "quill", "archived": "1"}).content.decode()
    rows = page[page.index("<tbody>") : page.index("</tbody>")]
    assert (
        f'<tr><td class="wrap"><a href="{URL}{kept.pk}/">Quill, Rhea</a></td>'
        '<td data-label="Date of birth">03/02/1899</td>'
    ) in rows
    assert (
        f'<a href="{URL}{gone.pk}/">Quill, Sol</a> <span class="badge archived-badge">Archived'
        "</span></td>" in rows
    )
    assert (
        f'<td data-label="Phone">07700 900999</td><td data-label="Site">{site_a.name}</td></tr>'
    ) in rows


def test_a_page_past_the_last_counts_the_matches_to_offer_the_last_page(
    client_for: ClientFor, practitioner_a: User, site_a: Site
) -> None:
    bulk_patients(site_a, 30)
    response = client_for(practitioner_a).get(URL, {"page": "3"})
    assert "Page 3 is past the last page." in response.content.decode()
    assert (response.context["window"].count, response.context["last_link"]) == (30, "?page=2")
    listed = AuditEvent.objects.get(action=Action.LIST)
    assert (listed.detail["count"], listed.detail["shown"]) == (30, [])
