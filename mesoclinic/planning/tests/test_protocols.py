"""Protocols follow the product: each substance's technique, course and maintenance are its own.

Table-driven over every (concern, zone) pair and every protocol the knowledge base has for it.
"""

from __future__ import annotations

import pytest

from mesoclinic.planning.engine import make_plan
from mesoclinic.planning.index import knowledge_index
from mesoclinic.planning.knowledge import default_knowledge
from mesoclinic.planning.knowledge_model import Protocol, Sourced
from mesoclinic.planning.model import ConcernRequest, Patient, PlanRequest, Sex, SubstanceRole

KB = default_knowledge()
PAIRS = [
    (pair, position, protocol)
    for pair, candidates in knowledge_index(KB).by_pair.items()
    for position, protocol in enumerate(candidates)
]


def _actives(protocol: Protocol) -> list[str]:
    return [c for c in protocol.substances if KB.substances[c].role is SubstanceRole.ACTIVE]


def test_hair_loss_on_the_scalp_has_one_protocol_per_substance() -> None:
    candidates = knowledge_index(KB).by_pair[("hair_loss", "scalp")]
    assert [(p.code, p.technique.value, _actives(p)) for p in candidates] == [
        ("hair_loss.scalp.dutasteride", "nappage", ["dutasteride"]),
        ("hair_loss.scalp.minoxidil", "point_by_point", ["minoxidil"]),
    ]


@pytest.mark.parametrize(
    ("pair", "position", "protocol"),
    PAIRS,
    ids=[f"{c}-{z}-{p.code}" for (c, z), _, p in PAIRS],
)
def test_each_protocol_brings_its_own_technique_course_and_maintenance(
    pair: tuple[str, str], position: int, protocol: Protocol
) -> None:
    concern, zone = pair
    earlier = knowledge_index(KB).by_pair[pair][:position]
    # Allergic to every active of the protocols preferred before this one: this one is planned.
    allergies = tuple(dict.fromkeys(code for p in earlier for code in _actives(p)))
    patient = Patient(age=40, sex=Sex.MALE, weight_kg=80, allergies=allergies)
    plan = make_plan(PlanRequest(patient, (ConcernRequest(concern, (zone,)),)), KB)
    areas = [a for a in plan.areas if a.zone == zone]
    if not areas:
        # Only when no active of the protocol may be used in this zone (a label restriction).
        assert all(
            KB.substances[c].allowed_zones is not None
            and zone not in (KB.substances[c].allowed_zones or ())
            for c in _actives(protocol)
        )
        return
    (area,) = areas
    assert area.protocol == protocol.code
    assert area.technique is protocol.technique
    assert area.substances[0].code in _actives(protocol)
    (course,) = plan.courses
    assert course.protocol == protocol.code
    sessions = protocol.sessions
    assert course.sessions == (int(sessions.value) if isinstance(sessions, Sourced) else None)
    assert course.maintenance.evidence is protocol.maintenance_evidence
    assert protocol.maintenance_note in course.maintenance.note
    # Where a figure was carried or computed, the area's notes say so with the note's words.
    for quantity in (
        protocol.angle_deg,
        protocol.needle_gauge,
        protocol.needle_length_mm,
        protocol.volume_per_point_ml,
        protocol.spacing_mm,
    ):
        if quantity.note:
            assert any(quantity.note.rstrip(".") in note for note in area.notes)


def test_the_area_names_the_other_suitable_substances_with_their_own_protocols() -> None:
    man = Patient(age=40, sex=Sex.MALE, weight_kg=80)
    request = (ConcernRequest("hair_loss", ("scalp",)),)
    (area,) = make_plan(PlanRequest(man, request), KB).areas
    assert "Also suitable: Minoxidil (evidence: RCT), with its own protocol." in area.notes
    allergic = Patient(age=40, sex=Sex.MALE, weight_kg=80, allergies=("minoxidil",))
    (area,) = make_plan(PlanRequest(allergic, request), KB).areas
    assert not [note for note in area.notes if note.startswith("Also suitable")]
