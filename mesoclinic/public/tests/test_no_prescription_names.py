"""No public page names a prescription-only medicine (CAP Code 12.12; market rules c.9).

The names come from the knowledge base's ``prescription_only`` flags (``prescription_only_names``),
matched case-insensitively as whole words in the text a reader sees. The answer page is rendered
for every concern alone in every zone, each screening answer, each allergy, each needle-fear
level, and random combinations of all of them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mesoclinic.planning.knowledge import default_knowledge
from mesoclinic.planning.model import NeedleFear
from mesoclinic.public.answers import Answers
from mesoclinic.public.content import info_pages
from mesoclinic.public.forms import ACNE_TABLET_WEEKS, SAFETY_FIELDS
from mesoclinic.public.tests.helpers import answer_page, visible_text
from mesoclinic.public.words import names_found, prescription_only_names, public_words

pytestmark = pytest.mark.django_db

NAMES = prescription_only_names()
WORDS = public_words()
CONCERNS = (*WORDS.concerns, *WORDS.claims)
ZONES = tuple(default_knowledge().zones)
ALLERGIES = tuple(default_knowledge().allergy_classes)


def assert_unnamed(client: Client, answers: Answers) -> None:
    response = answer_page(client, answers)
    assert response.status_code == 200
    found = names_found(visible_text(response.content.decode()), NAMES)
    assert found == [], (answers, found)


def test_it_knows_the_flagged_names_it_looks_for() -> None:
    for name in ("minoxidil", "tranexamic acid", "txa", "lidocaine", "deoxycholic acid"):
        assert name in NAMES
    assert names_found("Topical Minoxidil 5%", NAMES) == ["minoxidil"]
    assert names_found("minoxidilish", NAMES) == []


@pytest.mark.parametrize("concern", CONCERNS)
def test_it_names_none_for_each_concern_alone_in_each_zone(client: Client, concern: str) -> None:
    for zone in ZONES:
        for fear in NeedleFear:
            assert_unnamed(
                client, Answers(age=40, concerns=(concern,), zones=(zone,), needle_fear=fear)
            )


@pytest.mark.parametrize("flag", SAFETY_FIELDS)
def test_it_names_none_for_each_screening_answer(client: Client, flag: str) -> None:
    for concern in CONCERNS:
        flags: dict[str, Any] = {flag: True}
        answers = replace(Answers(age=40, concerns=(concern,), zones=ZONES), **flags)
        assert_unnamed(client, answers)


@pytest.mark.parametrize("weeks", list(ACNE_TABLET_WEEKS.values()))
def test_it_names_none_for_each_acne_tablet_answer(client: Client, weeks: int | None) -> None:
    answers = Answers(age=40, concerns=CONCERNS, zones=ZONES, isotretinoin_weeks=weeks)
    assert_unnamed(client, answers)


@pytest.mark.parametrize("allergy", ALLERGIES)
def test_it_names_none_for_each_allergy(client: Client, allergy: str) -> None:
    for fear in NeedleFear:
        answers = Answers(
            age=40, concerns=CONCERNS, zones=ZONES, allergies=(allergy,), needle_fear=fear
        )
        assert_unnamed(client, answers)


@pytest.mark.parametrize("age", [12, 17, 18, 90])
def test_it_names_none_at_the_ages_either_side_of_18(client: Client, age: int) -> None:
    assert_unnamed(
        client, Answers(age=age, concerns=CONCERNS, zones=ZONES, needle_fear=NeedleFear.SEVERE)
    )


some = st.lists(st.sampled_from(CONCERNS), min_size=1, max_size=4, unique=True).map(tuple)
answers = st.builds(
    Answers,
    age=st.integers(min_value=0, max_value=120),
    concerns=some,
    zones=st.lists(st.sampled_from(ZONES), min_size=1, max_size=5, unique=True).map(tuple),
    needle_fear=st.sampled_from(NeedleFear),
    pregnant_or_breastfeeding=st.booleans(),
    skin_infection_now=st.booleans(),
    blood_thinners=st.booleans(),
    keloid_scars=st.booleans(),
    autoimmune_disease=st.booleans(),
    isotretinoin_weeks=st.sampled_from(list(ACNE_TABLET_WEEKS.values())),
    allergies=st.lists(st.sampled_from(ALLERGIES), max_size=3, unique=True).map(tuple),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(given_answers=answers)
def test_it_names_none_for_any_combination_the_form_allows(
    client: Client, given_answers: Answers
) -> None:
    assert_unnamed(client, given_answers)


def test_it_names_none_on_the_form_home_and_information_pages(client: Client) -> None:
    for url in ("/", "/start/", "/info/", *(f"/info/{p.slug}/" for p in info_pages())):
        text = visible_text(client.get(url).content.decode())
        assert names_found(text, NAMES) == [], url
