"""The zone map's drawings: one element per contract zone, on the diagram the knowledge says."""

from __future__ import annotations

import itertools
import re

import pytest

from mesoclinic.consultations.diagrams import DIAGRAM_BY_CODE, DIAGRAMS, ZONE_SHAPES
from mesoclinic.consultations.map_display import zone_map
from mesoclinic.planning.knowledge import default_knowledge

CONTRACT_ZONES = [
    *("forehead", "glabella", "temples", "periorbital_lateral", "infraorbital", "eyelids"),
    *("nose", "cheeks", "nasolabial", "perioral", "chin", "jawline", "submental", "neck"),
    *("decolletage", "hands", "scalp", "abdomen", "flanks", "thighs", "buttocks", "upper_arms"),
]


def test_every_contract_zone_has_exactly_one_shape_on_its_knowledge_diagram() -> None:
    knowledge = default_knowledge()
    assert sorted(ZONE_SHAPES) == sorted(CONTRACT_ZONES) == sorted(knowledge.zones)
    drawn = [shape.zone for diagram in DIAGRAMS for shape in diagram.zones]
    assert len(drawn) == len(set(drawn))
    for code, zone in knowledge.zones.items():
        assert code in {shape.zone for shape in DIAGRAM_BY_CODE[zone.diagram].zones}, code


@pytest.mark.parametrize("diagram", DIAGRAMS, ids=lambda d: d.code)
def test_every_zone_and_its_label_anchor_lie_inside_the_cropped_view(diagram: object) -> None:
    from mesoclinic.consultations.diagrams import Diagram

    assert isinstance(diagram, Diagram)
    x, y, width, height = (float(n) for n in diagram.crop.split())
    for shape in diagram.zones:
        ax, ay = shape.anchor
        assert x <= ax <= x + width, shape.zone
        assert y <= ay <= y + height, shape.zone
        numbers = [
            float(n)
            for n in re.findall(r"-?\d+(?:\.\d+)?", " ".join(v for _, v in shape.shape.attrs))
        ]
        assert numbers, shape.zone


def test_labels_in_a_column_never_overlap() -> None:
    knowledge = default_knowledge()
    every_zone = {code: ["pigmentation"] for code in knowledge.zones}
    labels = {
        code: ["0.63 mm · microdroplet", "depth: measure · nappage"] for code in knowledge.zones
    }
    view = zone_map(knowledge, mode="view", marked=every_zone, labels=labels)
    for diagram in view.diagrams:
        for anchor in ("start", "end"):
            column = sorted(
                (label for label in diagram.labels if label.anchor == anchor),
                key=lambda label: label.y,
            )
            for upper, lower in itertools.pairwise(column):
                assert lower.y >= upper.y + 15 * len(upper.lines), (
                    diagram.code,
                    upper.zone,
                    lower.zone,
                )


def test_view_mode_draws_only_the_diagrams_with_marked_zones() -> None:
    knowledge = default_knowledge()
    view = zone_map(
        knowledge, mode="view", marked={"scalp": ["hair_loss"], "abdomen": ["localised_fat"]}
    )
    assert [d.code for d in view.diagrams] == ["scalp_top", "body_front"]
    assert [item.concern for item in view.legend] == ["hair_loss", "localised_fat"]
    edit = zone_map(knowledge, mode="edit", marked={})
    assert [d.code for d in edit.diagrams] == ["face_front", "scalp_top", "body_front", "body_back"]
    assert len(edit.concerns) == len(knowledge.concerns)
