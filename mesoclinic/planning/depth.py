"""Injection depth from a zone's measured skin thickness.

Depth comes from anatomy, never from a technique's nominal depth: published "intradermal"
protocols put over 70% of injections below the dermis [R14]. The target is a fraction of the way
through the dermis, below the epidermis:

    target = epidermis + fraction x dermis        (means)
    range  = epidermis + fraction x (dermis -/+ one SD of the dermis)

with fraction 1/2 for the mid dermis and 1/4 for the superficial dermis (the middle of its upper
half). Only the dermis SD widens the range: one source's epidermis SD is implausible [R16], and
keeping the epidermis at its mean keeps every depth inside the dermis. For a patient not recorded
as female or male the range spans both sexes and the target is the mean of both targets.

The needle is checked against the same measurements. A needle fully inserted at an angle reaches
length x sin(angle) [R9]; where that passes the bottom of the dermis as measured (epidermis +
dermis, means, the deeper sex where both count) the note says so and gives the insertion to aim
for. ``insertion_mm`` is the length of needle to insert to reach the target, target / sin(angle),
never more than the needle. Where the zone has no measurement, no insertion is implied: the note
says "not established: measure" (docs/decisions/0018-insertion-depth.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from mesoclinic.planning.knowledge_model import Thickness, Zone
from mesoclinic.planning.model import Depth, Layer, Sex

_FRACTION = {Layer.MID_DERMIS: 0.5, Layer.SUPERFICIAL_DERMIS: 0.25}
_LAYER_WORDS = {Layer.MID_DERMIS: "dermis/2", Layer.SUPERFICIAL_DERMIS: "dermis/4"}
_ANGLE_SOURCE = "R9"  # depth = sin(angle) x inserted length


_UNMEASURED = (
    " Insertion: not established: measure the skin here before choosing how far to insert the "
    "needle; its length does not give a depth."
)


@dataclass(frozen=True)
class DepthAdvice:
    depth: Depth | None
    insertion_mm: float | None
    note: str
    sources: tuple[str, ...]


def depth_for(
    *,
    zone: Zone,
    sex: Sex | None,
    layer: Layer,
    angle_deg: int | None,
    needle_length_mm: float | None = None,
) -> DepthAdvice:
    """The depth to aim for in ``zone`` and the needle insertion that reaches it.

    Either is None, with the reason in the note, when it is not established: no measured
    thickness for the zone (or the patient's sex), a subcutaneous layer, or no sourced angle.
    """
    if layer is Layer.SUBCUTANEOUS:
        return DepthAdvice(
            None,
            None,
            "Subcutaneous: below the dermis, into the fat; no dermal depth applies. " + zone.note,
            zone.sources,
        )
    measured = _thicknesses(zone, sex)
    if not measured:
        return DepthAdvice(None, None, zone.note + _UNMEASURED, zone.sources)

    fraction = _FRACTION[layer]
    targets = [t.epidermis.mean + fraction * t.dermis.mean for t in measured]
    lows = [t.epidermis.mean + fraction * (t.dermis.mean - t.dermis.sd) for t in measured]
    highs = [t.epidermis.mean + fraction * (t.dermis.mean + t.dermis.sd) for t in measured]
    depth = Depth(
        target=round(sum(targets) / len(targets), 2),
        min=round(min(lows), 2),
        max=round(max(highs), 2),
    )
    who = "both sexes (sex not recorded as female or male)" if len(measured) > 1 else sex
    sources = tuple(sorted({s for t in measured for s in t.sources} | set(zone.sources)))
    note = (
        f"Derived: epidermis + {_LAYER_WORDS[layer]} from measured thickness for {who}; "
        f"range from one SD of the dermis. {zone.note}"
    )
    if not angle_deg:
        return DepthAdvice(depth, None, note, sources)
    sine = math.sin(math.radians(angle_deg))
    insertion = depth.target / sine
    note += (
        f" At {angle_deg} degrees, insert about {insertion:.2f} mm of needle (depth / sin angle)."
    )
    sources = tuple(sorted({*sources, _ANGLE_SOURCE}))
    if needle_length_mm is None:
        return DepthAdvice(depth, round(insertion, 2), note, sources)
    bottom = max(t.epidermis.mean + t.dermis.mean for t in measured)
    reach = needle_length_mm * sine
    if insertion > needle_length_mm:
        note += (
            f" The {needle_length_mm:g} mm needle fully inserted reaches only {reach:.2f} mm: "
            "a steeper angle or a longer needle is needed to reach the target."
        )
        insertion = needle_length_mm
    elif reach > bottom:
        note += (
            f" Fully inserted, the {needle_length_mm:g} mm needle would reach {reach:.2f} mm, "
            f"below the dermis measured here (about {bottom:.2f} mm): do not insert it fully."
        )
    return DepthAdvice(depth, round(insertion, 2), note, sources)


def _thicknesses(zone: Zone, sex: Sex | None) -> list[Thickness]:
    if sex is Sex.FEMALE:
        return [zone.female] if zone.female else []
    if sex is Sex.MALE:
        return [zone.male] if zone.male else []
    # Unknown or other sex: span both, and only when both were measured, so the range is honest.
    if zone.female and zone.male:
        return [zone.female, zone.male]
    return []
