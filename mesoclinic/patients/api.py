"""The patients API (`/api/v1/patients`): thin endpoints over selectors and services.

Bearer tokens only (``accounts.api_auth.token_auth``); the member of staff is ``request.auth``
and is the actor of every audit event. Access and audit are the pages': 404 for another site's
patient, 403 for a role without the capability, one audit event per read, write or refusal.

Bodies are parsed here and validated by the pages' forms, so that a bad value gets the same
message in both: 422 ``{"error": "invalid input", "fields": {field: [message, ...]}}``.
A possible duplicate at registration is 409 with the candidates, unless
``"confirm_duplicate": true``; a write to an archived patient is 409.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from mesoclinic.accounts.access import Capability
from mesoclinic.accounts.api_auth import token_auth
from mesoclinic.core.errors import Invalid
from mesoclinic.core.http import staff
from mesoclinic.core.params import integer_param
from mesoclinic.core.schemas import ErrorOut
from mesoclinic.core.versions import etag, if_match_version
from mesoclinic.patients.errors import PatientArchived, PossibleDuplicate, StaleRecord
from mesoclinic.patients.forms import PatientCreateForm, PatientForm
from mesoclinic.patients.models import Patient
from mesoclinic.patients.schemas import (
    DuplicateOut,
    PatientCreateIn,
    PatientListOut,
    PatientOut,
    PatientUpdateIn,
    body_schema,
)
from mesoclinic.patients.selectors import (
    API_MAX_LIMIT,
    patient_get_for_user,
    patient_get_many,
    patient_list,
    sites_of,
)
from mesoclinic.patients.services import (
    patient_archive,
    patient_create,
    patient_unarchive,
    patient_update,
)

router = Router(tags=["patients"], auth=token_auth)

MAX_BODY_BYTES = 16 * 1024
_TEXT_KEYS = ("given_name", "family_name", "date_of_birth", "sex", "email", "phone", "address")
# 401 is answered by token_auth itself, in django-ninja's shape ({"detail": "Unauthorized"}).
_ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@router.get(
    "",
    response={200: PatientListOut, **_ERRORS},
    summary="List or search patients",
    operation_id="patients_list",
)
def list_patients(
    request: HttpRequest,
    q: str = "",
    limit: str = "25",
    offset: str = "0",
    include_archived: str = "false",
) -> dict[str, Any]:
    """The patients of the caller's sites, in family-name order; ``q`` searches them.

    ``q``: name parts ("and" finds Anderson), a date of birth (YYYY-MM-DD or dd/mm/yyyy) or
    6+ digits of a phone number; every term must match. ``limit`` 1 to 100 (default 25),
    ``offset`` from 0, ``include_archived`` true or false. One audit event per call.
    The count stops at 1,000 matches: beyond, ``count`` is 1000 and ``count_is_exact`` is
    false (narrow the search, or page on until ``items`` is empty); the items are still
    returned at any offset.
    """
    window_limit = integer_param("limit", limit, low=1, high=API_MAX_LIMIT)
    window_offset = integer_param("offset", offset, low=0, high=10**9)
    archived = _boolean("include_archived", include_archived)
    window = patient_list(
        staff(request),
        query=q,
        include_archived=archived,
        offset=window_offset,
        limit=window_limit,
        audit_detail={"api": True, "limit": window_limit},
    )
    if window.terms.problems:
        raise Invalid({"q": list(window.terms.problems)})
    return {
        "count": window.count,
        "count_is_exact": window.count_is_exact,
        "limit": window_limit,
        "offset": window_offset,
        "items": [
            _out(patient) for patient in patient_get_many([row.id for row in window.patients])
        ],
    }


@router.post(
    "",
    response={201: PatientOut, 409: DuplicateOut, **_ERRORS},
    summary="Register a patient",
    operation_id="patients_create",
    openapi_extra={"requestBody": body_schema(PatientCreateIn)},
)
def create_patient(request: HttpRequest) -> Status[dict[str, Any]]:
    """Register a patient at one of the caller's sites (role with edit_patient).

    201 with the patient; 409 with ``candidates`` when a non-archived patient of the site has
    the same name and date of birth or the same phone, unless ``confirm_duplicate``; 422 with
    one message per bad field.
    """
    user = staff(request)
    body = _body(request, allowed=("site", *_TEXT_KEYS, "confirm_duplicate"))
    data = {key: _text(key, body[key]) for key in ("site", *_TEXT_KEYS) if key in body}
    confirm = _flag("confirm_duplicate", body.get("confirm_duplicate", False))
    form = PatientCreateForm(data, sites=sites_of(user))
    if not form.is_valid():
        raise Invalid(form.field_errors())
    try:
        patient = patient_create(
            actor=user, site_id=form.site_id(), details=form.details(), confirm_duplicate=confirm
        )
    except PossibleDuplicate as duplicate:
        return Status(
            409,
            {
                "error": duplicate.message,
                "candidates": [
                    {
                        "id": candidate.pk,
                        "given_name": candidate.given_name,
                        "family_name": candidate.family_name,
                        "date_of_birth": candidate.date_of_birth,
                        "phone": candidate.phone,
                    }
                    for candidate in duplicate.candidates
                ],
            },
        )
    return Status(201, _out(patient))


@router.get(
    "/{int:patient_id}",
    response={200: PatientOut, **_ERRORS},
    summary="One patient",
    operation_id="patients_get",
)
def get_patient(request: HttpRequest, patient_id: int, response: HttpResponse) -> dict[str, Any]:
    """The patient's demographics; audited (VIEW). ``ETag`` carries the record's version."""
    patient = patient_get_for_user(staff(request), patient_id)
    response["ETag"] = etag(patient.version)
    return _out(patient)


@router.patch(
    "/{int:patient_id}",
    response={200: PatientOut, 409: ErrorOut, **_ERRORS},
    summary="Change a patient's details",
    operation_id="patients_update",
    openapi_extra={"requestBody": body_schema(PatientUpdateIn)},
)
def update_patient(request: HttpRequest, patient_id: int, response: HttpResponse) -> Any:
    """Change the keys sent, keep the others; audited (UPDATE) with the names of changed fields.

    Concurrent edits: send ``If-Match`` with the ``ETag`` of the copy the change was made on;
    if the record changed since, nothing is saved and the answer is 409 with the current
    ``ETag``. Without ``If-Match`` only the keys sent are written, onto the record as it is at
    that moment: concurrent changes of different fields all stay, and of the same field the
    later one wins. 409 for an archived patient too (read-only until a manager restores it).
    """
    user = staff(request)
    expected = if_match_version(request)
    patient = patient_get_for_user(
        user, patient_id, capability=Capability.EDIT_PATIENT, audit_action=None
    )
    body = _body(request, allowed=_TEXT_KEYS)
    current = PatientForm.for_patient(patient).initial
    data = {key: _text(key, body[key]) if key in body else current[key] for key in _TEXT_KEYS}
    form = PatientForm(data)
    if not form.is_valid():
        raise Invalid(form.field_errors())
    try:
        patient = patient_update(
            actor=user,
            patient_id=patient.pk,
            details=form.details(),
            expected_version=expected,
            only=set(body),
        )
    except (PatientArchived, StaleRecord) as refused:
        stored = refused.current if isinstance(refused, StaleRecord) else refused.patient
        response["ETag"] = etag(stored.version)
        return Status(409, {"error": refused.message, "fields": {}})
    response["ETag"] = etag(patient.version)
    return _out(patient)


@router.post(
    "/{int:patient_id}/archive",
    response={200: PatientOut, **_ERRORS},
    summary="Archive a patient",
    operation_id="patients_archive",
)
def archive_patient(request: HttpRequest, patient_id: int) -> dict[str, Any]:
    """Archive the patient: read-only, out of lists and duplicate checks. Idempotent."""
    return _out(patient_archive(actor=staff(request), patient_id=patient_id))


@router.post(
    "/{int:patient_id}/restore",
    response={200: PatientOut, **_ERRORS},
    summary="Restore an archived patient (managers)",
    operation_id="patients_restore",
)
def restore_patient(request: HttpRequest, patient_id: int) -> dict[str, Any]:
    """Restore an archived patient; managers only (403 otherwise). Idempotent."""
    return _out(patient_unarchive(actor=staff(request), patient_id=patient_id))


# --- parsing -------------------------------------------------------------------------------


def _body(request: HttpRequest, *, allowed: tuple[str, ...]) -> dict[str, Any]:
    if len(request.body) > MAX_BODY_BYTES:
        raise Invalid({"body": [f"body: {len(request.body)} bytes; at most {MAX_BODY_BYTES}."]})
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError) as error:
        raise Invalid({"body": [f"body: not JSON ({error})."]}) from None
    if not isinstance(body, dict):
        raise Invalid({"body": [f"body: a JSON object is needed, not {type(body).__name__}."]})
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise Invalid(
            {key[:60]: [f"{key[:60]}: unknown field; use {', '.join(allowed)}."] for key in unknown}
        )
    return body


def _text(key: str, value: object) -> str:
    """A body value as form input: strings as they are, the site id as digits, null as empty."""
    if value is None:
        return ""
    if key == "site" and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return value
    raise Invalid({key: [f"{key}: {json.dumps(value)[:40]} is not a {_kind(key)}."]})


def _kind(key: str) -> str:
    return "site id (a whole number)" if key == "site" else "string"


def _flag(key: str, value: object) -> bool:
    if isinstance(value, bool):
        return value
    raise Invalid({key: [f"{key}: {json.dumps(value)[:40]} is not true or false."]})


def _boolean(key: str, raw: str) -> bool:
    text = raw.strip().lower()
    if text in {"true", "1"}:
        return True
    if text in {"false", "0", ""}:
        return False
    raise Invalid({key: [f"{key}: “{raw[:40]}” is not true or false."]})


def _out(patient: Patient) -> dict[str, Any]:
    return {
        "id": patient.pk,
        "site": patient.site_id,
        "site_name": patient.site.name,
        "given_name": patient.given_name,
        "family_name": patient.family_name,
        "date_of_birth": patient.date_of_birth,
        "sex": patient.sex,
        "email": patient.email,
        "phone": patient.phone,
        "address": patient.address,
        "archived": patient.is_archived,
        "archived_at": patient.archived_at,
        "created_at": patient.created_at,
        "updated_at": patient.updated_at,
        "version": patient.version,
    }
