"""Plan requests from decoded JSON: strict validation that reports every problem at once.

``parse_request`` turns one decoded JSON value (the request shape of the planning contract in the
design document) into a ``model.PlanRequest``, or raises one ``PlanningError`` that lists every
problem found, one line each. A line names the field path, the bad value written as JSON, and the
nearest valid code or key where there is one::

    requests[0].zones[1]: unknown zone "cheek" (did you mean "cheeks"?)
    patient.age: must be a whole number from 0 to 130, got "forty"
    patient.sexx: unknown field (did you mean "sex"?)

Strictness is deliberate: this is clinical input, so a typo never passes silently. Unknown keys
are refused everywhere, ``true`` is not a number, a duplicate code is refused rather than merged,
and only ``sex``, ``weight_kg``, ``childbearing_potential`` and ``start_date`` may be null.
Input order of requests and zones is kept; the engine sorts where it needs to.

The CLI and the HTTP preview both decode with ``json_input.decode_json`` and validate here, so
their messages are identical. Nothing here performs I/O.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
import re
from collections.abc import Collection, Mapping
from typing import Final

from mesoclinic.planning.errors import PlanningError, Problem
from mesoclinic.planning.knowledge_model import Knowledge
from mesoclinic.planning.model import ConcernRequest, NeedleFear, Patient, PlanRequest, Sex

MAX_REQUESTS: Final = 20
MIN_AGE: Final = 0
MAX_AGE: Final = 130
MIN_WEIGHT_KG: Final = 1
MAX_WEIGHT_KG: Final = 400
MAX_WEEKS: Final = 52 * 100  # weeks since a past event
# The first visit's date. The bounds keep every visit of every course a valid date (a course
# runs for months, so 9999-12-31 plus an interval would not be one) and refuse a year 1 that is
# a typo, not a plan; they are wide enough for any consultation a clinic records.
MIN_START_DATE: Final = dt.date(1900, 1, 1)
MAX_START_DATE: Final = dt.date(2999, 12, 31)

_TOP_FIELDS: Final = ("patient", "requests", "start_date")
_PATIENT_FIELDS: Final = (
    "age",
    "sex",
    "weight_kg",
    "pregnant",
    "breastfeeding",
    "childbearing_potential",
    "conditions",
    "active_skin_infection_zones",
    "medications",
    "allergies",
    "needle_fear",
    "prior_treatment_zones",
    "weeks_since_laser",
    "weeks_since_facial_surgery",
    "weeks_since_isotretinoin",
)
_CONCERN_FIELDS: Final = ("concern", "zones")

_MISSING: Final = object()
_IDENTIFIER: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# fromisoformat alone also takes "20270111" and week dates; the contract says YYYY-MM-DD.
_ISO_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SHOW_LIMIT: Final = 60
_CUTOFF: Final = 0.6
_SUBSTANCE_CUTOFF: Final = 0.85


def parse_batch(data: object, knowledge: Knowledge) -> tuple[PlanRequest, ...] | PlanRequest:
    """Parse a single request object, or a JSON array of them (a batch).

    An array gives a tuple in input order; its items' problems are prefixed with their index,
    e.g. ``[1].patient.age: ...``. An empty array is refused. Anything that is not an array is
    parsed as one request.
    """
    if not isinstance(data, list):
        return parse_request(data, knowledge)
    if not data:
        raise PlanningError([Problem("request", "an empty array holds no plan request")])
    problems: list[Problem] = []
    parsed: list[PlanRequest] = []
    for index, item in enumerate(data):
        try:
            parsed.append(parse_request(item, knowledge, path=f"[{index}]"))
        except PlanningError as error:
            problems.extend(error.problems)
    if problems:
        raise PlanningError(problems)
    return tuple(parsed)


def parse_request(data: object, knowledge: Knowledge, *, path: str = "") -> PlanRequest:
    """Validate one decoded request against the knowledge base's codes.

    ``path`` prefixes every problem's field path (``parse_batch`` passes ``[i]``). Raises one
    ``PlanningError`` listing all problems; never raises anything else, whatever ``data`` is.
    """
    problems: list[Problem] = []
    request = _Parser(knowledge, problems).request(data, path)
    if problems or request is None:
        # Every None above comes with a problem; the fallback keeps "only PlanningError" true
        # should a future check forget to report one.
        raise PlanningError(problems or [Problem(_label(path), "invalid")])
    return request


class _Parser:
    """One pass over one request, appending to ``problems`` instead of stopping at the first."""

    def __init__(self, knowledge: Knowledge, problems: list[Problem]) -> None:
        self.knowledge = knowledge
        self.problems = problems

    def fail(self, path: str, message: str) -> None:
        self.problems.append(Problem(_label(path), message))

    def request(self, data: object, path: str) -> PlanRequest | None:
        fields = self.fields_of(data, path, _TOP_FIELDS)
        if fields is None:
            return None
        patient = self.patient(fields.get("patient", _MISSING), _key(path, "patient"))
        requests = self.concern_requests(fields.get("requests", _MISSING), _key(path, "requests"))
        start_date = self.date(fields.get("start_date"), _key(path, "start_date"))
        if patient is None or requests is None:
            return None
        return PlanRequest(patient=patient, requests=requests, start_date=start_date)

    # --- patient ------------------------------------------------------------------------------

    def patient(self, data: object, path: str) -> Patient | None:
        if data is _MISSING:
            self.fail(path, 'required (an object with at least "age")')
            return None
        fields = self.fields_of(data, path, _PATIENT_FIELDS)
        if fields is None:
            return None
        k = self.knowledge
        age = self.age(fields.get("age", _MISSING), _key(path, "age"))
        sex = self.choice(fields.get("sex"), _key(path, "sex"), Sex, nullable=True)
        weight = self.weight(fields.get("weight_kg"), _key(path, "weight_kg"))
        pregnant = self.flag(fields.get("pregnant", False), _key(path, "pregnant"))
        breastfeeding = self.flag(fields.get("breastfeeding", False), _key(path, "breastfeeding"))
        potential = self.optional_flag(
            fields.get("childbearing_potential"), _key(path, "childbearing_potential")
        )
        conditions = self.codes(
            fields.get("conditions", []), _key(path, "conditions"), "condition", k.conditions
        )
        infected = self.codes(
            fields.get("active_skin_infection_zones", []),
            _key(path, "active_skin_infection_zones"),
            "zone",
            k.zones,
        )
        medications = self.codes(
            fields.get("medications", []), _key(path, "medications"), "medication", k.medications
        )
        allergies = self.codes(
            fields.get("allergies", []), _key(path, "allergies"), "substance", k.allergy_codes()
        )
        fear = self.choice(
            fields.get("needle_fear", NeedleFear.NONE.value),
            _key(path, "needle_fear"),
            NeedleFear,
            nullable=False,
        )
        prior = self.codes(
            fields.get("prior_treatment_zones", []),
            _key(path, "prior_treatment_zones"),
            "zone",
            k.zones,
        )
        weeks = {
            name: self.weeks(fields.get(name), _key(path, name))
            for name in (
                "weeks_since_laser",
                "weeks_since_facial_surgery",
                "weeks_since_isotretinoin",
            )
        }
        if age is None or pregnant is None or breastfeeding is None or fear is None:
            return None
        return Patient(
            age=age,
            sex=Sex(sex) if sex is not None else None,
            weight_kg=weight,
            pregnant=pregnant,
            breastfeeding=breastfeeding,
            childbearing_potential=potential,
            conditions=conditions,
            active_skin_infection_zones=infected,
            medications=medications,
            allergies=allergies,
            needle_fear=NeedleFear(fear),
            prior_treatment_zones=prior,
            weeks_since_laser=weeks["weeks_since_laser"],
            weeks_since_facial_surgery=weeks["weeks_since_facial_surgery"],
            weeks_since_isotretinoin=weeks["weeks_since_isotretinoin"],
        )

    def age(self, value: object, path: str) -> int | None:
        expected = f"a whole number from {MIN_AGE} to {MAX_AGE}"
        if value is _MISSING:
            self.fail(path, f"required ({expected})")
            return None
        # bool is a subclass of int in Python, but true is not an age in JSON.
        if isinstance(value, bool) or not isinstance(value, int) or not MIN_AGE <= value <= MAX_AGE:
            self.fail(path, f"must be {expected}, got {_show(value)}")
            return None
        return value

    def weeks(self, value: object, path: str) -> int | None:
        """Whole weeks since an event, or null when there was none (or it is not recorded)."""
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_WEEKS:
            self.fail(
                path,
                f"must be a whole number of weeks from 0 to {MAX_WEEKS} or null, "
                f"got {_show(value)}",
            )
            return None
        return value

    def weight(self, value: object, path: str) -> float | None:
        if value is None:
            return None
        number = _finite_number(value)
        if number is None or not MIN_WEIGHT_KG <= number <= MAX_WEIGHT_KG:
            self.fail(
                path,
                f"must be a number of kilograms from {MIN_WEIGHT_KG} to {MAX_WEIGHT_KG} or null, "
                f"got {_show(value)}",
            )
            return None
        return number

    def flag(self, value: object, path: str) -> bool | None:
        if isinstance(value, bool):
            return value
        self.fail(path, f"must be true or false, got {_show(value)}")
        return None

    def optional_flag(self, value: object, path: str) -> bool | None:
        if value is None or isinstance(value, bool):
            return value
        self.fail(path, f"must be true, false or null (not stated), got {_show(value)}")
        return None

    def choice(
        self, value: object, path: str, choices: type[Sex | NeedleFear], *, nullable: bool
    ) -> str | None:
        """A value from a small fixed set (an enum of the model); None when null or refused."""
        if value is None and nullable:
            return None
        allowed = [member.value for member in choices]
        if isinstance(value, str) and value in allowed:
            return value
        quoted = [_show(code) for code in allowed]
        if nullable:
            quoted.append("null")
        listed = ", ".join(quoted[:-1]) + " or " + quoted[-1]
        self.fail(path, f"must be {listed}, got {_show(value)}{_hint(value, allowed)}")
        return None

    # --- requests -----------------------------------------------------------------------------

    def concern_requests(self, data: object, path: str) -> tuple[ConcernRequest, ...] | None:
        if data is _MISSING or data == []:
            self.fail(path, "at least one request is required")
            return None
        if not isinstance(data, list):
            self.fail(path, f"must be a list of requests, got {_show(data)}")
            return None
        if len(data) > MAX_REQUESTS:
            # The items are not checked: a long list is refused as a whole, cheaply.
            self.fail(path, f"at most {MAX_REQUESTS} requests, got {len(data)}")
            return None
        parsed: list[ConcernRequest] = []
        first_at: dict[str, str] = {}
        complete = True
        for index, item in enumerate(data):
            item_path = f"{path}[{index}]"
            request = self.concern_request(item, item_path)
            if request is None:
                complete = False
                continue
            concern_path = _key(item_path, "concern")
            if request.concern in first_at:
                # One request per concern keeps "which zones for this concern" unambiguous.
                self.fail(
                    concern_path,
                    f"duplicate concern {_show(request.concern)} (first at "
                    f"{first_at[request.concern]}; list all its zones there)",
                )
                complete = False
                continue
            first_at[request.concern] = concern_path
            parsed.append(request)
        return tuple(parsed) if complete else None

    def concern_request(self, data: object, path: str) -> ConcernRequest | None:
        fields = self.fields_of(data, path, _CONCERN_FIELDS)
        if fields is None:
            return None
        concern_path = _key(path, "concern")
        concern = fields.get("concern", _MISSING)
        if concern is _MISSING:
            self.fail(concern_path, "required (a concern code)")
            concern = None
        else:
            concern = self.code(concern, concern_path, "concern", self.knowledge.concerns)
        zones_path = _key(path, "zones")
        raw_zones = fields.get("zones", _MISSING)
        if raw_zones is _MISSING or raw_zones == []:
            self.fail(zones_path, "at least one zone is required")
            return None
        zones_before = len(self.problems)
        zones = self.codes(raw_zones, zones_path, "zone", self.knowledge.zones)
        if concern is None or len(self.problems) > zones_before:
            return None
        return ConcernRequest(concern=concern, zones=zones)

    # --- shared shapes ------------------------------------------------------------------------

    def fields_of(
        self, data: object, path: str, fields: tuple[str, ...]
    ) -> Mapping[str, object] | None:
        """The object's fields, after reporting unknown keys (each with the nearest known key)."""
        if not isinstance(data, dict):
            self.fail(path, f"must be an object, got {_show(data)}")
            return None
        for key in data:
            if key not in fields:
                self.fail(_key(path, str(key)), f"unknown field{_hint(key, fields)}")
        return data

    def codes(self, data: object, path: str, kind: str, known: Collection[str]) -> tuple[str, ...]:
        """A list of distinct known codes, in input order; () after reporting any problem."""
        if not isinstance(data, list):
            self.fail(path, f"must be a list of {kind} codes, got {_show(data)}")
            return ()
        before = len(self.problems)
        first_at: dict[str, int] = {}
        for index, item in enumerate(data):
            item_path = f"{path}[{index}]"
            code = self.code(item, item_path, kind, known)
            if code is None:
                continue
            if code in first_at:
                self.fail(
                    item_path, f"duplicate {kind} {_show(code)} (first at {path}[{first_at[code]}])"
                )
                continue
            first_at[code] = index
        if len(self.problems) > before:
            return ()
        return tuple(first_at)

    def code(self, value: object, path: str, kind: str, known: Collection[str]) -> str | None:
        if not isinstance(value, str):
            self.fail(path, f"must be a {kind} code (a string), got {_show(value)}")
            return None
        if value not in known:
            # A near spelling of one substance is often another substance (hyaluronic acid,
            # hyaluronidase): for substance codes only a close match is offered.
            cutoff = _SUBSTANCE_CUTOFF if kind == "substance" else _CUTOFF
            self.fail(path, f"unknown {kind} {_show(value)}{_hint(value, known, cutoff=cutoff)}")
            return None
        return value

    def date(self, value: object, path: str) -> dt.date | None:
        if value is None:
            return None
        if isinstance(value, str) and _ISO_DATE.fullmatch(value):
            try:
                day = dt.date.fromisoformat(value)
            except ValueError:
                pass
            else:
                if MIN_START_DATE <= day <= MAX_START_DATE:
                    return day
                self.fail(
                    path,
                    f"must be a date from {MIN_START_DATE.isoformat()} to "
                    f"{MAX_START_DATE.isoformat()}, got {_show(value)}",
                )
                return None
        self.fail(path, f"must be a date YYYY-MM-DD, got {_show(value)}")
        return None


# --- helpers -------------------------------------------------------------------------------


def _finite_number(value: object) -> float | None:
    """``value`` as a float when it is a finite JSON number (not a boolean), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:  # an int too large for a float is no weight either
        return None
    return number if math.isfinite(number) else None


def _key(path: str, key: str) -> str:
    """The path of ``key`` inside the object at ``path``; odd keys are quoted, e.g. ``a["b c"]``."""
    if not _IDENTIFIER.fullmatch(key):
        return f"{path}[{_show(key)}]"
    return f"{path}.{key}" if path else key


def _label(path: str) -> str:
    return path or "request"


def _hint(value: object, candidates: Collection[str], *, cutoff: float = 0.6) -> str:
    """The nearest candidate, preferring what the typed text is part of or starts with.

    In order: the shortest code that starts with the text ("lido" -> "lidocaine"), the shortest
    that contains it, the longest code the text starts with ("hyaluronic_acid_crosslinked" ->
    "hyaluronic_acid"), and only then a spelling match above ``cutoff``.
    """
    if not isinstance(value, str) or not value:
        return ""
    folded = value.lower()
    ordered = sorted(candidates, key=lambda code: (len(code), code))
    match = (
        next((c for c in ordered if c.startswith(folded)), None)
        or next((c for c in ordered if folded in c), None)
        or next((c for c in reversed(ordered) if folded.startswith(c)), None)
    )
    if match is None:
        close = difflib.get_close_matches(value, list(candidates), n=1, cutoff=cutoff)
        match = close[0] if close else None
    return f" (did you mean {_show(match)}?)" if match else ""


def _show(value: object) -> str:
    """``value`` written as JSON on one printable line, cut short when long."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (ValueError, TypeError, RecursionError):
        # Values json.loads cannot produce (an int beyond the conversion limit, a nesting
        # deeper than the encoder allows): say what kind of value it was.
        text = type(value).__name__
    # Control, format and separator characters could break the one-line-per-problem rule or a
    # terminal; JSON escapes only some of them.
    text = "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in text)
    if len(text) > _SHOW_LIMIT:
        text = text[: _SHOW_LIMIT - 1] + "…"
    return text
