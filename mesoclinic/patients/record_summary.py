"""What a patient's clinical record holds, in one line per kind, for the patient page.

The one module of ``patients`` that reads the clinical apps (consultations, plans, consent,
photos), which all stand on ``patients``; only the patient page's view imports it, so the
layers still point one way at import time.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from mesoclinic.accounts.access import Capability, can
from mesoclinic.audit.models import Action
from mesoclinic.audit.services import audit_record

if TYPE_CHECKING:
    from mesoclinic.accounts.models import User
    from mesoclinic.patients.models import Patient


@dataclass(frozen=True)
class RecordLine:
    """``count`` items of one kind, the latest dated ``latest``; ``path`` is under the patient
    page's URL (``consultations/``)."""

    label: str
    count: int
    latest: dt.date | None
    path: str


def record_summary_for_user(
    user: User, patient: Patient, *, zone: zoneinfo.ZoneInfo
) -> list[RecordLine]:
    """Consultations, plans, signed consent and photos of ``patient``: how many and the latest
    date of each (in ``zone``), for a user who may read clinical records (photos only for one
    who may see photos); empty for anyone else, without a query.

    ``patient`` comes from ``patient_get_for_user`` (site checked). Cost: one aggregate query per
    kind (4) and one audit event (LIST ``patient_record_summary`` with the counts).
    """
    from mesoclinic.consent.models import ConsentRecord
    from mesoclinic.consultations.models import Consultation
    from mesoclinic.photos.models import Photo
    from mesoclinic.plans.models import StoredPlan

    if not can(user, Capability.VIEW_CLINICAL):
        return []

    def latest(value: dt.datetime | dt.date | None) -> dt.date | None:
        if isinstance(value, dt.datetime):
            return timezone.localtime(value, zone).date()
        return value

    lines = []
    counted: dict[str, int] = {}
    kinds: list[tuple[str, str, QuerySet[Any], str, str]] = [
        (
            "consultations",
            "Consultations",
            Consultation.objects.filter(patient=patient),
            "held_at",
            "consultations/",
        ),
        (
            "plans",
            "Treatment plans",
            StoredPlan.objects.filter(consultation__patient=patient),
            "created_at",
            "consultations/",
        ),
        (
            "consent_records",
            "Signed consent",
            ConsentRecord.objects.filter(patient=patient),
            "signed_at",
            "consent/",
        ),
    ]
    if can(user, Capability.VIEW_PHOTOS):
        kinds.append(
            ("photos", "Photos", Photo.objects.filter(patient=patient), "taken_on", "photos/")
        )
    for key, label, rows, dated, path in kinds:
        found = rows.aggregate(count=Count("id"), latest=Max(dated))
        lines.append(RecordLine(label, found["count"], latest(found["latest"]), path))
        counted[key] = found["count"]
    audit_record(
        action=Action.LIST,
        object_type="patient_record_summary",
        object_id=patient.pk,
        patient_id=patient.pk,
        site_id=patient.site_id,
        detail=counted,
    )
    return lines
