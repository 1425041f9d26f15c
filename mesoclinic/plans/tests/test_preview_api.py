"""``POST /api/v1/plans/preview``: the planning contract over HTTP, answered like the CLI."""

from __future__ import annotations

import copy
import json
from typing import Any

from django.test import Client

from mesoclinic.accounts.models import User
from mesoclinic.conftest import verified_client
from mesoclinic.planning.engine import make_plan
from mesoclinic.planning.knowledge import default_knowledge
from mesoclinic.planning.render import plan_to_dict
from mesoclinic.planning.request import parse_request
from mesoclinic.plans.api import MAX_BODY_BYTES
from mesoclinic.plans.schemas import EXAMPLE_REQUEST

URL = "/api/v1/plans/preview"
CONTRACT_KEYS = [
    "knowledge_version",
    "verdict",
    "findings",
    "declined",
    "alternatives",
    "areas",
    "courses",
    "visits",
    "sources",
]


def a_request() -> dict[str, Any]:
    return copy.deepcopy(EXAMPLE_REQUEST)


def post(client: Client, body: str | bytes) -> Any:
    return client.post(URL, data=body, content_type="application/json")


def test_it_returns_the_plan_to_an_anonymous_caller(client: Client) -> None:
    response = post(client, json.dumps(a_request()))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert list(body) == CONTRACT_KEYS
    knowledge = default_knowledge()
    plan = make_plan(parse_request(a_request(), knowledge), knowledge)
    assert body == plan_to_dict(plan, knowledge)


def test_it_answers_any_verdict_with_200(client: Client) -> None:
    minor = a_request()
    minor["patient"]["age"] = 15
    response = post(client, json.dumps(minor))
    assert response.status_code == 200
    assert response.json()["verdict"] == "not_suitable"


def test_it_lists_every_problem_as_the_cli_does(client: Client) -> None:
    data = a_request()
    data["patient"]["age"] = "forty"
    data["patient"]["sexx"] = "female"
    data["requests"][0]["zones"][1] = "cheek"
    response = post(client, json.dumps(data))
    assert response.status_code == 422
    assert _envelope(response.json()) == {
        "error": "invalid plan request",
        "problems": [
            'patient.sexx: unknown field (did you mean "sex"?)',
            'patient.age: must be a whole number from 0 to 130, got "forty"',
            'requests[0].zones[1]: unknown zone "cheek" (did you mean "cheeks"?)',
        ],
    }


def test_it_refuses_malformed_json(client: Client) -> None:
    response = post(client, '{"patient": {"age": 42}')
    assert response.status_code == 422
    problem = "invalid JSON: Expecting ',' delimiter at line 1 column 24"
    assert _envelope(response.json()) == {"error": problem, "problems": [problem]}


def test_it_names_a_start_date_out_of_range(client: Client) -> None:
    for day in ("0001-01-01", "9999-12-31"):
        data = a_request()
        data["start_date"] = day
        response = post(client, json.dumps(data))
        assert response.status_code == 422
        assert _envelope(response.json()) == {
            "error": "invalid plan request",
            "problems": [f'start_date: must be a date from 1900-01-01 to 2999-12-31, got "{day}"'],
        }


def test_it_answers_deeply_nested_json_with_422(client: Client) -> None:
    nested = "[" * 400 + "]" * 400
    text = json.dumps(a_request()).replace('"autoimmune_disease"', nested)
    response = post(client, text)
    assert response.status_code == 422
    (problem,) = response.json()["problems"]
    assert problem.startswith("patient.conditions[0]: must be a condition code (a string), got [[")

    response = post(client, '{"patient": ' + "[" * 50_000)
    assert response.status_code == 422
    assert response.json()["problems"] == ["invalid JSON: nested too deeply"]


def test_it_refuses_bytes_that_are_not_text(client: Client) -> None:
    response = post(client, b'{"patient": "\xff"}')
    assert response.status_code == 422
    assert response.json()["problems"] == [
        "invalid JSON: the bytes are not Unicode text (UTF-8 expected)"
    ]


def test_it_refuses_an_array_of_requests(client: Client) -> None:
    response = post(client, json.dumps([a_request()]))
    assert response.status_code == 422
    assert _envelope(response.json()) == {
        "error": "invalid plan request",
        "problems": [
            "request: must be one plan request object; batches (arrays) are for the CLI only"
        ],
    }


def test_it_refuses_a_body_over_64_kib(client: Client) -> None:
    data = a_request()
    data["padding"] = "x" * MAX_BODY_BYTES
    body = json.dumps(data)
    response = post(client, body)
    assert response.status_code == 413
    assert _envelope(response.json()) == {
        "error": "request body too large",
        "problems": [f"request: at most 65536 bytes, got {len(body)}"],
    }


def test_it_allows_only_post(client: Client) -> None:
    assert client.get(URL).status_code == 405


def test_openapi_documents_the_preview(receptionist_a: User) -> None:
    schema = verified_client(receptionist_a).get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/plans/preview"]["post"]
    assert operation["tags"] == ["plans"]
    assert "security" not in operation
    body = operation["requestBody"]["content"]["application/json"]
    assert body["schema"]["required"] == ["patient", "requests"]
    assert body["example"]["patient"]["age"] == 42
    assert set(operation["responses"]) == {"200", "413", "422"}
    plan_ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    plan_schema = schema["components"]["schemas"][plan_ref.rsplit("/", 1)[-1]]
    assert list(plan_schema["properties"]) == CONTRACT_KEYS


def _envelope(body: dict[str, Any]) -> dict[str, Any]:
    """The body without ``fields``, after checking that ``fields`` holds exactly the problem
    lines, each under its path (``request`` for the document as a whole)."""
    fields = body.pop("fields")
    assert sorted(line for lines in fields.values() for line in lines) == sorted(body["problems"])
    for path, lines in fields.items():
        for line in lines:
            assert line.startswith(f"{path}: ") or path == "request", (path, line)
    return body
