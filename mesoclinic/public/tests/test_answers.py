from __future__ import annotations

from dataclasses import replace

import pytest
from django.core import signing
from hypothesis import given
from hypothesis import strategies as st

from mesoclinic.planning.model import ConcernRequest, NeedleFear
from mesoclinic.public.answers import (
    SALT,
    Answers,
    AnswersInvalid,
    answers_from_dict,
    answers_load,
    answers_sign,
    answers_to_dict,
    answers_to_request,
)

codes = st.lists(st.sampled_from(["hair_loss", "fine_lines", "scalp", "cheeks"]), max_size=3)
answers = st.builds(
    Answers,
    age=st.integers(min_value=0, max_value=120),
    concerns=codes.map(tuple),
    zones=codes.map(tuple),
    needle_fear=st.sampled_from(NeedleFear),
    pregnant_or_breastfeeding=st.booleans(),
    skin_infection_now=st.booleans(),
    blood_thinners=st.booleans(),
    keloid_scars=st.booleans(),
    autoimmune_disease=st.booleans(),
    isotretinoin_weeks=st.none() | st.integers(min_value=0, max_value=500),
    allergies=codes.map(tuple),
)


@given(answers)
def test_it_round_trips_every_answer_through_the_token(given_answers: Answers) -> None:
    assert answers_load(answers_sign(given_answers)) == given_answers


def test_it_refuses_an_edited_token() -> None:
    token = answers_sign(Answers(age=40, concerns=("hair_loss",), zones=("scalp",)))

    with pytest.raises(AnswersInvalid, match="not valid or has expired"):
        answers_load(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))


def test_it_refuses_an_expired_token() -> None:
    token = answers_sign(Answers(age=40, concerns=("hair_loss",), zones=("scalp",)))

    with pytest.raises(AnswersInvalid, match="expired"):
        answers_load(token, max_age=-1)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"age": "40"}, "'40' is not a whole number"),
        ({"age": True}, "True is not a whole number"),
        ({"zones": "scalp"}, "'scalp' is not a list of codes"),
        ({"keloid_scars": 1}, "1 is not true or false"),
        ({"needle_fear": "terror"}, "'terror' is not a valid NeedleFear"),
    ],
)
def test_it_refuses_a_signed_token_with_a_bad_value(
    change: dict[str, object], message: str
) -> None:
    data = answers_to_dict(Answers(age=40, concerns=("hair_loss",), zones=("scalp",))) | change
    token = signing.dumps(data, salt=SALT, compress=True)

    with pytest.raises(AnswersInvalid) as raised:
        answers_load(token)
    assert str(raised.value) == message


def test_it_refuses_missing_or_extra_fields() -> None:
    data = answers_to_dict(Answers(age=40, concerns=(), zones=()))

    with pytest.raises(AnswersInvalid, match="wrong fields"):
        answers_from_dict({k: v for k, v in data.items() if k != "age"})
    with pytest.raises(AnswersInvalid, match="wrong fields"):
        answers_from_dict(data | {"name": "Ann"})


def test_it_maps_the_screen_onto_the_engines_patient() -> None:
    request = answers_to_request(
        Answers(
            age=52,
            concerns=("hair_loss", "fine_lines"),
            zones=("scalp", "periorbital_lateral"),
            needle_fear=NeedleFear.SEVERE,
            pregnant_or_breastfeeding=True,
            skin_infection_now=True,
            blood_thinners=True,
            keloid_scars=True,
            autoimmune_disease=True,
            isotretinoin_weeks=4,
            allergies=("amide_local_anaesthetics",),
        )
    )

    patient = request.patient
    assert (patient.age, patient.pregnant, patient.breastfeeding) == (52, True, True)
    assert patient.conditions == ("keloid_history", "autoimmune_disease")
    assert patient.active_skin_infection_zones == ("scalp", "periorbital_lateral")
    assert patient.medications == ("anticoagulant",)
    assert patient.allergies == ("amide_local_anaesthetics",)
    assert patient.needle_fear is NeedleFear.SEVERE
    assert patient.weeks_since_isotretinoin == 4
    assert request.requests == (
        ConcernRequest("hair_loss", ("scalp", "periorbital_lateral")),
        ConcernRequest("fine_lines", ("scalp", "periorbital_lateral")),
    )


def test_it_leaves_an_unscreened_patient_clear() -> None:
    patient = answers_to_request(Answers(age=30, concerns=(), zones=("cheeks",))).patient

    assert (patient.conditions, patient.medications, patient.active_skin_infection_zones) == (
        (),
        (),
        (),
    )
    assert patient.weeks_since_isotretinoin is None


def test_it_asks_the_engine_about_isotretinoin_taken_now_and_stopped_recently() -> None:
    base = Answers(age=30, concerns=("fine_lines",), zones=("cheeks",))
    now = answers_to_request(replace(base, isotretinoin_weeks=0)).patient
    stopped = answers_to_request(replace(base, isotretinoin_weeks=39)).patient
    never = answers_to_request(base).patient
    assert "isotretinoin" in now.medications
    assert "isotretinoin" not in stopped.medications
    assert stopped.weeks_since_isotretinoin == 39
    assert never.weeks_since_isotretinoin is None
    assert "isotretinoin" not in never.medications
