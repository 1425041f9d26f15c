"""Reads of photos, each through ``patient_get_for_user`` with ``VIEW_PHOTOS`` and audited.

A photo asked for under the wrong patient, or one that does not exist, is "not found" exactly
like another site's photo, so ids cannot be probed; every refusal is audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import groupby
from typing import TYPE_CHECKING

from mesoclinic.accounts.access import Capability
from mesoclinic.audit.models import Action
from mesoclinic.audit.services import audit_denied, audit_record
from mesoclinic.consent.models import PhotoConsent
from mesoclinic.consent.selectors import photo_consent_current
from mesoclinic.core.errors import NotFound
from mesoclinic.patients.selectors import patient_get_for_user
from mesoclinic.photos.models import Angle, Photo

if TYPE_CHECKING:
    from mesoclinic.accounts.models import User
    from mesoclinic.patients.models import Patient

ANGLE_ORDER = {angle.value: index for index, angle in enumerate(Angle)}


@dataclass(frozen=True)
class PhotoDay:
    """The photos of one day, in the standard order of angles."""

    taken_on: dt.date
    photos: list[Photo]


@dataclass(frozen=True)
class Album:
    patient: Patient
    days: list[PhotoDay]
    consent: PhotoConsent | None

    @property
    def count(self) -> int:
        return sum(len(day.photos) for day in self.days)


@dataclass(frozen=True)
class UploadForm:
    patient: Patient
    consent: PhotoConsent | None


@dataclass(frozen=True)
class Comparison:
    """Two photos at one angle side by side (``before`` and ``after`` may be None).

    ``errors`` holds a message per request parameter that could not be honoured (a date with
    no photo at that angle); the defaults are shown instead.
    """

    patient: Patient
    angles: list[Angle]
    angle: Angle | None
    dates: list[dt.date]
    before: Photo | None
    after: Photo | None
    errors: dict[str, list[str]] = field(default_factory=dict)


def photo_album_for_user(user: User, patient_id: int) -> Album:
    """All of a patient's photos grouped by day (newest first) and by angle.

    Audits one LIST event. Cost: the accessor's queries, one for the photos (with the
    uploader), one for the current photo consent, whatever the number of photos.
    """
    patient = patient_get_for_user(
        user,
        patient_id,
        capability=Capability.VIEW_PHOTOS,
        audit_action=Action.LIST,
        object_type="photo",
    )
    photos = sorted(
        Photo.objects.filter(patient=patient).select_related("uploaded_by"),
        key=lambda photo: (-photo.taken_on.toordinal(), ANGLE_ORDER[photo.angle], -photo.pk),
    )
    days = [
        PhotoDay(taken_on=day, photos=list(group))
        for day, group in groupby(photos, key=lambda photo: photo.taken_on)
    ]
    return Album(patient=patient, days=days, consent=photo_consent_current(patient))


def photos_for_user(user: User, patient_id: int) -> list[Photo]:
    """A patient's photos, newest day first; audits one LIST event (the API's list)."""
    patient = patient_get_for_user(
        user,
        patient_id,
        capability=Capability.VIEW_PHOTOS,
        audit_action=Action.LIST,
        object_type="photo",
    )
    return list(Photo.objects.filter(patient=patient).select_related("uploaded_by"))


def photo_get_for_user(
    user: User,
    photo_id: int,
    *,
    patient_id: int | None = None,
    audit_action: Action = Action.VIEW,
    object_type: str = "photo",
) -> Photo:
    """One photo, if the user may see the patient's photos; the accessor for every file read.

    ``patient_id``, when given (pages), must be the photo's patient. ``audit_action`` is
    DOWNLOAD for the file, VIEW for its metadata or thumbnail. Cost: the photo, then
    ``patient_get_for_user``'s queries, then one audit INSERT.
    """
    photo = Photo.objects.select_related("uploaded_by").filter(pk=photo_id).first()
    if photo is None or (patient_id is not None and photo.patient_id != patient_id):
        audit_denied(
            reason="no_such_photo", object_type=object_type, object_id=photo_id, action=audit_action
        )
        raise NotFound("No such photo.")
    photo.patient = patient_get_for_user(
        user,
        photo.patient_id,
        capability=Capability.VIEW_PHOTOS,
        audit_action=audit_action,
        object_type=object_type,
        object_id=photo.pk,
    )
    return photo


def photo_upload_form_for_user(user: User, patient_id: int) -> UploadForm:
    """The patient (``UPLOAD_PHOTOS``) and whether their photo consent allows an upload."""
    patient = patient_get_for_user(
        user,
        patient_id,
        capability=Capability.UPLOAD_PHOTOS,
        audit_action=Action.VIEW,
        object_type="photo_upload",
    )
    return UploadForm(patient=patient, consent=photo_consent_current(patient))


def photo_comparison_for_user(
    user: User,
    patient_id: int,
    *,
    angle: str | None = None,
    before: dt.date | None = None,
    after: dt.date | None = None,
) -> Comparison:
    """Two photos of one angle to compare: by default the earliest and latest at that angle.

    ``angle`` defaults to the first standard angle that has photos. On a day with several
    photos at the angle, the last uploaded is shown. Audits one VIEW event naming both photos.
    Cost: the accessor's queries, one for the photos' angles and days, two for the photos.
    """
    patient = patient_get_for_user(
        user,
        patient_id,
        capability=Capability.VIEW_PHOTOS,
        audit_action=None,
        object_type="photo_comparison",
    )
    rows = Photo.objects.filter(patient=patient)
    taken = set(rows.values_list("angle", "taken_on"))
    angles = [a for a in Angle if any(row[0] == a.value for row in taken)]
    errors: dict[str, list[str]] = {}
    chosen: Angle | None = None
    if angle:
        if angle in Angle.values:
            chosen = Angle(angle)
        else:
            errors["angle"] = [f"Angle {angle!r} is not one of: {', '.join(Angle.values)}."]
    if chosen is None:
        chosen = angles[0] if angles else None
    dates = sorted(day for a, day in taken if a == chosen)
    picked: dict[str, Photo | None] = {}
    for name, wanted, default, which in (
        ("before", before, dates[0] if dates else None, "earliest"),
        ("after", after, dates[-1] if dates else None, "latest"),
    ):
        if wanted is not None and wanted not in dates:
            label = chosen.label.lower() if chosen else "any angle"
            errors[name] = [
                f"{name.title()}: there is no {label} photo taken on {wanted:%d %b %Y}; "
                f"showing the {which} instead."
            ]
            wanted = None
        picked[name] = _photo_on(patient, chosen, wanted if wanted is not None else default)
    shown = [photo.pk for photo in picked.values() if photo is not None]
    audit_record(
        action=Action.VIEW,
        object_type="photo_comparison",
        object_id=",".join(str(pk) for pk in shown),
        patient_id=patient.pk,
        site_id=patient.site_id,
        detail={"angle": chosen.value if chosen else None, "photos": shown},
    )
    return Comparison(
        patient=patient,
        angles=angles,
        angle=chosen,
        dates=dates,
        before=picked["before"],
        after=picked["after"],
        errors=errors,
    )


def _photo_on(patient: Patient, angle: Angle | None, day: dt.date | None) -> Photo | None:
    if angle is None or day is None:
        return None
    return (
        Photo.objects.filter(patient=patient, angle=angle, taken_on=day)
        .order_by("-uploaded_at", "-id")
        .first()
    )
