"""Hypothesis strategies for plan requests built from the knowledge base's own codes."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from mesoclinic.planning.knowledge_model import Knowledge
from mesoclinic.planning.model import ConcernRequest, NeedleFear, Patient, PlanRequest, Sex


def _subset(codes: list[str], max_size: int) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(st.sampled_from(codes), unique=True, max_size=max_size).map(tuple)


def patients(knowledge: Knowledge) -> st.SearchStrategy[Patient]:
    zones = list(knowledge.zones)
    return st.builds(
        Patient,
        age=st.integers(min_value=0, max_value=100),
        sex=st.one_of(st.none(), st.sampled_from(Sex)),
        weight_kg=st.one_of(
            st.none(),
            st.floats(min_value=30, max_value=200, allow_nan=False).map(lambda w: round(w, 1)),
        ),
        pregnant=st.booleans(),
        breastfeeding=st.booleans(),
        childbearing_potential=st.one_of(st.none(), st.booleans()),
        conditions=_subset(list(knowledge.conditions), 3),
        active_skin_infection_zones=_subset(zones, 2),
        medications=_subset(list(knowledge.medications), 3),
        allergies=_subset(list(knowledge.allergy_codes()), 3),
        needle_fear=st.sampled_from(NeedleFear),
    )


def concern_requests(knowledge: Knowledge) -> st.SearchStrategy[ConcernRequest]:
    return st.builds(
        ConcernRequest,
        concern=st.sampled_from(list(knowledge.concerns)),
        zones=st.lists(
            st.sampled_from(list(knowledge.zones)), unique=True, min_size=1, max_size=5
        ).map(tuple),
    )


def plan_requests(knowledge: Knowledge) -> st.SearchStrategy[PlanRequest]:
    return st.builds(
        PlanRequest,
        patient=patients(knowledge),
        requests=st.lists(concern_requests(knowledge), min_size=1, max_size=4).map(tuple),
        start_date=st.one_of(
            st.none(), st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2030, 12, 31))
        ),
    )
