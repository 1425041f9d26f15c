"""Writes of enquiries: send (the public form), mark contacted, close, convert. Each audited.

Rules of this module:
1. Every change of status goes through ``_move``: a conditional UPDATE on the status the
   caller saw, so two receptionists acting on one enquiry at once cannot both win; the loser
   gets ``EnquiryMoved`` (409). Each move writes an ``EnquiryEvent`` and an audit row in the
   same transaction.
2. Access (site, ``HANDLE_ENQUIRIES``) is checked before the transaction opens, so that the
   audit row of a refusal is not rolled back with the write it refused.
3. Rules the database cannot hold are raised as ``Invalid`` naming the field and the value;
   the database holds the rest (contact given, consent true, patient iff converted).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from mesoclinic.accounts.access import Capability, check_site, require
from mesoclinic.accounts.models import Site
from mesoclinic.audit.models import Action
from mesoclinic.audit.services import audit_record
from mesoclinic.core.errors import Invalid
from mesoclinic.enquiries.errors import EnquiryMoved
from mesoclinic.enquiries.models import MESSAGE_MAX, Enquiry, EnquiryEvent, PreferredTime, Status
from mesoclinic.patients.models import Patient
from mesoclinic.patients.services import PatientDetails, patient_create
from mesoclinic.public.answers import Answers, answers_to_dict

if TYPE_CHECKING:
    from mesoclinic.accounts.models import User

ADULT_AGE = 18


@dataclass(frozen=True)
class EnquiryDetails:
    """What the person typed. ``phone`` already in E.164 (the form normalises it)."""

    site_id: int
    name: str
    email: str = ""
    phone: str = ""
    preferred_times: Sequence[str] = ()
    message: str = ""
    consent_to_contact: bool = False
    answers: Answers | None = None


def enquiry_send(*, details: EnquiryDetails) -> Enquiry:
    """Store an enquiry from the public form (no account). Audited (CREATE, no actor).

    Raises ``Invalid`` for an unknown site, no way to reach the person, no consent, a time
    choice that is not one of ``PreferredTime``, or answers of someone under 18 (the clinic
    treats adults only, so it does not take their contact details either).
    """
    errors: dict[str, list[str]] = {}
    if not Site.objects.filter(pk=details.site_id).exists():
        errors["site"] = [f"site: {details.site_id} is not one of the clinic's sites."]
    if not details.name.strip():
        errors["name"] = ["name: say how the clinic should address you."]
    if not details.email and not details.phone:
        errors["email"] = ["email: give an email address or a phone number (or both)."]
    if not details.consent_to_contact:
        errors["consent_to_contact"] = ["consent_to_contact: the clinic needs your agreement."]
    unknown = [t for t in details.preferred_times if t not in PreferredTime.values]
    if unknown:
        errors["preferred_times"] = [f"preferred_times: {', '.join(unknown)} is not a choice."]
    if details.answers is not None and details.answers.age < ADULT_AGE:
        errors["answers"] = ["answers: the clinic treats adults (18 and over) only."]
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        enquiry = Enquiry.objects.create(
            site_id=details.site_id,
            name=details.name.strip(),
            email=details.email,
            phone=details.phone,
            preferred_times=list(details.preferred_times),
            message=details.message,
            consent_to_contact=True,
            answers=answers_to_dict(details.answers) if details.answers else None,
        )
        EnquiryEvent.objects.create(enquiry=enquiry, actor=None, to_status=Status.NEW)
        audit_record(
            action=Action.CREATE,
            object_type="enquiry",
            object_id=enquiry.pk,
            site_id=enquiry.site_id,
            detail={"answers_attached": details.answers is not None},
        )
    return enquiry


def enquiry_mark_contacted(
    *, actor: User, enquiry: Enquiry, note: str, expected_status: str | None = None
) -> Enquiry:
    """New or contacted -> contacted, with what was said (a second attempt is a new event)."""
    _check(actor, enquiry)
    note = _note(note, required=True, what="note")
    return _move(
        actor,
        enquiry,
        to=Status.CONTACTED,
        allowed_from={Status.NEW, Status.CONTACTED},
        expected=expected_status,
        note=note,
    )


def enquiry_close(
    *, actor: User, enquiry: Enquiry, reason: str, expected_status: str | None = None
) -> Enquiry:
    """New or contacted -> closed, with the reason (no answer, not suitable, a duplicate...)."""
    _check(actor, enquiry)
    reason = _note(reason, required=True, what="reason")
    return _move(
        actor,
        enquiry,
        to=Status.CLOSED,
        allowed_from={Status.NEW, Status.CONTACTED},
        expected=expected_status,
        note=reason,
    )


def enquiry_convert_link(
    *, actor: User, enquiry: Enquiry, patient: Patient, expected_status: str | None = None
) -> Enquiry:
    """Convert into an existing patient of the enquiry's site (one the actor found by a
    selector, so already reached with an access check)."""
    _check(actor, enquiry)
    require(actor, Capability.EDIT_PATIENT, what="patient", patient_id=patient.pk)
    if patient.site_id != enquiry.site_id or patient.is_archived:
        raise Invalid(
            {"patient": [f"Patient: {patient} is not an active patient of {enquiry.site}."]}
        )
    return _move(
        actor,
        enquiry,
        to=Status.CONVERTED,
        allowed_from={Status.NEW, Status.CONTACTED},
        expected=expected_status,
        note=f"Linked to existing patient {patient.pk}.",
        patient=patient,
    )


def enquiry_convert_new(
    *,
    actor: User,
    enquiry: Enquiry,
    details: PatientDetails,
    confirm_duplicate: bool = False,
    expected_status: str | None = None,
) -> tuple[Enquiry, Patient]:
    """Register a patient at the enquiry's site (``patient_create``: its rules, its duplicate
    check and its audit) and convert the enquiry into them, in one transaction.

    ``PossibleDuplicate`` passes through unless ``confirm_duplicate``; nothing is written then.
    """
    _check(actor, enquiry)
    require(actor, Capability.EDIT_PATIENT, what="patient")
    if not enquiry.is_open:
        raise EnquiryMoved(expected=expected_status or Status.NEW, now=enquiry.status)
    with transaction.atomic():
        patient = patient_create(
            actor=actor,
            site_id=enquiry.site_id,
            details=details,
            confirm_duplicate=confirm_duplicate,
        )
        enquiry = _move(
            actor,
            enquiry,
            to=Status.CONVERTED,
            allowed_from={Status.NEW, Status.CONTACTED},
            expected=expected_status,
            note=f"Registered as new patient {patient.pk}.",
            patient=patient,
        )
    return enquiry, patient


def _check(actor: User, enquiry: Enquiry) -> None:
    # The same checks as enquiry_get_for_user: a service is safe whatever its caller did.
    check_site(actor, enquiry.site_id, what="enquiry", object_id=enquiry.pk)
    require(actor, Capability.HANDLE_ENQUIRIES, what="enquiry")


def _note(text: str, *, required: bool, what: str) -> str:
    text = text.strip()
    if required and not text:
        raise Invalid({what: [f"{what}: write a few words for the next person who reads this."]})
    if len(text) > MESSAGE_MAX:
        raise Invalid({what: [f"{what}: is {len(text)} characters long; at most {MESSAGE_MAX}."]})
    return text


def _move(
    actor: User,
    enquiry: Enquiry,
    *,
    to: Status,
    allowed_from: set[Status],
    expected: str | None,
    note: str,
    patient: Patient | None = None,
) -> Enquiry:
    """The one change of status: conditional on the status seen, evented and audited."""
    seen = expected or enquiry.status
    with transaction.atomic():
        if seen not in allowed_from:
            raise EnquiryMoved(expected=seen, now=enquiry.status)
        changes: dict[str, object] = {"status": to, "updated_at": timezone.now()}
        if patient is not None:
            changes["patient"] = patient
        updated = Enquiry.objects.filter(pk=enquiry.pk, status=seen).update(**changes)
        if updated != 1:
            now = Enquiry.objects.filter(pk=enquiry.pk).values_list("status", flat=True).first()
            raise EnquiryMoved(expected=seen, now=str(now))
        EnquiryEvent.objects.create(
            enquiry=enquiry, actor=actor, from_status=seen, to_status=to, note=note
        )
        audit_record(
            action=Action.UPDATE,
            object_type="enquiry",
            object_id=enquiry.pk,
            patient_id=patient.pk if patient is not None else None,
            site_id=enquiry.site_id,
            detail={"from": seen, "to": to.value},
        )
    enquiry.refresh_from_db()
    return enquiry
