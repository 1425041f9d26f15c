"""No photo leaves the server without the access check: the file and thumbnail views."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from mesoclinic.accounts.models import Site, User
from mesoclinic.audit.models import Action, AuditEvent, Outcome
from mesoclinic.consent.tests.pages import assert_anonymous_redirected
from mesoclinic.patients.models import Patient
from mesoclinic.photos.models import Photo
from mesoclinic.photos.tests import images
from mesoclinic.photos.tests.factories import upload

ClientFor = Callable[[User], Client]
KINDS = ["file", "thumbnail"]


@pytest.fixture
def photo(practitioner_a: User, patient_a: Patient, photo_consent: object) -> Photo:
    return upload(practitioner_a, patient_a, data=images.png_polyglot(), filename="poly.png")


def url(photo: Photo, kind: str = "file") -> str:
    return f"/patients/{photo.patient_id}/photos/{photo.pk}/{kind}"


def body(response: object) -> bytes:
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


@pytest.mark.parametrize("persona", ["practitioner_a", "manager_a"])
def test_it_streams_the_photo_with_safe_headers(
    client_for: ClientFor, photo: Photo, persona: str, request: pytest.FixtureRequest
) -> None:
    response = client_for(request.getfixturevalue(persona)).get(url(photo))
    content = body(response)
    assert response.status_code == 200
    assert content.startswith(b"\xff\xd8\xff")  # a JPEG, whatever was uploaded
    assert b"<script" not in content
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == f'inline; filename="photo-{photo.pk}.jpg"'
    assert response["Cache-Control"] == "private, no-store"
    event = AuditEvent.objects.get(action=Action.DOWNLOAD, object_type="photo")
    assert (event.object_id, event.patient_id) == (str(photo.pk), photo.patient_id)


def test_it_streams_the_thumbnail_audited_as_a_view(
    client_for: ClientFor, practitioner_a: User, photo: Photo
) -> None:
    response = client_for(practitioner_a).get(url(photo, "thumbnail"))
    assert body(response).startswith(b"\xff\xd8\xff")
    assert response["Content-Disposition"] == f'inline; filename="photo-{photo.pk}-thumbnail.jpg"'
    assert response["Cache-Control"] == "private, no-store"
    assert AuditEvent.objects.filter(action=Action.VIEW, object_type="photo_thumbnail").exists()


@pytest.mark.parametrize("kind", KINDS)
def test_it_hides_other_sites_photos(
    client_for: ClientFor, practitioner_b: User, photo: Photo, kind: str
) -> None:
    response = client_for(practitioner_b).get(url(photo, kind))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(outcome=Outcome.DENIED, actor=practitioner_b).count() == 1


@pytest.mark.parametrize("kind", KINDS)
def test_it_refuses_a_receptionist(
    client_for: ClientFor, receptionist_a: User, photo: Photo, kind: str
) -> None:
    assert client_for(receptionist_a).get(url(photo, kind)).status_code == 403


@pytest.mark.parametrize("kind", KINDS)
def test_it_does_not_find_a_photo_under_another_patient(
    client_for: ClientFor, practitioner_a: User, photo: Photo, site_a: Site, kind: str
) -> None:
    other = Patient.objects.create(
        site=site_a, given_name="Other", family_name="Patient", date_of_birth="1970-01-01"
    )
    client = client_for(practitioner_a)
    assert client.get(f"/patients/{other.pk}/photos/{photo.pk}/{kind}").status_code == 404
    assert client.get(f"/patients/{photo.patient_id}/photos/999999/{kind}").status_code == 404


@pytest.mark.parametrize("kind", KINDS)
def test_it_sends_anonymous_visitors_to_sign_in(photo: Photo, kind: str) -> None:
    assert_anonymous_redirected(url(photo, kind))


@pytest.mark.parametrize("kind", KINDS)
def test_it_refuses_other_methods(
    client_for: ClientFor, practitioner_a: User, photo: Photo, kind: str
) -> None:
    client = client_for(practitioner_a)
    assert client.post(url(photo, kind)).status_code == 405
    assert client.delete(url(photo, kind)).status_code == 405


def test_it_serves_no_stored_file_from_a_public_url(
    client_for: ClientFor, practitioner_a: User, photo: Photo
) -> None:
    client = client_for(practitioner_a)
    for path in (f"/media/{photo.file.name}", f"/{photo.file.name}", f"/static/{photo.file.name}"):
        assert client.get(path).status_code == 404
