"""Test doubles of the knowledge base. Not clinical data."""

from __future__ import annotations

import dataclasses

from mesoclinic.planning.knowledge import default_knowledge
from mesoclinic.planning.knowledge_model import Knowledge, Sourced


def with_volumes(knowledge: Knowledge) -> Knowledge:
    """The knowledge with every protocol given 400 points of 0.05 mL in every zone.

    Makes volumes, and so lidocaine doses, known everywhere, so that the per-visit lidocaine
    ceiling is exercised, including visits that would exceed it.
    """
    protocols = tuple(
        dataclasses.replace(
            p,
            points={z: Sourced(400.0, ("R3",)) for z in p.zones},
            volume_per_point_ml=Sourced(0.05, ("R3",)),
        )
        for p in knowledge.protocols
    )
    return dataclasses.replace(knowledge, protocols=protocols)


KB_WITH_VOLUMES = with_volumes(default_knowledge())
