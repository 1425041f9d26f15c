"""Typing a plan value in the form: text to the JSON value ``plan_edit`` checks."""

from __future__ import annotations

import pytest

from mesoclinic.plans.edits import EditError, editable_paths, value_from_text


@pytest.mark.parametrize(
    ("path", "text", "value"),
    [
        ("areas[0].points", " 20 ", 20),
        ("areas[0].volume_per_point_ml", "0,05", 0.05),
        ("areas[0].depth_mm.target", "0.7", 0.7),
        ("areas[0].depth_mm", "0.6, 0.5, 0.8", {"target": 0.6, "min": 0.5, "max": 0.8}),
        ("areas[0].depth_mm", "0.6 / 0.5 / 0.8", {"target": 0.6, "min": 0.5, "max": 0.8}),
        ("areas[0].technique", "papule", "papule"),
        ("visits[1].date", "2027-02-01", "2027-02-01"),
    ],
)
def test_it_types_form_text_by_path(path: str, text: str, value: object) -> None:
    assert value_from_text(path, text) == value


@pytest.mark.parametrize(
    ("path", "text", "field"),
    [
        ("areas[0].points", "20.5", "value"),
        ("areas[0].spacing_mm", "ten", "value"),
        ("areas[0].spacing_mm", "nan", "value"),
        ("areas[0].depth_mm", "0.6", "value"),
        ("knowledge_version", "x", "path"),
    ],
)
def test_it_refuses_text_that_is_not_the_kind_expected(path: str, text: str, field: str) -> None:
    with pytest.raises(EditError) as caught:
        value_from_text(path, text)
    assert caught.value.field == field
    assert (text in caught.value.message) or field == "path"


def test_it_lists_editable_paths_in_document_order() -> None:
    plan = {
        "areas": [{"depth_mm": None, "substances": [{}, {}]}],
        "courses": [{}],
        "visits": [{}],
    }
    assert list(editable_paths(plan)) == [
        "areas[0].layer",
        "areas[0].depth_mm",
        "areas[0].depth_note",
        "areas[0].angle_deg",
        "areas[0].needle.gauge",
        "areas[0].needle.length_mm",
        "areas[0].technique",
        "areas[0].substances[0].concentration",
        "areas[0].substances[1].concentration",
        "areas[0].volume_per_point_ml",
        "areas[0].spacing_mm",
        "areas[0].points",
        "areas[0].volume_ml",
        "courses[0].sessions",
        "courses[0].interval_days",
        "courses[0].maintenance.review_after_weeks",
        "courses[0].note",
        "visits[0].date",
        "visits[0].volume_ml",
    ]
