"""ORM rows -> the planning contract's request, and the engine's answer back as JSON.

The one place where the Django side meets ``mesoclinic.planning``. Validation of codes is the
engine's own (``planning.request.parse_request``), so the messages a practitioner sees are the
CLI's, e.g. ``concerns[0].zones[1]: unknown zone "cheek" (did you mean "cheeks"?)``; this module
only renames the request's field paths to the consultation's field names.

Rules of this module:
1. Age is whole years on the consultation's date in the clinic's time zone (the site's zone),
   not on the UTC date: a consultation at 00:30 in London in summer is on the London date.
2. Sex comes from the patient record; "not recorded" is sent as null, which the engine treats
   as the safe case (childbearing potential assumed unless recorded otherwise).
3. The plan starts the day after the consultation (clinic date) unless a date is chosen.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

from mesoclinic.core.time import age_on
from mesoclinic.planning.engine import make_plan
from mesoclinic.planning.errors import PlanningError, Problem
from mesoclinic.planning.knowledge import default_knowledge
from mesoclinic.planning.knowledge_model import Knowledge
from mesoclinic.planning.render import plan_to_dict
from mesoclinic.planning.request import parse_request

if TYPE_CHECKING:
    from mesoclinic.accounts.models import Site
    from mesoclinic.consultations.models import Consultation

JsonDict = dict[str, Any]

# The request's patient fields, renamed to the consultation's where they differ.
_PATIENT_FIELD: Final = {
    "age": "held_at",
    "sex": "patient",
    "active_skin_infection_zones": "infection_zones",
}


def knowledge() -> Knowledge:
    """The knowledge base plans are made with (loaded once per process)."""
    return default_knowledge()


def clinic_zone(site: Site) -> zoneinfo.ZoneInfo:
    """The site's time zone (``Site.zone``)."""
    return site.zone


def clinic_date(moment: dt.datetime, site: Site) -> dt.date:
    """The calendar date of an aware ``moment`` at the clinic."""
    return moment.astimezone(clinic_zone(site)).date()


def engine_sex(patient_sex: str) -> str | None:
    """``Patient.sex`` as the contract's ``sex``: female, male, other, or null (not recorded)."""
    return patient_sex if patient_sex in ("female", "male", "other") else None


def default_start_date(consultation: Consultation) -> dt.date:
    return clinic_date(consultation.held_at, consultation.site) + dt.timedelta(days=1)


def request_for(consultation: Consultation, *, start_date: dt.date | None) -> JsonDict:
    """The contract's request for ``consultation`` (saved or not); no query beyond its patient.

    ``patient`` and ``site`` must be set on the consultation (use ``select_related``).
    """
    patient = consultation.patient
    day = clinic_date(consultation.held_at, consultation.site)
    weight = consultation.weight_kg
    return {
        "patient": {
            "age": age_on(patient.date_of_birth, day),
            "sex": engine_sex(patient.sex),
            "weight_kg": None if weight is None else float(weight),
            "pregnant": consultation.pregnant,
            "breastfeeding": consultation.breastfeeding,
            "childbearing_potential": consultation.childbearing_potential,
            "conditions": _listed(consultation.conditions),
            "active_skin_infection_zones": _listed(consultation.infection_zones),
            "medications": _listed(consultation.medications),
            "allergies": _listed(consultation.allergies),
            "needle_fear": consultation.needle_fear,
        },
        "requests": _listed(consultation.concerns),
        "start_date": None if start_date is None else start_date.isoformat(),
    }


def _listed(value: object) -> object:
    """A copy of a stored list; anything else as it is, for the parser to refuse by name."""
    return list(value) if isinstance(value, list | tuple) else value


def validation_errors(consultation: Consultation) -> dict[str, list[str]]:
    """Every problem with the consultation's codes and values, by consultation field name.

    An empty ``concerns`` list is allowed in a draft (history first, concerns later): it is
    checked with a stand-in request whose problems are then dropped. Cost: no query; one parse.
    """
    data = request_for(consultation, start_date=None)
    placeholder = data["requests"] == []
    if placeholder:
        data["requests"] = [{"concern": "skin_quality", "zones": ["cheeks"]}]
    try:
        parse_request(data, knowledge())
    except PlanningError as error:
        return _by_field(error.problems, consultation, skip_requests=placeholder)
    return {}


def generate(
    consultation: Consultation, *, start_date: dt.date | None
) -> tuple[JsonDict, JsonDict]:
    """(request, plan) for ``consultation``: the request sent and ``plan_to_dict`` of the answer.

    Raises ``PlanningError`` when the stored consultation no longer parses (a code the current
    knowledge base dropped); the caller turns it into a form error. Cost: one engine run.
    """
    data = request_for(consultation, start_date=start_date)
    base = knowledge()
    plan = make_plan(parse_request(data, base), base)
    return data, plan_to_dict(plan, base)


def field_errors(problems: Sequence[Problem], consultation: Consultation) -> dict[str, list[str]]:
    """``PlanningError`` problems renamed to the consultation's fields (for ``generate``)."""
    return _by_field(problems, consultation, skip_requests=False)


def _by_field(
    problems: Sequence[Problem], consultation: Consultation, *, skip_requests: bool
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for problem in problems:
        path, message = problem.path, problem.message
        if path.startswith("requests"):
            if skip_requests:
                continue
            field, shown = "concerns", "concerns" + path.removeprefix("requests")
        elif path.startswith("patient."):
            rest = path.removeprefix("patient.")
            name = rest.split("[", 1)[0].split(".", 1)[0]
            field = _PATIENT_FIELD.get(name, name)
            shown = field + rest.removeprefix(name)
            if name == "age":
                message = _age_message(consultation, message)
        else:
            field, shown = path.split("[", 1)[0].split(".", 1)[0], path
        errors.setdefault(field, []).append(f"{shown}: {message}")
    return errors


def _age_message(consultation: Consultation, message: str) -> str:
    patient = consultation.patient
    day = clinic_date(consultation.held_at, consultation.site)
    return (
        f"on {day.isoformat()} the patient (born {patient.date_of_birth.isoformat()}) would be "
        f"{age_on(patient.date_of_birth, day)} years old; the age {message}"
    )
