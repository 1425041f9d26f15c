"""Test data for consent and photos: signatures drawn with Pillow, templates, photo consent.

Built through the real services (with the acting user as audit actor), never raw rows.
"""

from __future__ import annotations

import base64
import io

from django.test import Client
from PIL import Image, ImageDraw

from mesoclinic.accounts.access import Capability, can
from mesoclinic.accounts.models import Role, User
from mesoclinic.accounts.services import staff_create
from mesoclinic.accounts.token_services import api_token_create
from mesoclinic.audit.context import acting_as
from mesoclinic.consent.models import ConsentRecord, ConsentTemplate, PhotoConsent
from mesoclinic.consent.services import (
    consent_record_sign,
    consent_template_publish,
    photo_consent_record,
)
from mesoclinic.patients.models import Patient

# Stored in every text field the apps keep; each page must show it escaped.
XSS_CORPUS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{7*7}}",
)
XSS_TEXT = " ".join(XSS_CORPUS)
# How the corpus looks once Django's autoescape has rendered it.
XSS_ESCAPED = (
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;",
    "javascript:alert(1)",
    "{{7*7}}",
)
FACE_TEXT = (
    "Mesotherapy of the face: what it is\n"
    "Fine needles place small amounts of product in the skin.\n\n"
    "Risks: bruising, swelling, infection (rare)."
)


def png_data_url(image: Image.Image) -> str:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def drawn_signature(width: int = 600, height: int = 200, *, ink: bool = True) -> str:
    """A signature pad's output: transparent canvas, a dark scribble across it."""
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    if ink:
        draw = ImageDraw.Draw(image)
        points = [(int(width * x / 10), int(height * (0.3 + 0.4 * (x % 2)))) for x in range(1, 9)]
        draw.line(points, fill=(17, 17, 17, 255), width=3, joint="curve")
    return png_data_url(image)


def publish(
    member: User,
    *,
    treatment: str = "mesotherapy_face",
    title: str = "Mesotherapy of the face",
    body: str = FACE_TEXT,
) -> ConsentTemplate:
    """Publish a version as ``member``'s clinic does: by ``member`` if they may publish,
    else by a manager of ``member``'s first site (made on first use)."""
    actor = member if can(member, Capability.PUBLISH_CONSENT) else clinic_manager(member)
    with acting_as(actor):
        return consent_template_publish(actor=actor, treatment=treatment, title=title, body=body)


def clinic_manager(member: User) -> User:
    site = member.sites.order_by("id").first()
    assert site is not None, f"{member} works at no site"
    manager = User.objects.filter(role=Role.MANAGER, sites=site, is_active=True).first()
    return manager or staff_create(
        username=f"publisher_{site.code}",
        password="publishing manager passphrase 7",  # noqa: S106 - test data
        role=Role.MANAGER,
        sites=[site],
    )


def sign(
    actor: User,
    patient: Patient,
    template: ConsentTemplate,
    *,
    drawn: bool = True,
    name: str = "Alice Anderson",
) -> ConsentRecord:
    with acting_as(actor, ip="192.0.2.10"):
        return consent_record_sign(
            actor=actor,
            patient_id=patient.pk,
            template_id=template.pk,
            signed_name=name,
            method="drawn" if drawn else "typed",
            signature=drawn_signature() if drawn else "",
            confirmed=True,
            # Tests sign under names of their own (markup, other patients' names).
            name_checked=True,
        )


def give_photo_consent(
    actor: User,
    patient: Patient,
    *,
    clinical_record: bool = True,
    teaching: bool = False,
    marketing: bool = False,
) -> PhotoConsent:
    with acting_as(actor):
        return photo_consent_record(
            actor=actor,
            patient_id=patient.pk,
            clinical_record=clinical_record,
            teaching=teaching,
            marketing=marketing,
        )


def api_client(user: User) -> Client:
    """A client that calls the API with a fresh bearer token of ``user``."""
    with acting_as(user):
        _, raw = api_token_create(user=user, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
