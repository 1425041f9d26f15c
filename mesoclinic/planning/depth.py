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
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from mesoclinic.planning.knowledge_model import Thickness, Zone
from mesoclinic.planning.model import Depth, Layer, Sex

_FRACTION = {Layer.MID_DERMIS: 0.5, Layer.SUPERFICIAL_DERMIS: 0.25}
_LAYER_WORDS = {Layer.MID_DERMIS: "dermis/2", Layer.SUPERFICIAL_DERMIS: "dermis/4"}
_ANGLE_SOURCE = "R9"  # depth = sin(angle) x inserted length


@dataclass(frozen=True)
class DepthAdvice:
    depth: Depth | None
    note: str
    sources: tuple[str, ...]


def depth_for(*, zone: Zone, sex: Sex | None, layer: Layer, angle_deg: int | None) -> DepthAdvice:
    """The depth to aim for in ``zone``, or None with the reason when it is not established."""
    if layer is Layer.SUBCUTANEOUS:
        return DepthAdvice(
            None,
            "Subcutaneous: below the dermis, into the fat; no dermal depth applies. " + zone.note,
            zone.sources,
        )
    measured = _thicknesses(zone, sex)
    if not measured:
        return DepthAdvice(None, zone.note, zone.sources)

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
    if angle_deg:
        insertion = depth.target / math.sin(math.radians(angle_deg))
        note += (
            f" At {angle_deg} degrees, insert about {insertion:.2f} mm of needle "
            "(depth / sin angle)."
        )
        sources = tuple(sorted({*sources, _ANGLE_SOURCE}))
    return DepthAdvice(depth, note, sources)


def _thicknesses(zone: Zone, sex: Sex | None) -> list[Thickness]:
    if sex is Sex.FEMALE:
        return [zone.female] if zone.female else []
    if sex is Sex.MALE:
        return [zone.male] if zone.male else []
    # Unknown or other sex: span both, and only when both were measured, so the range is honest.
    if zone.female and zone.male:
        return [zone.female, zone.male]
    return []
