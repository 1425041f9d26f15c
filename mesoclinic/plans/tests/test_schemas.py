"""The documenting schemas match what the preview really accepts and returns."""

from __future__ import annotations

import json

from mesoclinic.planning.engine import make_plan
from mesoclinic.planning.knowledge import default_knowledge
from mesoclinic.planning.render import plan_to_dict
from mesoclinic.planning.request import parse_request
from mesoclinic.planning.tests.io_samples import knowledge as sample_knowledge
from mesoclinic.planning.tests.io_samples import plan as sample_plan
from mesoclinic.plans.schemas import EXAMPLE_REQUEST, PlanRequestSchema, PlanSchema, request_body


def key_order(value: object) -> object:
    if isinstance(value, dict):
        return [(key, key_order(item)) for key, item in value.items()]
    if isinstance(value, list):
        return [key_order(item) for item in value]
    return None


def assert_schema_reproduces(rendered: dict[str, object]) -> None:
    # extra="forbid" makes a key the schema lacks fail validation; the dump then shows that
    # no key is dropped or reordered and no value changes.
    dumped = PlanSchema.model_validate(rendered).model_dump(mode="json")
    assert dumped == rendered
    assert key_order(dumped) == key_order(rendered)


def test_plan_schema_reproduces_a_hand_built_plan() -> None:
    assert_schema_reproduces(plan_to_dict(sample_plan(), sample_knowledge()))


def test_plan_schema_reproduces_an_engine_plan() -> None:
    knowledge = default_knowledge()
    plan = make_plan(parse_request(EXAMPLE_REQUEST, knowledge), knowledge)
    assert_schema_reproduces(plan_to_dict(plan, knowledge))


def test_example_request_is_valid_for_the_parser_and_the_schema() -> None:
    parse_request(EXAMPLE_REQUEST, default_knowledge())
    PlanRequestSchema.model_validate(EXAMPLE_REQUEST)


def test_request_body_schema_is_self_contained_and_lists_the_codes() -> None:
    knowledge = default_knowledge()
    body = request_body(knowledge)
    schema = body["content"]["application/json"]["schema"]
    assert "$ref" not in json.dumps(schema)
    patient = schema["properties"]["patient"]
    assert patient["additionalProperties"] is False
    assert patient["properties"]["conditions"]["items"]["enum"] == list(knowledge.conditions)
    concern_request = schema["properties"]["requests"]["items"]["properties"]
    assert concern_request["concern"]["enum"] == list(knowledge.concerns)
    assert concern_request["zones"]["items"]["enum"] == list(knowledge.zones)
