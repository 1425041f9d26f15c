"""``/api/v1/plans``: the planning contract over HTTP.

The preview parses the raw body with ``planning.request`` itself rather than through a ninja
body schema, so that its problem lines are the CLI's, word for word; the schemas in
``plans.schemas`` only document the shapes in OpenAPI.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from django.http import HttpRequest, HttpResponse
from ninja import Router

from mesoclinic.planning.engine import make_plan
from mesoclinic.planning.errors import PlanningError, Problem
from mesoclinic.planning.json_input import decode_json
from mesoclinic.planning.knowledge import default_knowledge
from mesoclinic.planning.render import plan_to_dict
from mesoclinic.planning.request import parse_request
from mesoclinic.plans.schemas import PlanSchema, ProblemSchema, request_body

router = Router(tags=["plans"])

# A full request with every code listed is under 4 KiB; 64 KiB leaves room and bounds the work.
MAX_BODY_BYTES = 64 * 1024


@router.post(
    "/preview",
    # Open on purpose: a pure computation that stores nothing about the patient (see docstring).
    auth=None,
    response={200: PlanSchema, 413: ProblemSchema, 422: ProblemSchema},
    summary="Preview a treatment plan",
    operation_id="plans_preview",
    openapi_extra={"requestBody": request_body(default_knowledge())},
)
def preview(request: HttpRequest) -> HttpResponse:
    """Plan a request (the planning contract's JSON) and return the plan; nothing is stored.

    Open to anonymous callers for now: the preview is a pure computation on the request body,
    no patient record is read or written, and the same engine ships as a public command. Token
    authentication comes with the endpoints that store plans.

    200: the plan, whatever its verdict. 422: the body is not JSON, is an array, or breaks the
    contract; ``fields`` maps each field path to its problems (the API's one envelope) and
    ``problems`` holds one line per problem, as ``mesoclinic plan`` prints them.
    413: the body is larger than 64 KiB.
    """
    # The declared length is checked before the body is read, so an oversized upload is refused
    # without buffering it; the body's own length covers a request that declared none.
    declared = _declared_length(request)
    if declared > MAX_BODY_BYTES:
        return _too_large(declared)
    body = request.body
    if len(body) > MAX_BODY_BYTES:
        return _too_large(len(body))
    try:
        data = decode_json(body)
    except PlanningError as error:
        return _problems(422, error.lines[0], error.problems)
    if isinstance(data, list):
        return _problems(
            422,
            "invalid plan request",
            [
                Problem(
                    "request",
                    "must be one plan request object; batches (arrays) are for the CLI only",
                )
            ],
        )
    knowledge = default_knowledge()
    try:
        plan_request = parse_request(data, knowledge)
    except PlanningError as error:
        return _problems(422, "invalid plan request", error.problems)
    plan = make_plan(plan_request, knowledge)
    return _json(200, plan_to_dict(plan, knowledge))


def _declared_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def _too_large(size: int) -> HttpResponse:
    return _problems(
        413,
        "request body too large",
        [Problem("request", f"at most {MAX_BODY_BYTES} bytes, got {size}")],
    )


def _problems(status: int, error: str, problems: Sequence[Problem]) -> HttpResponse:
    """The API's one envelope, ``fields`` keyed by each problem's path (``request`` for the
    document as a whole), plus ``problems``: the same lines the CLI prints, in order."""
    fields: dict[str, list[str]] = {}
    for problem in problems:
        fields.setdefault(problem.path or "request", []).append(str(problem))
    lines = [str(problem) for problem in problems]
    return _json(status, {"error": error, "fields": fields, "problems": lines})


def _json(status: int, body: object) -> HttpResponse:
    # Returned as an HttpResponse so that ninja passes it through untouched: the body is
    # exactly plan_to_dict's output, not a re-serialisation through the documenting schema.
    text = json.dumps(body, ensure_ascii=False, allow_nan=False)
    return HttpResponse(text, status=status, content_type="application/json")
