"""The photos API (`/api/v1/photos`): thin endpoints over selectors and services.

Bearer tokens only (``accounts.api_auth.token_auth``). Listing, metadata and the file need
``VIEW_PHOTOS``; uploading needs ``UPLOAD_PHOTOS`` and a current photo consent for the
clinical record. Uploads are multipart; the file is re-encoded exactly as on the upload page.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.http import FileResponse, HttpRequest
from django.urls import reverse
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from mesoclinic.accounts.api_auth import token_auth
from mesoclinic.audit.models import Action
from mesoclinic.core.errors import Invalid
from mesoclinic.core.http import staff
from mesoclinic.core.schemas import ErrorOut
from mesoclinic.patients.errors import PatientArchived
from mesoclinic.photos.models import Photo
from mesoclinic.photos.schemas import PhotoOut
from mesoclinic.photos.selectors import photo_get_for_user, photos_for_user
from mesoclinic.photos.services import photo_upload

if TYPE_CHECKING:
    pass

router = Router(tags=["photos"], auth=token_auth)

ERRORS: dict[int, type[ErrorOut]] = {403: ErrorOut, 404: ErrorOut}
JPEG_RESPONSE = {
    "responses": {"200": {"description": "The JPEG image.", "content": {"image/jpeg": {}}}}
}


def _out(photo: Photo) -> PhotoOut:
    return PhotoOut.of(photo, reverse("api-1:photo_file", kwargs={"photo_id": photo.pk}))


@router.get("", response={200: list[PhotoOut], **ERRORS})
def list_photos(request: HttpRequest, patient_id: int) -> list[PhotoOut]:
    """A patient's photos, newest day first (audited as one LIST)."""
    return [_out(photo) for photo in photos_for_user(staff(request), patient_id)]


@router.post("", response={201: PhotoOut, 409: ErrorOut, 422: ErrorOut, **ERRORS})
def upload(
    request: HttpRequest,
    patient_id: Form[int],
    angle: Form[str],
    taken_on: Form[str],
    file: File[UploadedFile],
) -> Status[PhotoOut] | Status[ErrorOut]:
    """Upload one photo (JPEG or PNG); stored re-encoded as JPEG without metadata.

    422 names each refused field: angle, taken_on (YYYY-MM-DD, not in the future), consent
    (no current photo consent for the clinical record), file (not a JPEG or PNG, empty,
    damaged, too large, too many pixels). 409: the patient is archived (read-only).
    """
    try:
        day = dt.date.fromisoformat(taken_on.strip())
    except ValueError:
        raise Invalid(
            {"taken_on": [f"Date taken: {taken_on[:40]!r} is not a date; use YYYY-MM-DD."]}
        ) from None
    try:
        photo = photo_upload(
            actor=staff(request),
            patient_id=patient_id,
            angle=angle,
            taken_on=day,
            upload=file,
            filename=file.name or "",
        )
    except PatientArchived as archived:
        return Status(409, ErrorOut(error=archived.message))
    return Status(201, _out(photo))


@router.get("/{photo_id}", response={200: PhotoOut, **ERRORS})
def get_photo(request: HttpRequest, photo_id: int) -> PhotoOut:
    return _out(photo_get_for_user(staff(request), photo_id))


@router.get(
    "/{photo_id}/file",
    response={404: ErrorOut, 403: ErrorOut},
    url_name="photo_file",
    openapi_extra=JPEG_RESPONSE,
)
def get_file(request: HttpRequest, photo_id: int) -> FileResponse:
    """The photo (JPEG), after the access check; audited as a DOWNLOAD."""
    photo = photo_get_for_user(staff(request), photo_id, audit_action=Action.DOWNLOAD)
    response = FileResponse(photo.file.open("rb"), content_type="image/jpeg")
    response["Content-Disposition"] = f'inline; filename="photo-{photo.pk}.jpg"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
