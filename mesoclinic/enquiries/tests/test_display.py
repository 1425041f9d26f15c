from __future__ import annotations

from mesoclinic.enquiries.display import answers_rows, answers_summary
from mesoclinic.planning.model import NeedleFear
from mesoclinic.public.answers import Answers


def test_it_reads_the_answers_to_reception_in_words() -> None:
    rows = answers_rows(
        Answers(
            age=52,
            concerns=("hair_loss",),
            zones=("scalp",),
            needle_fear=NeedleFear.SEVERE,
            blood_thinners=True,
            isotretinoin_weeks=0,
            allergies=("amide_local_anaesthetics", "hyaluronic_acid", "no_such_code"),
        )
    )

    assert rows == [
        ("Age", "52"),
        ("Concerns", "Hair loss (androgenetic alopecia)"),
        ("Areas", "Scalp"),
        ("Worried about needles", "Yes, a lot"),
        ("Pregnant or breastfeeding", "No"),
        ("Skin infection now", "No"),
        ("Takes blood thinners", "Yes"),
        ("Keloid scars", "No"),
        ("Autoimmune disease", "No"),
        ("Isotretinoin (acne tablets)", "Taking it now"),
        (
            "Allergies",
            "Amide local anaesthetics, Hyaluronic acid, any form, no_such_code",
        ),
    ]


def test_it_summarises_the_answers_in_the_words_the_person_chose_from() -> None:
    summary = answers_summary(
        Answers(
            age=41, concerns=("hair_loss", "fine_lines"), zones=("scalp", "periorbital_lateral")
        )
    )

    assert summary == (
        "Thinning hair (pattern hair loss), Fine lines; "
        "areas: Scalp, Crow's feet (outer corners of the eyes); age 41."
    )
