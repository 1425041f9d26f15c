"""Photo pages: the album, upload, the access-checked file, side-by-side comparison.

No photo is ever reachable by a public URL: ``file`` and ``thumbnail`` stream the stored bytes
only after ``photo_get_for_user`` (site, role, audit), with headers that stop browsers from
sniffing the content type or caching it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from mesoclinic.audit.models import Action
from mesoclinic.core.errors import Invalid
from mesoclinic.core.forms import FORM_ANCHOR, add_invalid, error_summary
from mesoclinic.core.http import staff
from mesoclinic.patients.errors import PatientArchived
from mesoclinic.photos.forms import CompareForm, UploadPhotoForm
from mesoclinic.photos.models import Photo
from mesoclinic.photos.selectors import (
    photo_album_for_user,
    photo_comparison_for_user,
    photo_get_for_user,
    photo_upload_form_for_user,
)
from mesoclinic.photos.services import photo_upload

# A missing consent is a form-wide error: it links to the consent status above the form.
UPLOAD_ANCHORS = {"angle": "id_angle_0", NON_FIELD_ERRORS: "consent-status"}


@login_required
@require_GET
def album(request: HttpRequest, patient_id: int) -> HttpResponse:
    data = photo_album_for_user(staff(request), patient_id)
    return render(request, "photos/album.html", {"album": data, "patient": data.patient})


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, patient_id: int) -> HttpResponse:
    user = staff(request)
    if request.method == "POST":
        form = UploadPhotoForm(request.POST, request.FILES)
        if form.is_valid():
            uploaded = form.cleaned_data["file"]
            try:
                photo = photo_upload(
                    actor=user,
                    patient_id=patient_id,
                    angle=form.cleaned_data["angle"],
                    taken_on=form.cleaned_data["taken_on"],
                    upload=uploaded,
                    filename=uploaded.name if uploaded else "",
                )
            except Invalid as invalid:
                add_invalid(form, invalid)
            except PatientArchived as archived:
                messages.error(request, archived.message)
                return redirect("photos:list", patient_id=patient_id)
            else:
                messages.success(request, f"Photo uploaded: {photo}.")
                return redirect("photos:list", patient_id=patient_id)
        context = photo_upload_form_for_user(user, patient_id)
    else:
        context = photo_upload_form_for_user(user, patient_id)
        zone = context.patient.site.zone
        form = UploadPhotoForm(initial={"taken_on": timezone.localdate(timezone=zone)})
    return render(
        request,
        "photos/upload.html",
        {
            "form": form,
            "errors": error_summary(form, {**FORM_ANCHOR, **UPLOAD_ANCHORS}),
            "patient": context.patient,
            "consent": context.consent,
            "max_megabytes": f"{settings.PHOTO_MAX_BYTES / (1024 * 1024):g}",
        },
    )


def _stream(photo: Photo, *, thumbnail: bool) -> FileResponse:
    stored = photo.thumbnail if thumbnail else photo.file
    response = FileResponse(stored.open("rb"), content_type="image/jpeg")
    suffix = "-thumbnail" if thumbnail else ""
    response["Content-Disposition"] = f'inline; filename="photo-{photo.pk}{suffix}.jpg"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def file(request: HttpRequest, patient_id: int, photo_id: int) -> FileResponse:
    photo = photo_get_for_user(
        staff(request), photo_id, patient_id=patient_id, audit_action=Action.DOWNLOAD
    )
    return _stream(photo, thumbnail=False)


@login_required
@require_GET
def thumbnail(request: HttpRequest, patient_id: int, photo_id: int) -> FileResponse:
    photo = photo_get_for_user(
        staff(request),
        photo_id,
        patient_id=patient_id,
        audit_action=Action.VIEW,
        object_type="photo_thumbnail",
    )
    return _stream(photo, thumbnail=True)


@login_required
@require_GET
def compare(request: HttpRequest, patient_id: int) -> HttpResponse:
    form = CompareForm(request.GET)
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    data = photo_comparison_for_user(
        staff(request),
        patient_id,
        angle=cleaned.get("angle") or None,
        before=cleaned.get("before"),
        after=cleaned.get("after"),
    )
    for field, problems in data.errors.items():
        for problem in problems:
            form.add_error(field, problem)
    return render(
        request,
        "photos/compare.html",
        {
            "form": form,
            "errors": error_summary(form, FORM_ANCHOR),
            "comparison": data,
            "comparison_pairs": [
                (label, photo)
                for label, photo in (("Before", data.before), ("After", data.after))
                if photo is not None
            ],
            "patient": data.patient,
        },
    )
