"""Tests of ``planning.request``: every class of bad input gives its exact problem line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mesoclinic.planning.errors import PlanningError, Problem
from mesoclinic.planning.json_input import decode_json
from mesoclinic.planning.model import ConcernRequest, NeedleFear, Patient, PlanRequest, Sex
from mesoclinic.planning.request import parse_batch, parse_request
from mesoclinic.planning.tests.io_samples import full_request, knowledge

KNOWLEDGE = knowledge()

Mutation = Callable[[dict[str, Any]], object]


def problems_of(data: object) -> list[str]:
    with pytest.raises(PlanningError) as caught:
        parse_request(data, KNOWLEDGE)
    return list(caught.value.lines)


def _nested(depth: int) -> list[object]:
    """``[[[...]]]``, ``depth`` lists deep: as deep as the JSON decoder still accepts."""
    value: list[object] = []
    for _ in range(depth - 1):
        value = [value]
    return value


def setting(path: str, value: object) -> Mutation:
    """A mutation that sets the dotted ``path`` (list indexes as digits) to ``value``."""

    def mutate(data: dict[str, Any]) -> object:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[int(last) if last.isdigit() else last] = value
        return data

    return mutate


def deleting(path: str) -> Mutation:
    def mutate(data: dict[str, Any]) -> object:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        del node[last]
        return data

    return mutate


def replacing(value: object) -> Mutation:
    return lambda _data: value


CASES: list[tuple[str, Mutation, str]] = [
    # shape of the whole request
    ("top not object", replacing([]), "request: must be an object, got []"),
    ("top null", replacing(None), "request: must be an object, got null"),
    (
        "top unknown key",
        setting("startdate", "2027-01-11"),
        'startdate: unknown field (did you mean "start_date"?)',
    ),
    ("key not identifier", setting("a b", 1), '["a b"]: unknown field'),
    # patient
    ("patient missing", deleting("patient"), 'patient: required (an object with at least "age")'),
    ("patient not object", setting("patient", "42"), 'patient: must be an object, got "42"'),
    (
        "patient unknown key",
        setting("patient.sexx", "female"),
        'patient.sexx: unknown field (did you mean "sex"?)',
    ),
    (
        "age missing",
        deleting("patient.age"),
        "patient.age: required (a whole number from 0 to 130)",
    ),
    (
        "age text",
        setting("patient.age", "forty"),
        'patient.age: must be a whole number from 0 to 130, got "forty"',
    ),
    (
        "age bool",
        setting("patient.age", True),
        "patient.age: must be a whole number from 0 to 130, got true",
    ),
    (
        "age fraction",
        setting("patient.age", 42.5),
        "patient.age: must be a whole number from 0 to 130, got 42.5",
    ),
    (
        "age negative",
        setting("patient.age", -1),
        "patient.age: must be a whole number from 0 to 130, got -1",
    ),
    (
        "age too old",
        setting("patient.age", 131),
        "patient.age: must be a whole number from 0 to 130, got 131",
    ),
    (
        "age null",
        setting("patient.age", None),
        "patient.age: must be a whole number from 0 to 130, got null",
    ),
    (
        "sex near miss",
        setting("patient.sex", "Female"),
        'patient.sex: must be "female", "male", "other" or null, got "Female" '
        '(did you mean "female"?)',
    ),
    (
        "sex number",
        setting("patient.sex", 1),
        'patient.sex: must be "female", "male", "other" or null, got 1',
    ),
    (
        "weight zero",
        setting("patient.weight_kg", 0),
        "patient.weight_kg: must be a number of kilograms from 1 to 400 or null, got 0",
    ),
    (
        "weight too high",
        setting("patient.weight_kg", 400.5),
        "patient.weight_kg: must be a number of kilograms from 1 to 400 or null, got 400.5",
    ),
    (
        "weight text",
        setting("patient.weight_kg", "61"),
        'patient.weight_kg: must be a number of kilograms from 1 to 400 or null, got "61"',
    ),
    (
        "weight bool",
        setting("patient.weight_kg", True),
        "patient.weight_kg: must be a number of kilograms from 1 to 400 or null, got true",
    ),
    (
        "weight not finite",
        setting("patient.weight_kg", float("nan")),
        "patient.weight_kg: must be a number of kilograms from 1 to 400 or null, got NaN",
    ),
    (
        "pregnant text",
        setting("patient.pregnant", "no"),
        'patient.pregnant: must be true or false, got "no"',
    ),
    (
        "pregnant null",
        setting("patient.pregnant", None),
        "patient.pregnant: must be true or false, got null",
    ),
    (
        "breastfeeding number",
        setting("patient.breastfeeding", 0),
        "patient.breastfeeding: must be true or false, got 0",
    ),
    (
        "childbearing text",
        setting("patient.childbearing_potential", "yes"),
        'patient.childbearing_potential: must be true, false or null (not stated), got "yes"',
    ),
    (
        "conditions not list",
        setting("patient.conditions", "diabetes"),
        'patient.conditions: must be a list of condition codes, got "diabetes"',
    ),
    (
        "condition not text",
        setting("patient.conditions", [5]),
        "patient.conditions[0]: must be a condition code (a string), got 5",
    ),
    (
        "condition near miss",
        setting("patient.conditions", ["diabetis"]),
        'patient.conditions[0]: unknown condition "diabetis" (did you mean "diabetes"?)',
    ),
    (
        "condition far miss",
        setting("patient.conditions", ["xyz"]),
        'patient.conditions[0]: unknown condition "xyz"',
    ),
    (
        "condition duplicate",
        setting("patient.conditions", ["diabetes", "keloid_history", "diabetes"]),
        'patient.conditions[2]: duplicate condition "diabetes" (first at patient.conditions[0])',
    ),
    (
        "medication near miss",
        setting("patient.medications", ["anticoagulants"]),
        'patient.medications[0]: unknown medication "anticoagulants" '
        '(did you mean "anticoagulant"?)',
    ),
    (
        "allergy is a substance code",
        setting("patient.allergies", ["lidocain"]),
        'patient.allergies[0]: unknown substance "lidocain" (did you mean "lidocaine"?)',
    ),
    (
        "infection zone near miss",
        setting("patient.active_skin_infection_zones", ["cheek"]),
        'patient.active_skin_infection_zones[0]: unknown zone "cheek" (did you mean "cheeks"?)',
    ),
    (
        "needle fear unknown",
        setting("patient.needle_fear", "high"),
        'patient.needle_fear: must be "none", "mild" or "severe", got "high"',
    ),
    (
        "needle fear null",
        setting("patient.needle_fear", None),
        'patient.needle_fear: must be "none", "mild" or "severe", got null',
    ),
    # requests
    ("requests missing", deleting("requests"), "requests: at least one request is required"),
    ("requests empty", setting("requests", []), "requests: at least one request is required"),
    (
        "requests not list",
        setting("requests", {"concern": "pigmentation"}),
        'requests: must be a list of requests, got {"concern": "pigmentation"}',
    ),
    (
        "too many requests",
        setting("requests", [{"concern": "pigmentation", "zones": ["cheeks"]}] * 21),
        "requests: at most 20 requests, got 21",
    ),
    (
        "request not object",
        setting("requests.0", "cheeks"),
        'requests[0]: must be an object, got "cheeks"',
    ),
    (
        "concern missing",
        deleting("requests.0.concern"),
        "requests[0].concern: required (a concern code)",
    ),
    (
        "concern near miss",
        setting("requests.0.concern", "pigment"),
        'requests[0].concern: unknown concern "pigment" (did you mean "pigmentation"?)',
    ),
    (
        "concern not text",
        setting("requests.0.concern", ["pigmentation"]),
        'requests[0].concern: must be a concern code (a string), got ["pigmentation"]',
    ),
    (
        "concern duplicate",
        setting("requests.1.concern", "pigmentation"),
        'requests[1].concern: duplicate concern "pigmentation" (first at requests[0].concern; '
        "list all its zones there)",
    ),
    (
        "zones missing",
        deleting("requests.0.zones"),
        "requests[0].zones: at least one zone is required",
    ),
    (
        "zones empty",
        setting("requests.0.zones", []),
        "requests[0].zones: at least one zone is required",
    ),
    (
        "zones not list",
        setting("requests.0.zones", "cheeks"),
        'requests[0].zones: must be a list of zone codes, got "cheeks"',
    ),
    (
        "zone near miss",
        setting("requests.0.zones.1", "cheek"),
        'requests[0].zones[1]: unknown zone "cheek" (did you mean "cheeks"?)',
    ),
    (
        "zone duplicate",
        setting("requests.0.zones.1", "cheeks"),
        'requests[0].zones[1]: duplicate zone "cheeks" (first at requests[0].zones[0])',
    ),
    (
        "request unknown key",
        setting("requests.1.zone", "scalp"),
        'requests[1].zone: unknown field (did you mean "zones"?)',
    ),
    (
        "allergy class typed in part",
        setting("patient.allergies", ["hyaluronic"]),
        'patient.allergies[0]: unknown substance "hyaluronic" (did you mean "hyaluronic_acid"?)',
    ),
    (
        "allergy to a form the knowledge base lacks: the class, not another form",
        setting("patient.allergies", ["hyaluronic_acid_crosslinked"]),
        'patient.allergies[0]: unknown substance "hyaluronic_acid_crosslinked" '
        '(did you mean "hyaluronic_acid"?)',
    ),
    (
        "allergy that merely looks like another substance gets no hint",
        setting("patient.allergies", ["hyaluronan"]),
        'patient.allergies[0]: unknown substance "hyaluronan"',
    ),
    (
        "weeks since laser negative",
        setting("patient.weeks_since_laser", -1),
        "patient.weeks_since_laser: must be a whole number of weeks from 0 to 5200 or null, got -1",
    ),
    (
        "prior treatment zone typo",
        setting("patient.prior_treatment_zones", ["chinn"]),
        'patient.prior_treatment_zones[0]: unknown zone "chinn" (did you mean "chin"?)',
    ),
    # start date
    (
        "start date month 13",
        setting("start_date", "2027-13-01"),
        'start_date: must be a date YYYY-MM-DD, got "2027-13-01"',
    ),
    (
        "start date compact",
        setting("start_date", "20270111"),
        'start_date: must be a date YYYY-MM-DD, got "20270111"',
    ),
    (
        "start date number",
        setting("start_date", 20270111),
        "start_date: must be a date YYYY-MM-DD, got 20270111",
    ),
    (
        "start date year 1",
        setting("start_date", "0001-01-01"),
        'start_date: must be a date from 1900-01-01 to 2999-12-31, got "0001-01-01"',
    ),
    (
        "start date year 9999 (its visits would overflow the calendar)",
        setting("start_date", "9999-12-31"),
        'start_date: must be a date from 1900-01-01 to 2999-12-31, got "9999-12-31"',
    ),
    (
        "start date with a time and offset",
        setting("start_date", "2027-01-11T00:00+01:00"),
        'start_date: must be a date YYYY-MM-DD, got "2027-01-11T00:00+01:00"',
    ),
    # nesting: a deep value where a field expects a code is named by its field
    (
        "deeply nested value",
        setting("patient.conditions", _nested(900)),
        "patient.conditions[0]: must be a condition code (a string), got " + "[" * 59 + "…",
    ),
    # how values are shown
    (
        "long value cut short",
        setting("patient.sex", "x" * 100),
        'patient.sex: must be "female", "male", "other" or null, got "' + "x" * 58 + "…",
    ),
    (
        "control characters escaped",
        setting("patient.sex", "a\nb\u2028c"),
        'patient.sex: must be "female", "male", "other" or null, got "a\\nb\\u2028c"',
    ),
]


@pytest.mark.parametrize(
    ("mutation", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_bad_input_gives_exact_problem(mutation: Mutation, expected: str) -> None:
    assert problems_of(mutation(full_request())) == [expected]


def test_full_request_gives_exact_value() -> None:
    assert parse_request(full_request(), KNOWLEDGE) == PlanRequest(
        patient=Patient(
            age=42,
            sex=Sex.FEMALE,
            weight_kg=61.0,
            pregnant=False,
            breastfeeding=False,
            childbearing_potential=True,
            conditions=("autoimmune_disease",),
            active_skin_infection_zones=("cheeks",),
            medications=("anticoagulant",),
            allergies=("lidocaine",),
            needle_fear=NeedleFear.NONE,
        ),
        requests=(
            ConcernRequest(concern="pigmentation", zones=("cheeks", "forehead")),
            ConcernRequest(concern="hair_loss", zones=("scalp",)),
        ),
        start_date=dt.date(2027, 1, 11),
    )


def test_minimal_request_takes_safe_defaults() -> None:
    data = {"patient": {"age": 17}, "requests": [{"concern": "detox", "zones": ["abdomen"]}]}
    assert parse_request(data, KNOWLEDGE) == PlanRequest(
        patient=Patient(age=17),
        requests=(ConcernRequest(concern="detox", zones=("abdomen",)),),
        start_date=None,
    )


def test_nullable_fields_accept_null() -> None:
    data = full_request()
    data["patient"].update(sex=None, weight_kg=None, childbearing_potential=None)
    data["start_date"] = None
    request = parse_request(data, KNOWLEDGE)
    assert request.patient.sex is None
    assert request.patient.weight_kg is None
    assert request.patient.childbearing_potential is None
    assert request.start_date is None


def test_input_order_of_requests_and_zones_is_kept() -> None:
    data = full_request()
    data["requests"][0]["zones"] = ["forehead", "cheeks", "chin"]
    data["requests"].reverse()
    request = parse_request(data, KNOWLEDGE)
    assert [r.concern for r in request.requests] == ["hair_loss", "pigmentation"]
    assert request.requests[1].zones == ("forehead", "cheeks", "chin")


def test_several_problems_reported_together() -> None:
    data = full_request()
    data["patient"]["age"] = "forty"
    data["patient"]["sexx"] = "female"
    data["requests"][0]["zones"][1] = "cheek"
    data["requests"][1]["concern"] = "hairloss"
    data["start_date"] = "2027-13-01"
    assert problems_of(data) == [
        'patient.sexx: unknown field (did you mean "sex"?)',
        'patient.age: must be a whole number from 0 to 130, got "forty"',
        'requests[0].zones[1]: unknown zone "cheek" (did you mean "cheeks"?)',
        'requests[1].concern: unknown concern "hairloss" (did you mean "hair_loss"?)',
        'start_date: must be a date YYYY-MM-DD, got "2027-13-01"',
    ]


def test_path_prefix_names_the_batch_item() -> None:
    data = full_request()
    data["patient"]["age"] = 200
    with pytest.raises(PlanningError) as caught:
        parse_request(data, KNOWLEDGE, path="[3]")
    assert caught.value.lines == ("[3].patient.age: must be a whole number from 0 to 130, got 200",)


def test_it_reports_each_problem_as_a_field_path_and_a_message() -> None:
    data = full_request()
    data["requests"][0]["zones"] = ["cheek"]
    data["patient"]["sexx"] = "female"
    with pytest.raises(PlanningError) as caught:
        parse_request(data, KNOWLEDGE)
    assert caught.value.problems == (
        Problem("patient.sexx", 'unknown field (did you mean "sex"?)'),
        Problem("requests[0].zones[0]", 'unknown zone "cheek" (did you mean "cheeks"?)'),
    )
    assert caught.value.lines == (
        'patient.sexx: unknown field (did you mean "sex"?)',
        'requests[0].zones[0]: unknown zone "cheek" (did you mean "cheeks"?)',
    )


def test_a_problem_about_the_whole_document_has_no_path() -> None:
    with pytest.raises(PlanningError) as caught:
        decode_json("{")
    (problem,) = caught.value.problems
    assert problem.path == ""
    assert str(problem) == problem.message


def test_batch_of_requests_keeps_order() -> None:
    second = full_request()
    second["patient"]["age"] = 60
    batch = parse_batch([full_request(), second], KNOWLEDGE)
    assert isinstance(batch, tuple)
    assert [request.patient.age for request in batch] == [42, 60]


def test_batch_problems_name_each_item() -> None:
    bad = full_request()
    bad["patient"]["age"] = -5
    with pytest.raises(PlanningError) as caught:
        parse_batch([full_request(), bad, 7], KNOWLEDGE)
    assert caught.value.lines == (
        "[1].patient.age: must be a whole number from 0 to 130, got -5",
        "[2]: must be an object, got 7",
    )


def test_empty_batch_is_refused() -> None:
    with pytest.raises(PlanningError) as caught:
        parse_batch([], KNOWLEDGE)
    assert caught.value.lines == ("request: an empty array holds no plan request",)


def test_single_object_is_not_a_batch() -> None:
    assert isinstance(parse_batch(full_request(), KNOWLEDGE), PlanRequest)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"patient": }', "invalid JSON: Expecting value at line 1 column 13"),
        ("", "invalid JSON: Expecting value at line 1 column 1"),
        ('{"a": NaN}', "invalid JSON: NaN is not a JSON value"),
        ("[" * 100_000, "invalid JSON: nested too deeply"),
        ("1" * 5000, "invalid JSON: a number has too many digits"),
        (b'"\xff"', "invalid JSON: the bytes are not Unicode text (UTF-8 expected)"),
    ],
    ids=["syntax", "empty", "nan", "deep", "long number", "not utf-8"],
)
def test_malformed_json_gives_one_line(text: str | bytes, expected: str) -> None:
    with pytest.raises(PlanningError) as caught:
        decode_json(text)
    assert caught.value.lines == (expected,)


def test_byte_order_mark_is_ignored() -> None:
    assert decode_json('\ufeff{"a": [1, 2.5, null]}') == {"a": [1, 2.5, None]}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=30,
)
field_names = st.sampled_from(
    ["patient", "requests", "start_date", "age", "sex", "zones", "concern", "conditions"]
)
# Objects with the contract's keys and arbitrary values reach the field checks, which wholly
# arbitrary values rarely do.
near_requests = st.recursive(
    json_values | st.sampled_from(["cheeks", "pigmentation", "female", "2027-01-11", 42]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(field_names | st.text(max_size=3), children, max_size=5)
    ),
    max_leaves=40,
)


@settings(max_examples=300)
@given(json_values | near_requests)
def test_any_json_value_gives_a_request_or_planning_error(data: object) -> None:
    problems: tuple[str, ...] = ()
    try:
        result = parse_batch(data, KNOWLEDGE)
    except PlanningError as error:
        problems = error.lines
    else:
        assert isinstance(result, PlanRequest | tuple)
        return
    assert problems
    assert all(problem and "\n" not in problem for problem in problems)
