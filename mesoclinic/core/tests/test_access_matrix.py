"""The role x endpoint matrix: every page, API operation, photo and export, for every persona.

Each route is declared once with the capability it needs. The expected answer for each persona
follows from ``ROLE_CAPABILITIES``: anonymous users are sent to sign in (pages) or get 401
(API); a user of another site gets 404 for anything of site A's; a role without the capability
gets 403; the rest get 200. ``test_it_classifies_every_route`` fails when a route is added
without being put in this matrix, so no endpoint escapes the check.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from PIL import Image
from pytest_django.fixtures import Settings

from mesoclinic.accounts.access import ROLE_CAPABILITIES, Capability
from mesoclinic.accounts.models import Role, Site, User
from mesoclinic.accounts.services import staff_create
from mesoclinic.accounts.token_services import api_token_create
from mesoclinic.audit.context import acting_as
from mesoclinic.conftest import PASSWORD, verified_client
from mesoclinic.consent.models import ConsentTemplate
from mesoclinic.consent.services import (
    consent_record_sign,
    consent_template_publish,
    photo_consent_record,
)
from mesoclinic.consent.tests.factories import drawn_signature
from mesoclinic.consultations.services import History, consultation_create
from mesoclinic.enquiries.services import EnquiryDetails, enquiry_send
from mesoclinic.patients.models import Patient
from mesoclinic.photos.services import photo_upload
from mesoclinic.plans.services import plan_generate
from mesoclinic.scheduling.models import Room, Service, TimeOff, TimeOffKind, WorkingHours
from mesoclinic.scheduling.services import appointment_book

ANY_STAFF = None  # any signed-in member of staff, whatever the role
C = Capability


@dataclass(frozen=True)
class Route:
    name: str
    path: str  # with {placeholders} filled from the world
    capability: Capability | None
    site_scoped: bool = True  # another site's user gets 404
    method: str = "GET"


# Pages. POST-only actions are checked for refusals only (403/404/sign-in): the apps' own tests
# cover what a successful POST does.
PAGES = [
    Route("accounts:password", "/accounts/password/", ANY_STAFF, site_scoped=False),
    Route("accounts:tokens", "/accounts/tokens/", ANY_STAFF, site_scoped=False),
    Route("accounts:sessions", "/accounts/sessions/", ANY_STAFF, site_scoped=False),
    Route("accounts:recovery_codes", "/accounts/mfa/recovery-codes/", ANY_STAFF, site_scoped=False),
    Route("accounts:staff", "/accounts/staff/", C.MANAGE_STAFF, site_scoped=False),
    Route("accounts:staff_create", "/accounts/staff/new/", C.MANAGE_STAFF, site_scoped=False),
    Route(
        "accounts:staff_deactivate",
        "/accounts/staff/{staff}/deactivate/",
        C.MANAGE_STAFF,
        method="POST",
    ),
    Route(
        "accounts:staff_password_reset",
        "/accounts/staff/{staff}/reset-password/",
        C.MANAGE_STAFF,
    ),
    Route(
        "accounts:staff_mfa_reset",
        "/accounts/staff/{staff}/reset-mfa/",
        C.MANAGE_STAFF,
        method="POST",
    ),
    Route("patients:list", "/patients/", C.VIEW_PATIENT, site_scoped=False),
    Route("patients:create", "/patients/new/", C.EDIT_PATIENT, site_scoped=False),
    Route("patients:detail", "/patients/{patient}/", C.VIEW_PATIENT),
    Route("patients:edit", "/patients/{patient}/edit/", C.EDIT_PATIENT),
    Route("patients:archive", "/patients/{patient}/archive/", C.EDIT_PATIENT),  # confirm page
    Route("patients:unarchive", "/patients/{patient}/restore/", C.MANAGE_STAFF, method="POST"),
    Route("consultations:list", "/patients/{patient}/consultations/", C.VIEW_CLINICAL),
    Route("consultations:create", "/patients/{patient}/consultations/new/", C.EDIT_CLINICAL),
    Route(
        "consultations:detail", "/patients/{patient}/consultations/{consultation}/", C.VIEW_CLINICAL
    ),
    Route(
        "consultations:edit",
        "/patients/{patient}/consultations/{consultation}/edit/",
        C.EDIT_CLINICAL,
    ),
    Route(
        "consultations:complete",
        "/patients/{patient}/consultations/{consultation}/complete/",
        C.EDIT_CLINICAL,
        method="POST",
    ),
    Route(
        "plans:generate",
        "/patients/{patient}/consultations/{consultation}/plans/generate/",
        C.EDIT_CLINICAL,
        method="POST",
    ),
    Route(
        "plans:detail",
        "/patients/{patient}/consultations/{consultation}/plans/{plan}/",
        C.VIEW_CLINICAL,
    ),
    Route(
        "plans:edit",
        "/patients/{patient}/consultations/{consultation}/plans/{plan}/edit/",
        C.EDIT_CLINICAL,
    ),
    Route(
        "plans:sign",
        "/patients/{patient}/consultations/{consultation}/plans/{plan}/sign/",
        C.EDIT_CLINICAL,
        method="POST",
    ),
    Route(
        "plans:print",
        "/patients/{patient}/consultations/{consultation}/plans/{plan}/print/",
        C.VIEW_CLINICAL,
    ),
    Route("consent:list", "/patients/{patient}/consent/", C.VIEW_CLINICAL),
    Route("consent:sign", "/patients/{patient}/consent/sign/mesotherapy_face/", C.TAKE_CONSENT),
    Route("consent:detail", "/patients/{patient}/consent/{record}/", C.VIEW_CLINICAL),
    Route(
        "consent:signature", "/patients/{patient}/consent/{record}/signature.png", C.VIEW_CLINICAL
    ),
    Route("consent:photo", "/patients/{patient}/consent/photo/", C.TAKE_CONSENT),
    Route(
        "consent:photo_withdraw",
        "/patients/{patient}/consent/photo/{photo_consent}/withdraw/",
        C.TAKE_CONSENT,
        method="POST",
    ),
    Route("photos:list", "/patients/{patient}/photos/", C.VIEW_PHOTOS),
    Route("photos:upload", "/patients/{patient}/photos/upload/", C.UPLOAD_PHOTOS),
    Route("photos:compare", "/patients/{patient}/photos/compare/", C.VIEW_PHOTOS),
    Route("photos:file", "/patients/{patient}/photos/{photo}/file", C.VIEW_PHOTOS),
    Route("photos:thumbnail", "/patients/{patient}/photos/{photo}/thumbnail", C.VIEW_PHOTOS),
    Route("consent_templates:list", "/consent/templates/", C.VIEW_CLINICAL, site_scoped=False),
    Route(
        "consent_templates:publish",
        "/consent/templates/publish/",
        C.PUBLISH_CONSENT,
        site_scoped=False,
    ),
    Route(
        "consent_templates:detail",
        "/consent/templates/{template}/",
        C.VIEW_CLINICAL,
        site_scoped=False,
    ),
    Route("scheduling:day", "/diary/{site}/2027-01-11/", C.BOOK),
    Route("scheduling:week", "/diary/{site}/week/2027-01-11/", C.BOOK),
    Route("scheduling:book", "/diary/book/?site={site}", C.BOOK),
    Route("scheduling:course", "/diary/course/?patient={patient}", C.BOOK),
    Route("scheduling:appointment", "/diary/appointments/{appointment}/", C.BOOK),
    Route("scheduling:status", "/diary/appointments/{appointment}/status/", C.BOOK, method="POST"),
    Route("scheduling:move", "/diary/appointments/{appointment}/move/", C.BOOK, method="POST"),
    Route("scheduling:cancel", "/diary/appointments/{appointment}/cancel/", C.BOOK),
    Route("scheduling:patient", "/diary/patients/{patient}/", C.BOOK),
    Route("enquiries:inbox", "/enquiries/", C.HANDLE_ENQUIRIES, site_scoped=False),
    Route("enquiries:detail", "/enquiries/{enquiry}/", C.HANDLE_ENQUIRIES),
    Route(
        "enquiries:contacted",
        "/enquiries/{enquiry}/contacted/",
        C.HANDLE_ENQUIRIES,
        method="POST",
    ),
    Route("enquiries:close", "/enquiries/{enquiry}/close/", C.HANDLE_ENQUIRIES, method="POST"),
    Route("enquiries:convert", "/enquiries/{enquiry}/convert/", C.HANDLE_ENQUIRIES),
    Route("audit:list", "/audit/", C.VIEW_AUDIT, site_scoped=False),
    Route("audit:export", "/audit/export.csv", C.VIEW_AUDIT, site_scoped=False),
    Route("schedule_manage:overview", "/diary/manage/", C.MANAGE_SCHEDULE, site_scoped=False),
    # Services are the clinic's, not a site's: another site's manager edits them too.
    Route(
        "schedule_manage:services", "/diary/manage/services/", C.MANAGE_SCHEDULE, site_scoped=False
    ),
    Route(
        "schedule_manage:service_create",
        "/diary/manage/services/new/",
        C.MANAGE_SCHEDULE,
        site_scoped=False,
    ),
    Route(
        "schedule_manage:service_edit",
        "/diary/manage/services/{service}/",
        C.MANAGE_SCHEDULE,
        site_scoped=False,
    ),
    Route("schedule_manage:rooms", "/diary/manage/sites/{site}/rooms/", C.MANAGE_SCHEDULE),
    Route(
        "schedule_manage:room_create", "/diary/manage/sites/{site}/rooms/new/", C.MANAGE_SCHEDULE
    ),
    Route(
        "schedule_manage:room_edit",
        "/diary/manage/sites/{site}/rooms/{room}/",
        C.MANAGE_SCHEDULE,
    ),
    Route(
        "schedule_manage:hours",
        "/diary/manage/sites/{site}/practitioners/{practitioner}/hours/",
        C.MANAGE_SCHEDULE,
    ),
    Route(
        "schedule_manage:exceptions", "/diary/manage/sites/{site}/exceptions/", C.MANAGE_SCHEDULE
    ),
    Route(
        "schedule_manage:exception_remove",
        "/diary/manage/sites/{site}/exceptions/{time_off}/remove/",
        C.MANAGE_SCHEDULE,
        method="POST",
    ),
]

API = [
    Route("api-1:list_patients", "/api/v1/patients", C.VIEW_PATIENT, site_scoped=False),
    Route("api-1:get_patient", "/api/v1/patients/{patient}", C.VIEW_PATIENT),
    Route(
        "api-1:archive_patient", "/api/v1/patients/{patient}/archive", C.EDIT_PATIENT, method="POST"
    ),
    Route(
        "api-1:restore_patient", "/api/v1/patients/{patient}/restore", C.MANAGE_STAFF, method="POST"
    ),
    Route("api-1:consultation_list", "/api/v1/consultations?patient_id={patient}", C.VIEW_CLINICAL),
    Route("api-1:consultation_get", "/api/v1/consultations/{consultation}", C.VIEW_CLINICAL),
    Route("api-1:plan_list", "/api/v1/consultations/{consultation}/plans", C.VIEW_CLINICAL),
    Route(
        "api-1:plan_sign",
        "/api/v1/consultations/plans/{plan}/signature",
        C.EDIT_CLINICAL,
        method="POST",
    ),
    Route(
        "api-1:consent_templates", "/api/v1/consent/templates", C.VIEW_CLINICAL, site_scoped=False
    ),
    Route(
        "api-1:get_template",
        "/api/v1/consent/templates/{template}",
        C.VIEW_CLINICAL,
        site_scoped=False,
    ),
    Route("api-1:list_records", "/api/v1/consent/records?patient_id={patient}", C.VIEW_CLINICAL),
    Route("api-1:get_record", "/api/v1/consent/records/{record}", C.VIEW_CLINICAL),
    Route("api-1:consent_signature", "/api/v1/consent/records/{record}/signature", C.VIEW_CLINICAL),
    Route(
        "api-1:list_photo_consents",
        "/api/v1/consent/photo-consents?patient_id={patient}",
        C.VIEW_CLINICAL,
    ),
    Route("api-1:list_photos", "/api/v1/photos?patient_id={patient}", C.VIEW_PHOTOS),
    Route("api-1:get_photo", "/api/v1/photos/{photo}", C.VIEW_PHOTOS),
    Route("api-1:photo_file", "/api/v1/photos/{photo}/file", C.VIEW_PHOTOS),
    Route(
        "api-1:availability_get",
        "/api/v1/availability?service=matrix&site={site}&from=2027-01-11&to=2027-01-12",
        C.BOOK,
    ),
    Route("api-1:appointment_list_get", "/api/v1/appointments", C.BOOK, site_scoped=False),
    Route("api-1:appointment_get", "/api/v1/appointments/{appointment}", C.BOOK),
    Route("api-1:service_list_get", "/api/v1/services", C.BOOK, site_scoped=False),
    Route("api-1:practitioner_list_get", "/api/v1/practitioners", C.BOOK, site_scoped=False),
    Route("api-1:enquiry_list_get", "/api/v1/enquiries", C.HANDLE_ENQUIRIES, site_scoped=False),
    Route("api-1:enquiry_get", "/api/v1/enquiries/{enquiry}", C.HANDLE_ENQUIRIES),
    Route("api-1:hours_get", "/api/v1/practitioners/{practitioner}/hours?site={site}", C.BOOK),
]

# Routes outside the matrix, each with the reason.
NOT_IN_MATRIX = {
    "index": "public home page",
    "public:start": "public self-assessment, no sign-in (public/tests)",
    "public:answer": "public answer to a signed self-assessment token (public/tests)",
    "public:info_list": "public information pages (public/tests)",
    "public:info_detail": "public information page (public/tests)",
    "health": "public probe for load balancers",
    "favicon": "public redirect to the icon among the static files",
    "ready": "public probe for load balancers (ops tests)",
    "accounts:login": "where anonymous users are sent",
    "enquiry:form": "the public enquiry form, no sign-in (enquiries tests)",
    "enquiry:sent": "the public thank-you page after an enquiry (enquiries tests)",
    "accounts:logout": "POST only; ends the caller's own session",
    "accounts:mfa": "reached before the second factor by design",
    "accounts:token_revoke": "POST only; acts on the caller's own tokens (accounts tests)",
    "accounts:session_end": "POST only; acts on the caller's own sessions (accounts tests)",
    "scheduling:home": "redirect to today's page of the user's first site (scheduling tests)",
    "scheduling:jump": "redirect to the date typed, site checked first (scheduling tests)",
    "api-1:openapi-json": "public API description",
    "api-1:openapi-view": "public API documentation",
    "api-1:api-root": "no operation",
    "api-1:preview": "pure computation, stores nothing (plans tests)",
    # Writes through the API: refusals are covered per app; the persona loop below checks the
    # read side. Listed so that a new write operation is still noticed.
    "api-1:create_patient": "write: patients API tests",
    "api-1:update_patient": "write: patients API tests",
    "api-1:consultation_create": "write: consultations API tests",
    "api-1:consultation_update": "write: consultations API tests",
    "api-1:plan_generate": "write: consultations API tests",
    "api-1:plan_edit": "write: consultations API tests",
    "api-1:publish_template": "write: consent API tests",
    "api-1:sign": "write: consent API tests",
    "api-1:record_photo_consent": "write: consent API tests",
    "api-1:withdraw_photo_consent": "write: consent API tests",
    "api-1:upload": "write: photos API tests",
    "api-1:appointment_book": "write: scheduling API tests",
    "api-1:appointment_reschedule": "write: scheduling API tests",
    "api-1:appointment_cancel": "write: scheduling API tests",
    "api-1:course_book": "write: scheduling API tests",
    "api-1:hours_set": "write (managers): scheduling API tests, refusals included",
    "api-1:exception_add": "write (managers): scheduling API tests, refusals included",
    "api-1:exception_remove": "DELETE (managers): scheduling API tests",
}

PERSONAS = ("manager_a", "practitioner_a", "receptionist_a")


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 170, 150)).save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def world(
    settings: Settings,
    tmp_path: Path,
    site_a: Site,
    manager_a: User,
    practitioner_a: User,
    receptionist_a: User,
    patient_a: Patient,
) -> dict[str, int]:
    """Site A's records: one of each object a route can reach."""
    settings.MEDIA_ROOT = str(tmp_path)
    with acting_as(practitioner_a):
        consultation = consultation_create(
            patient_id=patient_a.pk,
            actor=practitioner_a,
            held_at=timezone.now(),
            history=History(concerns=[{"concern": "skin_quality", "zones": ["cheeks"]}]),
        )
        plan = plan_generate(consultation_id=consultation.pk, actor=practitioner_a)
        template: ConsentTemplate = consent_template_publish(
            actor=manager_a, treatment="mesotherapy_face", title="Face", body="Risks..."
        )
        record = consent_record_sign(
            actor=practitioner_a,
            patient_id=patient_a.pk,
            template_id=template.pk,
            signed_name="Alice Anderson",
            method="drawn",
            signature=drawn_signature(),
            confirmed=True,
        )
        photo_consent = photo_consent_record(
            actor=practitioner_a,
            patient_id=patient_a.pk,
            clinical_record=True,
            teaching=False,
            marketing=False,
        )
        photo = photo_upload(
            actor=practitioner_a,
            patient_id=patient_a.pk,
            angle="front",
            taken_on=dt.date(2026, 11, 1),
            upload=io.BytesIO(_jpeg()),
            filename="front.jpg",
        )
        service = Service.objects.create(
            code="matrix",
            name="Matrix",
            patient_facing_name="Matrix",
            duration=dt.timedelta(minutes=30),
        )
        WorkingHours.objects.create(
            practitioner=practitioner_a,
            site=site_a,
            weekday=0,
            start=dt.time(9),
            end=dt.time(17),
        )
        room = Room.objects.create(site=site_a, name="Room 1", room_type="treatment")
        time_off = TimeOff.objects.create(
            site=site_a,
            practitioner=practitioner_a,
            kind=TimeOffKind.LEAVE,
            first_day=dt.date(2027, 2, 1),
            last_day=dt.date(2027, 2, 5),
        )
        appointment = appointment_book(
            actor=practitioner_a,
            patient_id=patient_a.pk,
            service_code=service.code,
            practitioner_id=practitioner_a.pk,
            start=dt.datetime(2027, 1, 11, 10, tzinfo=dt.UTC),
        )
        enquiry = enquiry_send(
            details=EnquiryDetails(
                site_id=site_a.pk,
                name="Jane Public",
                email="jane@example.org",
                consent_to_contact=True,
            )
        )
    return {
        "site": site_a.pk,
        "enquiry": enquiry.pk,
        "practitioner": practitioner_a.pk,
        "appointment": appointment.pk,
        "patient": patient_a.pk,
        "consultation": consultation.pk,
        "plan": plan.pk,
        "template": template.pk,
        "record": record.pk,
        "photo_consent": photo_consent.pk,
        "photo": photo.pk,
        "staff": receptionist_a.pk,
        "service": service.pk,
        "room": room.pk,
        "time_off": time_off.pk,
    }


@pytest.fixture
def manager_b(site_b: Site) -> User:
    return staff_create(
        username="bea_manager", password=PASSWORD, role=Role.MANAGER, sites=[site_b]
    )


def _expected(role: str, capability: Capability | None) -> int:
    if capability is None or capability in ROLE_CAPABILITIES[role]:
        return 200
    return 403


def _other_site_answers(role: str, capability: Capability | None) -> set[int]:
    """404 for anyone whose role could act; a role that never could may get 403 first.

    403 there reveals nothing: it is the same whether or not the record exists.
    """
    if capability is None or capability in ROLE_CAPABILITIES[role]:
        return {404}
    return {403, 404}


def _call(client: Client, route: Route, world: dict[str, int], **headers: str) -> int:
    """The status of one request; every signed-in or API answer must forbid caching."""
    path = route.path.format(**world)
    send: Callable[..., Any] = client.post if route.method == "POST" else client.get
    response = send(path, **headers)
    assert "no-store" in response.get("Cache-Control", ""), (path, response.status_code)
    return int(response.status_code)


@pytest.mark.parametrize("route", PAGES, ids=lambda r: r.name)
def test_pages_answer_each_persona_as_their_role_and_site_allow(
    route: Route,
    world: dict[str, int],
    request: pytest.FixtureRequest,
    practitioner_b: User,
    manager_b: User,
) -> None:
    anonymous = Client().generic(route.method, route.path.format(**world))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")

    for name in PERSONAS:
        user: User = request.getfixturevalue(name)
        expected = _expected(user.role, route.capability)
        if route.method == "POST" and expected == 200:
            continue  # a successful write is the app's own test
        assert _call(verified_client(user), route, world) == expected, name

    if route.site_scoped:
        # Site B's staff, whatever their role, cannot tell site A's records exist.
        for other in (practitioner_b, manager_b):
            answer = _call(verified_client(other), route, world)
            assert answer in _other_site_answers(other.role, route.capability), other.username
    if route.method == "POST":
        assert (
            verified_client(request.getfixturevalue("manager_a"))
            .get(route.path.format(**world))
            .status_code
            == 405
        )


@pytest.mark.parametrize("route", API, ids=lambda r: r.name)
def test_api_operations_answer_each_persona_as_their_role_and_site_allow(
    route: Route,
    world: dict[str, int],
    request: pytest.FixtureRequest,
    practitioner_b: User,
    manager_b: User,
) -> None:
    anonymous = Client().generic(route.method, route.path.format(**world))
    assert anonymous.status_code == 401
    assert "no-store" in anonymous["Cache-Control"]

    def bearer(user: User) -> dict[str, str]:
        _, token = api_token_create(user=user, name="matrix")
        return {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    for name in PERSONAS:
        user: User = request.getfixturevalue(name)
        expected = _expected(user.role, route.capability)
        if route.method == "POST" and expected == 200:
            continue
        assert _call(Client(), route, world, **bearer(user)) == expected, name

    if route.site_scoped:
        for other in (practitioner_b, manager_b):
            answer = _call(Client(), route, world, **bearer(other))
            assert answer in _other_site_answers(other.role, route.capability), other.username


def _route_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str = "") -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue  # Django's admin: superusers only, its own permission system
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns)
    return names


def test_it_classifies_every_route() -> None:
    classified = {r.name for r in PAGES} | {r.name for r in API} | set(NOT_IN_MATRIX)
    assert _route_names() - classified == set()
    assert classified - _route_names() == set()
