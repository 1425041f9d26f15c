"""A visitor's self-assessment: what they typed, carried as a signed token, never stored.

The answer page and the enquiry form read the same token (``answers_sign`` / ``answers_load``):
the self-assessment is POST-redirect-GET with the token in the address, and an enquiry attaches
``answers_to_dict`` of it. The token is signed (it cannot be forged or edited) but not encrypted:
it holds no name or contact detail, only the screening answers, and it expires
(``MAX_AGE_SECONDS``) so that an old link does not answer for someone's circumstances of last year.

``answers_to_request`` turns the answers into the planning engine's ``PlanRequest``; the engine
answers the public exactly as it answers a clinician, and the public page rephrases the result.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.core import signing

from mesoclinic.planning.model import ConcernRequest, NeedleFear, Patient, PlanRequest

SALT = "mesoclinic.public.answers"
# A day: long enough to read the answer, come back to it and send an enquiry; short enough that a
# shared or bookmarked link stops speaking for the person.
MAX_AGE_SECONDS = 24 * 60 * 60


class AnswersInvalid(Exception):
    """A token that was edited, signed with another key, expired, or holds a bad shape."""


@dataclass(frozen=True)
class Answers:
    """The self-assessment. Codes are the planning contract's (concerns, zones, allergies).

    ``isotretinoin_weeks``: weeks since it was stopped, 0 while still taking it, ``None`` never.
    """

    age: int
    concerns: tuple[str, ...]
    zones: tuple[str, ...]
    needle_fear: NeedleFear = NeedleFear.NONE
    pregnant_or_breastfeeding: bool = False
    skin_infection_now: bool = False
    blood_thinners: bool = False
    keloid_scars: bool = False
    autoimmune_disease: bool = False
    isotretinoin_weeks: int | None = None
    allergies: tuple[str, ...] = ()


def answers_to_dict(answers: Answers) -> dict[str, Any]:
    """Plain JSON-ready values (lists for tuples, the needle fear's value)."""
    data = asdict(answers)
    for key, value in data.items():
        if isinstance(value, tuple):
            data[key] = list(value)
    data["needle_fear"] = answers.needle_fear.value
    return data


def answers_from_dict(data: Any) -> Answers:
    """The inverse of ``answers_to_dict``; ``AnswersInvalid`` for any other shape."""
    if not isinstance(data, dict) or set(data) != set(Answers.__dataclass_fields__):
        raise AnswersInvalid("the answers have the wrong fields")
    try:
        isotretinoin = data["isotretinoin_weeks"]
        answers = Answers(
            age=_int(data["age"]),
            concerns=_codes(data["concerns"]),
            zones=_codes(data["zones"]),
            needle_fear=NeedleFear(data["needle_fear"]),
            pregnant_or_breastfeeding=_bool(data["pregnant_or_breastfeeding"]),
            skin_infection_now=_bool(data["skin_infection_now"]),
            blood_thinners=_bool(data["blood_thinners"]),
            keloid_scars=_bool(data["keloid_scars"]),
            autoimmune_disease=_bool(data["autoimmune_disease"]),
            isotretinoin_weeks=None if isotretinoin is None else _int(isotretinoin),
            allergies=_codes(data["allergies"]),
        )
    except (TypeError, ValueError) as error:
        raise AnswersInvalid(str(error)) from error
    return answers


def answers_sign(answers: Answers) -> str:
    return signing.dumps(answers_to_dict(answers), salt=SALT, compress=True)


def answers_load(token: str, *, max_age: int = MAX_AGE_SECONDS) -> Answers:
    """The answers a token carries; ``AnswersInvalid`` when it is forged, expired or malformed."""
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.BadSignature as error:  # SignatureExpired is a BadSignature
        raise AnswersInvalid("the answers' link is not valid or has expired") from error
    return answers_from_dict(data)


def answers_to_request(answers: Answers) -> PlanRequest:
    """The engine's request: one concern request per concern, each over every chosen zone.

    The engine itself declines the pairs that do not fit (a concern in a zone it has no protocol
    for), so the public answer says so instead of this module guessing.
    """
    conditions = tuple(
        code
        for code, present in (
            ("keloid_history", answers.keloid_scars),
            ("autoimmune_disease", answers.autoimmune_disease),
        )
        if present
    )
    patient = Patient(
        age=answers.age,
        # Asked as one question in public; the engine's rules treat each the same way here.
        pregnant=answers.pregnant_or_breastfeeding,
        breastfeeding=answers.pregnant_or_breastfeeding,
        conditions=conditions,
        active_skin_infection_zones=answers.zones if answers.skin_infection_now else (),
        medications=tuple(
            code
            for code, taken in (
                ("anticoagulant", answers.blood_thinners),
                ("isotretinoin", answers.isotretinoin_weeks == 0),  # 0: taking it now
            )
            if taken
        ),
        allergies=answers.allergies,
        needle_fear=answers.needle_fear,
        weeks_since_isotretinoin=answers.isotretinoin_weeks,
    )
    requests = tuple(ConcernRequest(concern=c, zones=answers.zones) for c in answers.concerns)
    return PlanRequest(patient=patient, requests=requests)


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{value!r} is not a whole number")
    return int(value)


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{value!r} is not true or false")
    return bool(value)


def _codes(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{value!r} is not a list of codes")
    return tuple(value)
