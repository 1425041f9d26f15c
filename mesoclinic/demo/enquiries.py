"""The demo clinic's enquiries: a few per site in every status, made through the services.

Sent as the public form sends them (no actor), then handled by the site's reception: one
marked contacted, one closed, one converted into a new patient (whose new consultation form
then offers the enquiry's answers). Names and numbers are fictional (Ofcom's drama range).
"""

from __future__ import annotations

import datetime as dt

from mesoclinic.accounts.models import Site, User
from mesoclinic.audit.context import acting_as
from mesoclinic.enquiries.models import Enquiry
from mesoclinic.enquiries.services import (
    EnquiryDetails,
    enquiry_close,
    enquiry_convert_new,
    enquiry_mark_contacted,
    enquiry_send,
)
from mesoclinic.patients.services import PatientDetails
from mesoclinic.planning.model import NeedleFear
from mesoclinic.public.answers import Answers

_PEOPLE = (
    # name, phone, email, answers, message
    (
        "Harriet Lowe",
        "07700 900811",
        "harriet.lowe@example.org",
        Answers(age=38, concerns=("hair_loss",), zones=("scalp",)),
        "My hair has been thinning at the parting for a year.",
    ),
    (
        "Samira Haddad",
        "",
        "samira.haddad@example.org",
        Answers(
            age=45,
            concerns=("fine_lines", "skin_quality"),
            zones=("periorbital_lateral", "cheeks"),
            needle_fear=NeedleFear.MILD,
        ),
        "",
    ),
    ("Tom Ellery", "07700 900822", "", None, "Do you do evening appointments?"),
    (
        "Grace O'Neill",
        "07700 900833",
        "grace.oneill@example.org",
        Answers(age=52, concerns=("pigmentation",), zones=("cheeks",), blood_thinners=True),
        "",
    ),
    (
        "Priya Raman",
        "07700 900844",
        "",
        Answers(age=29, concerns=("acne_scarring",), zones=("cheeks",)),
        "Please call after 5pm.",
    ),
)


def enquiries_seed(*, site: Site, reception: User) -> list[Enquiry]:
    """Five enquiries at ``site``: two new, one contacted, one closed, one converted."""
    sent = []
    for name, phone, email, answers, message in _PEOPLE:
        with acting_as(None):
            sent.append(
                enquiry_send(
                    details=EnquiryDetails(
                        site_id=site.pk,
                        name=name,
                        email=email,
                        phone=_e164(phone),
                        preferred_times=["weekday_evening"] if "5pm" in message else [],
                        message=message,
                        consent_to_contact=True,
                        answers=answers,
                    )
                )
            )
    with acting_as(reception):
        enquiry_mark_contacted(
            actor=reception, enquiry=sent[2], note="Called, no answer; left a voicemail."
        )
        enquiry_close(actor=reception, enquiry=sent[3], reason="Booked at another clinic.")
        enquiry_convert_new(
            actor=reception,
            enquiry=sent[4],
            details=PatientDetails(
                given_name="Priya",
                family_name="Raman",
                date_of_birth=dt.date(1997, 6, 12),
                phone=sent[4].phone,
            ),
            confirm_duplicate=True,
        )
    return sent


def _e164(phone: str) -> str:
    return "+44" + phone.replace(" ", "")[1:] if phone else ""
