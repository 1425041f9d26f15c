"""Tests of ``planning.depth``: the insertion rule over every zone, protocol and sex."""

from __future__ import annotations

import math

import pytest

from mesoclinic.planning.depth import depth_for
from mesoclinic.planning.knowledge import default_knowledge
from mesoclinic.planning.knowledge_model import Protocol, Sourced
from mesoclinic.planning.model import Layer, Sex

KB = default_knowledge()
SEXES = (Sex.FEMALE, Sex.MALE, Sex.OTHER, None)
# Every (protocol, zone, sex) the knowledge base can plan.
PLANNED = [
    (protocol, zone, sex) for protocol in KB.protocols for zone in protocol.zones for sex in SEXES
]


def _value(quantity: object) -> float | None:
    return quantity.value if isinstance(quantity, Sourced) else None


def _bottom(zone: str, sex: Sex | None) -> float | None:
    """The deepest mean bottom of the dermis measured for the sexes that count, or None."""
    female, male = KB.zones[zone].female, KB.zones[zone].male
    measures = [female] if sex is Sex.FEMALE else [male] if sex is Sex.MALE else [female, male]
    present = [m for m in measures if m is not None]
    if len(present) < len(measures):
        return None
    return max(m.epidermis.mean + m.dermis.mean for m in present)


@pytest.mark.parametrize(
    ("protocol", "zone", "sex"),
    PLANNED,
    ids=[f"{p.code}-{z}-{s}" for p, z, s in PLANNED],
)
def test_it_never_aims_the_needle_below_the_measured_dermis(
    protocol: Protocol, zone: str, sex: Sex | None
) -> None:
    angle = _value(protocol.angle_deg)
    length = _value(protocol.needle_length_mm)
    advice = depth_for(
        zone=KB.zones[zone],
        sex=sex,
        layer=protocol.layer,
        angle_deg=None if angle is None else int(angle),
        needle_length_mm=length,
    )
    bottom = _bottom(zone, sex)
    if protocol.layer is Layer.SUBCUTANEOUS or bottom is None or angle is None:
        assert advice.insertion_mm is None
        if protocol.layer is not Layer.SUBCUTANEOUS and bottom is None:
            assert "Insertion: not established: measure" in advice.note
        return
    assert advice.depth is not None
    sine = math.sin(math.radians(angle))
    assert length is not None
    assert advice.insertion_mm == round(min(length, advice.depth.target / sine), 2)
    assert advice.insertion_mm * sine <= bottom
    warned = "do not insert it fully" in advice.note
    assert warned == (length * sine > bottom)


def test_it_warns_where_the_full_needle_passes_the_dermis() -> None:
    advice = depth_for(
        zone=KB.zones["temples"],
        sex=Sex.FEMALE,
        layer=Layer.MID_DERMIS,
        angle_deg=30,
        needle_length_mm=2.0,
    )
    assert advice.insertion_mm == 1.16
    assert advice.note == (
        "Derived: epidermis + dermis/2 from measured thickness for female; range from one SD of "
        "the dermis. Meng 2022 HFUS means [R16]. At 30 degrees, insert about 1.16 mm of needle "
        "(depth / sin angle). Fully inserted, the 2 mm needle would reach 1.00 mm, below the "
        "dermis measured here (about 0.98 mm): do not insert it fully."
    )
    assert advice.sources == ("R16", "R9")


def test_it_says_when_the_needle_is_too_short_for_the_target() -> None:
    advice = depth_for(
        zone=KB.zones["forehead"],
        sex=Sex.MALE,
        layer=Layer.MID_DERMIS,
        angle_deg=15,
        needle_length_mm=2.0,
    )
    assert advice.insertion_mm == 2.0
    assert advice.note.endswith(
        "The 2 mm needle fully inserted reaches only 0.52 mm: a steeper angle or a longer needle "
        "is needed to reach the target."
    )


def test_it_implies_no_insertion_where_the_zone_is_not_measured() -> None:
    advice = depth_for(
        zone=KB.zones["scalp"],
        sex=Sex.FEMALE,
        layer=Layer.MID_DERMIS,
        angle_deg=45,
        needle_length_mm=4.0,
    )
    assert (advice.depth, advice.insertion_mm) == (None, None)
    assert advice.note.endswith(
        "Insertion: not established: measure the skin here before choosing how far to insert the "
        "needle; its length does not give a depth."
    )
