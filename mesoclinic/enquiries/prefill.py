"""The enquiry's answers as a draft for the patient's first consultation.

Receptionists convert enquiries but may not write clinical notes (``EDIT_CLINICAL``), so the
answers stay on the enquiry, linked to the patient, and the practitioner's "new consultation"
form offers them: "From the enquiry of <date>: ...", and a link that fills in the fields the
form shares with the self-assessment. Nothing is copied until the practitioner asks, and the
consultation is saved only when they save it (see the decision record on enquiry answers).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mesoclinic.accounts.access import Capability, check_site, require
from mesoclinic.audit.models import Action
from mesoclinic.audit.services import audit_record
from mesoclinic.consultations.forms import CONCERN_PREFIX
from mesoclinic.enquiries.display import answers_summary
from mesoclinic.enquiries.models import Enquiry, Status
from mesoclinic.planning.knowledge import default_knowledge
from mesoclinic.public.answers import Answers, AnswersInvalid, answers_from_dict

if TYPE_CHECKING:
    from mesoclinic.accounts.models import User
    from mesoclinic.patients.models import Patient


@dataclass(frozen=True)
class Prefill:
    enquiry_id: int
    received: dt.datetime
    summary: str
    # What the person said that the form has no field for (to ask about at the consultation).
    notes: tuple[str, ...]
    initial: dict[str, Any] = field(default_factory=dict)


def enquiry_prefill(user: User, patient: Patient) -> Prefill | None:
    """The answers of the patient's latest converted enquiry that has them, for a new
    consultation; None when there is none. Audited (VIEW of the enquiry) when there is one.

    For whoever may write the patient's consultations (``EDIT_CLINICAL``, the patient's site):
    the caller has reached the patient through its accessor; the checks are repeated here.
    Cost: one SELECT, one INSERT when found.
    """
    check_site(user, patient.site_id, what="enquiry", patient_id=patient.pk)
    require(user, Capability.EDIT_CLINICAL, what="enquiry", patient_id=patient.pk)
    enquiry = (
        Enquiry.objects.filter(patient=patient, status=Status.CONVERTED, answers__isnull=False)
        .order_by("-created_at", "-id")
        .first()
    )
    if enquiry is None:
        return None
    try:
        answers = answers_from_dict(enquiry.answers)
    except AnswersInvalid:
        return None
    audit_record(
        action=Action.VIEW,
        object_type="enquiry",
        object_id=enquiry.pk,
        patient_id=patient.pk,
        site_id=enquiry.site_id,
        detail={"for": "consultation_prefill"},
    )
    initial, notes = consultation_initial(answers)
    return Prefill(
        enquiry_id=enquiry.pk,
        received=enquiry.created_at,
        summary=answers_summary(answers),
        notes=notes,
        initial=initial,
    )


def consultation_initial(answers: Answers) -> tuple[dict[str, Any], tuple[str, ...]]:
    """(the consultation form's initial values, what it has no field for).

    The same reading of the answers as the public answer page's (``answers_to_request``):
    each concern over every chosen zone, a skin infection now in every chosen zone, blood
    thinners as an anticoagulant, keloid scars and autoimmune disease as those conditions.
    """
    knowledge = default_knowledge()
    zones = [code for code in answers.zones if code in knowledge.zones]
    initial: dict[str, Any] = {"needle_fear": str(answers.needle_fear)}
    for concern in answers.concerns:
        if concern in knowledge.concerns:
            initial[CONCERN_PREFIX + concern] = zones
    conditions = [
        code
        for code, present in (
            ("keloid_history", answers.keloid_scars),
            ("autoimmune_disease", answers.autoimmune_disease),
        )
        if present and code in knowledge.conditions
    ]
    medications = []
    if answers.blood_thinners:
        medications.append("anticoagulant")
    if answers.isotretinoin_weeks == 0:
        medications.append("isotretinoin")
    initial["conditions"] = conditions
    initial["medications"] = [code for code in medications if code in knowledge.medications]
    initial["allergies"] = [code for code in answers.allergies if code in knowledge.substances]
    if answers.skin_infection_now:
        initial["infection_zones"] = zones
    notes = []
    if answers.pregnant_or_breastfeeding:
        # One question in public; the form asks each, so the practitioner asks which.
        notes.append("Answered yes to “pregnant or breastfeeding”: ask which.")
    if answers.blood_thinners:
        notes.append("Answered yes to blood thinners: ask which medicine.")
    if answers.isotretinoin_weeks:
        notes.append(f"Stopped isotretinoin {answers.isotretinoin_weeks} weeks ago.")
    return initial, tuple(notes)
