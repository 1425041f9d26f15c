"""The consent forms pages: every version of every treatment, and publishing a new one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from mesoclinic.accounts.models import User
from mesoclinic.consent.models import ConsentTemplate
from mesoclinic.consent.tests.factories import XSS_TEXT, publish
from mesoclinic.consent.tests.pages import (
    assert_anonymous_redirected,
    assert_csp_clean,
    assert_escaped,
    html,
)

pytestmark = pytest.mark.urls("mesoclinic.consent.tests.urls")

ClientFor = Callable[[User], Client]
LIST = "/consent/templates/"
PUBLISH = "/consent/templates/publish/"


def test_it_lists_every_version_with_the_current_one_marked(
    client_for: ClientFor, practitioner_a: User
) -> None:
    first = publish(practitioner_a, body="One")
    second = publish(practitioner_a, body="Two")
    page = html(client_for(practitioner_a).get(LIST))
    assert f'href="/consent/templates/{first.pk}/">Version 1</a>' in page
    assert f'href="/consent/templates/{second.pk}/">Version 2</a>' in page
    assert page.count("Current</span>") == 1
    assert "Mesotherapy (scalp)" in page
    assert "No version published yet." in page
    assert_csp_clean(page)


def test_it_shows_one_version_as_written(
    client_for: ClientFor, manager_a: User, practitioner_a: User
) -> None:
    template = publish(practitioner_a)
    page = html(client_for(practitioner_a).get(f"/consent/templates/{template.pk}/"))
    assert "Risks: bruising, swelling, infection (rare)." in page
    assert "Publish a new version" not in page  # a practitioner reads, a manager publishes


def test_it_prefills_a_new_version_with_the_current_text(
    client_for: ClientFor, manager_a: User
) -> None:
    publish(manager_a, title="Face form", body="Current wording")
    page = html(client_for(manager_a).get(PUBLISH + "?treatment=mesotherapy_face"))
    assert 'value="Face form"' in page
    assert "Current wording</textarea>" in page


def test_it_publishes_a_new_version(client_for: ClientFor, manager_a: User) -> None:
    publish(manager_a, body="Old wording")
    response = client_for(manager_a).post(
        PUBLISH, {"treatment": "mesotherapy_face", "title": "Face", "body": "New wording"}
    )
    current = ConsentTemplate.objects.get(is_current=True)
    assert response.status_code == 302
    assert response["Location"] == f"/consent/templates/{current.pk}/"
    assert (current.version, current.body) == (2, "New wording")


def test_it_refuses_a_blank_form_keeping_what_was_typed(
    client_for: ClientFor, manager_a: User
) -> None:
    response = client_for(manager_a).post(
        PUBLISH, {"treatment": "mesotherapy_scalp", "title": "Scalp form", "body": "  "}
    )
    page = html(response)
    assert response.status_code == 200
    assert '<a href="#id_body">Consent text is blank' in page
    assert 'value="Scalp form"' in page
    assert '<option value="mesotherapy_scalp" selected>' in page
    assert not ConsentTemplate.objects.exists()


def test_it_refuses_an_unknown_treatment_naming_it(client_for: ClientFor, manager_a: User) -> None:
    page = html(
        client_for(manager_a).post(PUBLISH, {"treatment": "botox", "title": "T", "body": "B"})
    )
    assert "Treatment &#x27;botox&#x27; is not one of the treatments listed." in page


def test_it_escapes_titles_and_text(client_for: ClientFor, manager_a: User) -> None:
    template = publish(manager_a, title=XSS_TEXT, body=XSS_TEXT)
    client = client_for(manager_a)
    assert_escaped(html(client.get(LIST)))
    assert_escaped(html(client.get(f"/consent/templates/{template.pk}/")))
    assert_escaped(html(client.get(PUBLISH + "?treatment=mesotherapy_face")))


def test_it_refuses_a_receptionist_everything(
    client_for: ClientFor, receptionist_a: User, practitioner_a: User
) -> None:
    template = publish(practitioner_a)
    client = client_for(receptionist_a)
    assert client.get(LIST).status_code == 403
    assert client.get(f"/consent/templates/{template.pk}/").status_code == 403
    assert client.get(PUBLISH).status_code == 403
    assert (
        client.post(
            PUBLISH, {"treatment": "mesotherapy_face", "title": "T", "body": "B"}
        ).status_code
        == 403
    )


def test_it_refuses_a_practitioner_publishing(client_for: ClientFor, practitioner_a: User) -> None:
    # Practitioners take consent; changing its wording for the clinic is a manager's.
    client = client_for(practitioner_a)
    assert client.get(LIST).status_code == 200
    assert client.get(PUBLISH).status_code == 403
    assert (
        client.post(
            PUBLISH, {"treatment": "mesotherapy_face", "title": "T", "body": "B"}
        ).status_code
        == 403
    )
    assert not ConsentTemplate.objects.exists()


def test_it_does_not_find_an_unknown_version(client_for: ClientFor, practitioner_a: User) -> None:
    assert client_for(practitioner_a).get("/consent/templates/999999/").status_code == 404


def test_it_serves_other_sites_the_same_clinic_wide_forms(
    client_for: ClientFor, practitioner_a: User, practitioner_b: User
) -> None:
    template = publish(practitioner_a)
    assert client_for(practitioner_b).get(f"/consent/templates/{template.pk}/").status_code == 200


def test_it_sends_anonymous_visitors_to_sign_in(practitioner_a: User) -> None:
    template = publish(practitioner_a)
    for url in (LIST, PUBLISH, f"/consent/templates/{template.pk}/"):
        assert_anonymous_redirected(url)
    assert_anonymous_redirected(PUBLISH, method="post")


def test_it_refuses_other_methods(client_for: ClientFor, practitioner_a: User) -> None:
    template = publish(practitioner_a)
    client = client_for(practitioner_a)
    assert client.post(LIST).status_code == 405
    assert client.post(f"/consent/templates/{template.pk}/").status_code == 405
    assert client.delete(PUBLISH).status_code == 405


def test_it_lists_in_a_fixed_number_of_queries(
    client_for: ClientFor,
    practitioner_a: User,
    django_assert_num_queries: Callable[..., Any],
) -> None:
    client = client_for(practitioner_a)
    publish(practitioner_a)
    client.get(LIST)
    with django_assert_num_queries(20, exact=False) as counted:
        client.get(LIST)
    for version in range(2, 7):
        publish(practitioner_a, body=f"Version {version}")
        publish(practitioner_a, treatment="mesotherapy_body", title="Body", body=f"Body {version}")
    with django_assert_num_queries(len(counted.captured_queries)):
        client.get(LIST)


def test_it_offers_publishing_to_managers_only(
    client_for: ClientFor, manager_a: User, practitioner_a: User
) -> None:
    template = publish(manager_a)
    for user, offered in ((manager_a, True), (practitioner_a, False)):
        client = client_for(user)
        for path in (LIST, f"/consent/templates/{template.pk}/"):
            assert (PUBLISH in html(client.get(path))) is offered, (user.username, path)
