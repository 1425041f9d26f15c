"""Shared values for the enquiries tests."""

from __future__ import annotations

import time
from typing import Any

from mesoclinic.accounts.models import Site
from mesoclinic.enquiries.forms import started_token
from mesoclinic.enquiries.models import Enquiry
from mesoclinic.enquiries.services import EnquiryDetails, enquiry_send
from mesoclinic.public.answers import Answers, answers_sign

HAIR_AND_LINES = Answers(
    age=42,
    concerns=("hair_loss", "fine_lines"),
    zones=("scalp", "periorbital_lateral"),
    blood_thinners=True,
)


def token(answers: Answers = HAIR_AND_LINES) -> str:
    return answers_sign(answers)


def form_data(site: Site, **changes: Any) -> dict[str, Any]:
    """What a person types into the public form, shown a minute ago."""
    data: dict[str, Any] = {
        "name": "Jane Q Public",
        "email": "jane@example.org",
        "phone": "07700 900456",
        "site": str(site.pk),
        "preferred_times": ["weekday_morning"],
        "message": "Is this right for thinning hair?",
        "consent_to_contact": "on",
        "started": started_token(time.time() - 60),
        "website": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def sent(site: Site, *, answers: Answers | None = HAIR_AND_LINES, **changes: Any) -> Enquiry:
    """An enquiry as the public form stores it."""
    fields: dict[str, Any] = {
        "site_id": site.pk,
        "name": "Jane Q Public",
        "email": "jane@example.org",
        "phone": "+447700900456",
        "consent_to_contact": True,
        "answers": answers,
    }
    fields.update(changes)
    return enquiry_send(details=EnquiryDetails(**fields))
