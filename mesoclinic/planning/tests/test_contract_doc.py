"""Every field that a response can carry is documented in docs/planning-contract.md."""

from __future__ import annotations

from pathlib import Path

from mesoclinic.planning.engine import make_plan
from mesoclinic.planning.knowledge import default_knowledge
from mesoclinic.planning.render import plan_to_dict
from mesoclinic.planning.request import parse_request
from mesoclinic.planning.tests.io_samples import full_request

CONTRACT = Path(__file__).resolve().parents[3] / "docs" / "planning-contract.md"


def _keys(value: object, *, under_sources: bool = False) -> set[str]:
    """Every object key in ``value``; the keys of ``sources`` (source ids) are data, not fields."""
    if isinstance(value, dict):
        found: set[str] = set()
        for key, item in value.items():
            if not under_sources:
                found.add(key)
            found |= _keys(item, under_sources=key == "sources" and isinstance(item, dict))
        return found
    if isinstance(value, list):
        return set().union(*(_keys(item) for item in value)) if value else set()
    return set()


def test_every_response_field_is_in_the_contract() -> None:
    knowledge = default_knowledge()
    data = full_request()
    data["patient"].update(allergies=[], weight_kg=61, needle_fear="mild")
    response = plan_to_dict(make_plan(parse_request(data, knowledge), knowledge), knowledge)
    text = CONTRACT.read_text(encoding="utf-8")
    keys = _keys(response)
    assert {"insertion_mm", "prescription_only", "quality", "effect", "lidocaine_max_ml"} <= keys
    assert sorted(key for key in keys if f"`{key}`" not in text) == []
