"""The answer page: the plan rephrased for the public, with the plan's own figures only."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.test import Client

from mesoclinic.planning.engine import make_plan
from mesoclinic.planning.knowledge import default_knowledge
from mesoclinic.planning.model import NeedleFear
from mesoclinic.public.answers import Answers, answers_to_request
from mesoclinic.public.tests.helpers import answer_page, visible_text

pytestmark = pytest.mark.django_db

HAIR_AND_LINES = Answers(
    age=44, concerns=("hair_loss", "fine_lines"), zones=("scalp", "periorbital_lateral")
)


def text_of(client: Client, answers: Answers) -> str:
    response = answer_page(client, answers)
    assert response.status_code == 200
    return visible_text(response.content.decode())


def test_it_plans_two_concerns_in_two_areas_as_one_course_with_the_plan_s_figures(
    client: Client,
) -> None:
    plan = make_plan(answers_to_request(HAIR_AND_LINES), default_knowledge())
    text = text_of(client, HAIR_AND_LINES)
    assert "Thinning hair (pattern hair loss) on the scalp" in text
    assert "Fine lines on the crow's feet (outer corners of the eyes)" in text
    assert f"one course: the areas share visits, {len(plan.visits)} visits in all" in text
    for course in plan.courses:
        assert course.sessions is not None
        assert course.interval_days is not None
        assert (
            f"usually {course.sessions} sessions, {course.interval_days // 7} weeks apart" in text
        )
    assert "How long results last: not established." in text
    # Hair loss fits no protocol on the crow's feet, fine lines none on the scalp: planned
    # where they fit, so neither is shown as a refusal.
    assert "rules treatment out" not in text
    assert "do not fit the areas" not in text
    assert "Not offered" not in text


def test_it_says_when_a_concern_fits_none_of_the_chosen_areas(client: Client) -> None:
    text = text_of(client, Answers(age=44, concerns=("hair_loss",), zones=("cheeks",)))
    assert "Concerns that do not fit the areas you chose" in text
    assert "Thinning hair (pattern hair loss): none of the areas you chose" in text
    assert "It is treated on the scalp." in text


def test_it_answers_an_unevidenced_claim_honestly(client: Client) -> None:
    text = text_of(client, Answers(age=44, concerns=("detox",), zones=("abdomen",)))
    assert "An honest answer about what you have heard" in text
    assert "No study shows that mesotherapy removes toxins" in text


def test_it_tells_what_rules_treatment_out_and_what_needs_review(client: Client) -> None:
    text = text_of(
        client,
        Answers(
            age=44,
            concerns=("fine_lines",),
            zones=("cheeks",),
            skin_infection_now=True,
            pregnant_or_breastfeeding=True,
        ),
    )
    assert "What rules treatment out, and why" in text
    assert "The skin is not treated where there is an infection or a cold sore." in text
    assert "What a clinician would review with you first" in text
    assert "pregnancy has not been shown to be safe" in text


def test_it_says_a_concern_declined_by_the_evidence_is_not_offered(client: Client) -> None:
    text = text_of(client, Answers(age=44, concerns=("acne_scarring",), zones=("cheeks",)))
    assert "Acne scars: There is no good evidence" in text
    assert "Microneedling" in text


@pytest.mark.parametrize("fear", [NeedleFear.MILD, NeedleFear.SEVERE])
def test_it_ranks_needle_free_options_for_someone_afraid_of_needles(
    client: Client, fear: NeedleFear
) -> None:
    answers = Answers(
        age=44, concerns=("hair_loss", "fine_lines"), zones=("scalp",), needle_fear=fear
    )
    plan = make_plan(answers_to_request(answers), default_knowledge())
    text = text_of(client, answers)
    assert "Options without needles, strongest evidence first" in text
    first = next(a for a in plan.alternatives if a.needle_free)
    assert first.code == "low_level_laser_hair"  # the engine's ranking, kept
    assert "Low-level laser therapy for thinning hair" in text
    assert "A pharmacy lotion or foam, applied to the scalp" in text


def test_it_shows_no_needle_section_to_someone_not_afraid(client: Client) -> None:
    assert "If needles worry you" not in text_of(client, HAIR_AND_LINES)


def test_it_turns_an_under_18_away_kindly_offering_nothing_about_treatment(
    client: Client,
) -> None:
    response = answer_page(client, Answers(age=16, concerns=("fine_lines",), zones=("cheeks",)))
    html = response.content.decode()
    text = visible_text(html)
    assert "We cannot treat anyone under 18" in text
    assert "your GP or a pharmacist" in text
    assert "/enquiry/" not in html
    assert "consultation" not in text.lower()
    assert "Options without needles" not in text


def test_it_ends_with_a_consultation_carrying_the_answers(client: Client) -> None:
    response = answer_page(client, HAIR_AND_LINES)
    html = response.content.decode()
    token = response.wsgi_request.GET["answers"]
    assert f'href="/enquiry/?{urlencode({"answers": token})}"' in html
    assert "Ask for a consultation" in visible_text(html)


def test_it_lists_the_plan_s_sources_in_an_evidence_note(client: Client) -> None:
    plan = make_plan(answers_to_request(HAIR_AND_LINES), default_knowledge())
    text = text_of(client, HAIR_AND_LINES)
    assert "Evidence: the sources behind this answer" in text
    for source in plan.sources:
        assert source in text
