"""A demo clinic to click through: two sites, staff of every role, 50 patients with records,
and a diary at each site (``demo.diary``).

Everything is made through the same services the pages use, acting as the staff member who
would do it, so the demo's audit trail, plans and consents look like a real clinic's. The data
is deterministic (a fixed random seed): every demo looks the same, the diary's dates counted
from the day it is made. For development machines only (``mesoclinic demo`` refuses to run
without DEBUG).
"""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image, ImageDraw

from mesoclinic.accounts.models import Role, Site, User
from mesoclinic.accounts.services import site_create, staff_create
from mesoclinic.audit.context import acting_as
from mesoclinic.consent.models import ConsentTemplate, Treatment
from mesoclinic.consent.services import (
    consent_record_sign,
    consent_template_publish,
    photo_consent_record,
)
from mesoclinic.consultations.models import Consultation
from mesoclinic.consultations.services import History, consultation_complete, consultation_create
from mesoclinic.demo.diary import DiaryTeam, diary_seed
from mesoclinic.demo.enquiries import enquiries_seed
from mesoclinic.patients.models import Patient
from mesoclinic.patients.services import PatientDetails, patient_create
from mesoclinic.photos.services import photo_upload
from mesoclinic.plans.models import StoredPlan
from mesoclinic.plans.services import plan_edit, plan_generate, plan_sign

GIVEN = [
    "Amelia", "Olivia", "Isla", "Ava", "Mia", "Sophia", "Grace", "Lily", "Freya", "Emily",
    "Priya", "Aisha", "Zara", "Chloe", "Ella", "Noah", "Oliver", "George", "Arthur", "Leo",
    "Harry", "Jack", "Mohammed", "Ravi", "Daniel",
]  # fmt: skip
FAMILY = [
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel",
    "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall",
    "Khan", "Clarke", "Okafor", "Nowak", "Murphy", "Hughes", "Edwards",
]  # fmt: skip

# Concern requests a clinic sees, with the history that goes with them.
SCENARIOS: list[dict[str, Any]] = [
    {"concerns": [{"concern": "skin_quality", "zones": ["cheeks", "forehead"]}]},
    {"concerns": [{"concern": "pigmentation", "zones": ["cheeks", "forehead"]}], "weight": 62},
    {"concerns": [{"concern": "hair_loss", "zones": ["scalp"]}], "weight": 78},
    {"concerns": [{"concern": "fine_lines", "zones": ["periorbital_lateral", "forehead"]}]},
    {"concerns": [{"concern": "localised_fat", "zones": ["submental"]}], "weight": 70},
    {
        "concerns": [{"concern": "laxity", "zones": ["cheeks", "jawline"]}],
        "medications": ["anticoagulant"],
    },
    {
        "concerns": [{"concern": "pigmentation", "zones": ["cheeks"]}],
        "conditions": ["thromboembolism_history"],
        "needle_fear": "mild",
    },
    {"concerns": [{"concern": "cellulite", "zones": ["buttocks", "thighs"]}]},
    {
        "concerns": [{"concern": "skin_quality", "zones": ["neck", "decolletage"]}],
        "allergies": ["polynucleotides"],
    },
    {"concerns": [{"concern": "detox", "zones": ["abdomen"]}], "needle_fear": "severe"},
]

CONSENT_TEXT = {
    Treatment.MESOTHERAPY_FACE: (
        "Mesotherapy of the face",
        "I understand that mesotherapy places small amounts of a substance into the skin "
        "with fine needles.\nCommon effects: redness, swelling, bruising and tenderness for "
        "a few days.\nRare risks: infection, lumps, pigment change, allergic reaction.\nThe "
        "evidence for each substance planned for me, and the alternatives, were explained.",
    ),
    Treatment.MESOTHERAPY_SCALP: (
        "Mesotherapy of the scalp",
        "I understand that scalp mesotherapy uses repeated fine-needle injections.\nPain at "
        "injection is common; headache and bruising can occur.\nResults vary and need a "
        "course of sessions and reviews.",
    ),
    Treatment.DEOXYCHOLIC_ACID_SUBMENTAL: (
        "Deoxycholic acid under the chin",
        "I understand that deoxycholic acid destroys fat cells under the chin.\nSwelling, "
        "bruising, pain and numbness are common; rare risks include nerve injury causing an "
        "uneven smile, difficulty swallowing, and skin ulceration.",
    ),
}


@dataclass(frozen=True)
class DemoStaff:
    username: str
    role: str
    site: str
    note: str


def demo_clinic_seed(*, password: str) -> list[DemoStaff]:
    """Create the demo clinic once; later calls only reset the staff passwords.

    Returns the staff to print. Cost: a few seconds on first run (50 patients, ~40 plans, ~150
    appointments).
    """
    if Site.objects.filter(code="marylebone").exists():
        staff = list(User.objects.filter(username__contains=".").order_by("username"))
        for user in staff:
            user.set_password(password)
            user.save(update_fields=["password"])
        return [_described(user) for user in staff]
    with transaction.atomic():
        return _seed(password)


def _seed(password: str) -> list[DemoStaff]:
    rng = random.Random(20261125)  # noqa: S311 - demo data, not security
    marylebone = site_create(name="Marylebone Skin Clinic", code="marylebone")
    leeds = site_create(name="Leeds Skin Clinic", code="leeds")
    team: dict[str, list[User]] = {}
    for site, prefix in ((marylebone, "mary"), (leeds, "leeds")):
        team[site.code] = [
            _staff(f"{prefix}.manager", Role.MANAGER, site, password, "Manager"),
            _staff(
                f"{prefix}.doctor",
                Role.PRACTITIONER,
                site,
                password,
                "Doctor",
                prescriber=True,
            ),
            _staff(f"{prefix}.nurse", Role.PRACTITIONER, site, password, "Nurse"),
            _staff(f"{prefix}.reception", Role.RECEPTIONIST, site, password, "Receptionist"),
        ]
    for user in User.objects.filter(username__contains="."):
        # Confirmed in advance so that `mesoclinic demo_code USER` can give the code.
        TOTPDevice.objects.create(user=user, name="demo", confirmed=True)

    manager = team["marylebone"][0]
    with acting_as(manager):  # managers publish consent wording
        for treatment, (title, body) in CONSENT_TEXT.items():
            consent_template_publish(actor=manager, treatment=treatment, title=title, body=body)

    today = timezone.localdate()
    consulted = 0
    for index in range(50):
        site = marylebone if index % 2 == 0 else leeds
        reception, practitioner = team[site.code][3], team[site.code][1 + index % 3 // 2]
        with acting_as(reception):
            patient = _patient(rng, reception, site)
        if index % 5 == 4:
            continue  # some patients are only registered: an enquiry, no consultation yet
        with acting_as(practitioner):
            _clinical_record(rng, patient, practitioner, team[site.code][1], consulted, today)
        consulted += 1
    for site in (marylebone, leeds):
        manager, doctor, nurse, reception = team[site.code]
        diary_seed(
            site=site,
            team=DiaryTeam(manager=manager, reception=reception, doctor=doctor, nurse=nurse),
            rng=rng,
            saturdays=site is leeds,  # Leeds opens on Saturday mornings
        )
        enquiries_seed(site=site, reception=reception)
    return [_described(u) for u in User.objects.filter(username__contains=".")]


def _staff(
    username: str, role: Role, site: Site, password: str, first: str, *, prescriber: bool = False
) -> User:
    return staff_create(
        username=username,
        password=password,
        role=role,
        sites=[site],
        first_name=first,
        last_name=site.name.split()[0],
        is_prescriber=prescriber,
        registration_number="GMC 7012345" if prescriber else "",
    )


def _patient(rng: random.Random, actor: User, site: Site) -> Patient:
    given, family = rng.choice(GIVEN), rng.choice(FAMILY)
    born = dt.date(rng.randint(1958, 2004), rng.randint(1, 12), rng.randint(1, 28))
    details = PatientDetails(
        given_name=given,
        family_name=family,
        date_of_birth=born,
        sex="male" if given in {"Noah", "Oliver", "George", "Arthur", "Leo", "Harry"} else "female",
        email=f"{given}.{family}@example.org".lower(),
        phone=f"07700 900{rng.randint(100, 999)}",
    )
    return patient_create(actor=actor, site_id=site.pk, details=details, confirm_duplicate=True)


def _clinical_record(
    rng: random.Random,
    patient: Patient,
    practitioner: User,
    prescriber: User,
    index: int,
    today: dt.date,
) -> None:
    scenario = SCENARIOS[index % len(SCENARIOS)]
    weight = scenario.get("weight")
    history = History(
        conditions=scenario.get("conditions", []),
        medications=scenario.get("medications", []),
        allergies=scenario.get("allergies", []),
        childbearing_potential=False if patient.sex == "male" else None,
        weight_kg=Decimal(weight) if weight else None,
        needle_fear=scenario.get("needle_fear", "none"),
        notes="Seen for an initial consultation. Expectations and alternatives discussed.",
        concerns=scenario["concerns"],
    )
    held_at = timezone.now() - dt.timedelta(days=rng.randint(3, 120), hours=rng.randint(0, 6))
    consultation: Consultation = consultation_create(
        patient_id=patient.pk, actor=practitioner, held_at=held_at, history=history
    )
    plan: StoredPlan = plan_generate(
        consultation_id=consultation.pk,
        actor=practitioner,
        start_date=held_at.date() + dt.timedelta(days=7),
    )
    if index % 4 == 0 and plan.current.get("areas"):
        plan_edit(
            plan_id=plan.pk,
            path="areas[0].points",
            value=40,
            reason="Treated area measured at the consultation: 40 points at 1 cm.",
            actor=practitioner,
        )
    if index % 3 != 2:
        if plan.awaits_prescriber:
            # The site's doctor reviews and signs what a nurse drafted (or their own plan).
            with acting_as(prescriber):
                plan_sign(actor=prescriber, plan_id=plan.pk)
        consultation_complete(consultation_id=consultation.pk, actor=practitioner)
        _consents(patient, practitioner, scenario)
        if index % 6 == 0:
            _photos(patient, practitioner, held_at.date(), today)


def _consents(patient: Patient, practitioner: User, scenario: dict[str, Any]) -> None:
    concern = scenario["concerns"][0]["concern"]
    treatment = {
        "hair_loss": Treatment.MESOTHERAPY_SCALP,
        "localised_fat": Treatment.DEOXYCHOLIC_ACID_SUBMENTAL,
    }.get(concern, Treatment.MESOTHERAPY_FACE)
    template = ConsentTemplate.objects.get(treatment=treatment, is_current=True)
    consent_record_sign(
        actor=practitioner,
        patient_id=patient.pk,
        template_id=template.pk,
        signed_name=f"{patient.given_name} {patient.family_name}",
        method="typed",
        signature="",
        confirmed=True,
    )
    photo_consent_record(
        actor=practitioner,
        patient_id=patient.pk,
        clinical_record=True,
        teaching=False,
        marketing=False,
    )


def _photos(patient: Patient, practitioner: User, first: dt.date, today: dt.date) -> None:
    for taken_on, shade in ((first, 150), (min(today, first + dt.timedelta(days=56)), 205)):
        photo_upload(
            actor=practitioner,
            patient_id=patient.pk,
            angle="front",
            taken_on=taken_on,
            upload=io.BytesIO(_portrait(shade)),
            filename="front.jpg",
        )


def _portrait(shade: int) -> bytes:
    """A plain drawn placeholder face: the demo ships no photographs of real people."""
    image = Image.new("RGB", (600, 800), (236, 240, 244))
    draw = ImageDraw.Draw(image)
    draw.ellipse((150, 140, 450, 560), fill=(shade + 30, shade, shade - 30))
    draw.ellipse((220, 290, 260, 320), fill=(60, 60, 60))
    draw.ellipse((340, 290, 380, 320), fill=(60, 60, 60))
    draw.arc((240, 400, 360, 470), start=20, end=160, fill=(120, 60, 60), width=6)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def _described(user: User) -> DemoStaff:
    site = ", ".join(s.name for s in user.sites.all())
    role = dict(Role.choices)[user.role]
    note = "prescriber" if user.is_prescriber else ""
    return DemoStaff(user.username, role, site, note)
