"""consent_template_publish: versions, the current one, refusals, audit."""

from __future__ import annotations

import pytest

from mesoclinic.accounts.models import User
from mesoclinic.audit.context import acting_as
from mesoclinic.audit.models import Action, AuditEvent, Outcome
from mesoclinic.consent.models import ConsentTemplate
from mesoclinic.consent.services import consent_template_publish
from mesoclinic.consent.tests.factories import publish
from mesoclinic.core.errors import Forbidden, Invalid


def test_it_publishes_version_one_as_current(manager_a: User) -> None:
    template = publish(manager_a, title="  Face  ", body="\nLine one\n  Line two  \n\n")
    assert (template.version, template.is_current, template.title) == (1, True, "Face")
    # Leading blank lines and trailing spaces go; the text itself is kept as written.
    assert template.body == "Line one\n  Line two"
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="consent_template")
    assert event.detail == {"treatment": "mesotherapy_face", "version": 1}
    assert event.actor == manager_a


def test_it_publishes_the_next_version_and_keeps_the_old_one(manager_a: User) -> None:
    first = publish(manager_a, body="Version one text")
    second = publish(manager_a, body="Version two text")
    first.refresh_from_db()
    assert (second.version, second.is_current) == (2, True)
    assert (first.version, first.is_current, first.body) == (1, False, "Version one text")


def test_it_versions_each_treatment_on_its_own(manager_a: User) -> None:
    publish(manager_a)
    scalp = publish(manager_a, treatment="mesotherapy_scalp", title="Scalp", body="Scalp")
    assert scalp.version == 1
    assert ConsentTemplate.objects.filter(is_current=True).count() == 2


def test_it_refuses_blank_or_unknown_fields_naming_each(manager_a: User) -> None:
    with pytest.raises(Invalid) as refused, acting_as(manager_a):
        consent_template_publish(actor=manager_a, treatment="botox", title="  ", body="\n \n")
    assert set(refused.value.errors) == {"treatment", "title", "body"}
    assert "'botox'" in refused.value.errors["treatment"][0]
    assert refused.value.errors["title"][0].startswith("Title is blank")
    assert refused.value.errors["body"][0].startswith("Consent text is blank")
    assert not ConsentTemplate.objects.exists()


def test_it_refuses_an_overlong_title(manager_a: User) -> None:
    with pytest.raises(Invalid) as refused:
        publish(manager_a, title="T" * 201)
    assert refused.value.errors["title"] == ["Title is 201 characters long; at most 200."]


def test_it_refuses_to_publish_identical_text(manager_a: User) -> None:
    publish(manager_a)
    with pytest.raises(Invalid) as refused:
        publish(manager_a)
    assert refused.value.errors["body"] == [
        "Consent text is identical to version 1: nothing to publish."
    ]
    assert ConsentTemplate.objects.count() == 1


@pytest.mark.parametrize("persona", ["practitioner_a", "receptionist_a"])
def test_only_managers_publish_and_refusals_are_audited(
    persona: str, request: pytest.FixtureRequest
) -> None:
    # A practitioner takes consent but cannot change the wording for the whole clinic.
    user = request.getfixturevalue(persona)
    with pytest.raises(Forbidden), acting_as(user):
        consent_template_publish(actor=user, treatment="mesotherapy_face", title="T", body="B")
    assert not ConsentTemplate.objects.exists()
    denied = AuditEvent.objects.get(outcome=Outcome.DENIED)
    assert (denied.object_type, denied.detail) == (
        "consent_template",
        {"reason": "missing:publish_consent"},
    )


def test_it_stores_a_textarea_s_line_breaks_as_newlines(manager_a: User) -> None:
    template = publish(manager_a, body="First line\r\nSecond line\r\n\r\nThird")
    assert template.body == "First line\nSecond line\n\nThird"
    with pytest.raises(Invalid):
        publish(manager_a, body="First line\nSecond line\n\nThird")
