"""Answers in words: the self-assessment attached to an enquiry, as reception and the
practitioner read it (concern, zone and substance names from the knowledge base)."""

from __future__ import annotations

from typing import Any

from mesoclinic.planning.knowledge import default_knowledge
from mesoclinic.plans.display import concern_names, zone_names
from mesoclinic.public.answers import Answers
from mesoclinic.public.words import public_words

_FEAR = {"none": "No", "mild": "A little", "severe": "Yes, a lot"}


def answers_rows(answers: Answers) -> list[tuple[str, str]]:
    """(question, answer) pairs, in the order the self-assessment asks them."""
    knowledge = default_knowledge()
    # Allergy codes name a substance or a class of substances (the self-assessment offers
    # classes); a code of neither is shown as sent.
    allergies = ", ".join(
        knowledge.substances[code].name
        if code in knowledge.substances
        else knowledge.allergy_classes[code].name
        if code in knowledge.allergy_classes
        else code
        for code in answers.allergies
    )
    if answers.isotretinoin_weeks is None:
        isotretinoin = "No"
    elif answers.isotretinoin_weeks == 0:
        isotretinoin = "Taking it now"
    else:
        isotretinoin = f"Stopped {answers.isotretinoin_weeks} weeks ago"
    return [
        ("Age", str(answers.age)),
        ("Concerns", concern_names(answers.concerns, knowledge) or "none given"),
        ("Areas", zone_names(answers.zones, knowledge) or "none given"),
        ("Worried about needles", _FEAR.get(str(answers.needle_fear), str(answers.needle_fear))),
        ("Pregnant or breastfeeding", _yes(answers.pregnant_or_breastfeeding)),
        ("Skin infection now", _yes(answers.skin_infection_now)),
        ("Takes blood thinners", _yes(answers.blood_thinners)),
        ("Keloid scars", _yes(answers.keloid_scars)),
        ("Autoimmune disease", _yes(answers.autoimmune_disease)),
        ("Isotretinoin (acne tablets)", isotretinoin),
        ("Allergies", allergies or "none given"),
    ]


def answers_summary(answers: Answers) -> str:
    """One line for the person and the practitioner: what is attached, in the public pages'
    words (the ones the person chose from), never the knowledge base's clinical names."""
    words = public_words()
    concerns = ", ".join(words.concern(code) for code in answers.concerns) or "no concern"
    zones = ", ".join(words.zone(code) for code in answers.zones) or "no area"
    return f"{concerns}; areas: {zones}; age {answers.age}."


def _yes(value: Any) -> str:
    return "Yes" if value else "No"
