"""The public enquiry form and reception's action forms.

The public form keeps every typed value when it is shown again, and names the field and the
value in each message. Two guards against scripts instead of a third-party captcha: a
honeypot field people never see (``website``: hidden from sight and from assistive technology,
left empty by people, filled by form-filling robots), and the moment the form was shown,
signed into it (``started``), so a form sent faster than a person could fill it is asked again.
"""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing

from mesoclinic.accounts.models import Site
from mesoclinic.core.forms import NamedErrorsMixin
from mesoclinic.enquiries.models import MESSAGE_MAX, NAME_MAX, PreferredTime
from mesoclinic.enquiries.phone import NotAPhoneNumber, phone_to_e164
from mesoclinic.enquiries.services import EnquiryDetails
from mesoclinic.public.answers import Answers, AnswersInvalid, answers_load

STARTED_SALT = "mesoclinic.enquiries.started"
# A form shown more than this long ago is still accepted: people leave a tab open overnight.
STARTED_MAX_AGE = 7 * 24 * 60 * 60


def started_token(now: float | None = None) -> str:
    return signing.dumps(int(now if now is not None else time.time()), salt=STARTED_SALT)


def seconds_since(token: str, now: float | None = None) -> float | None:
    """Seconds since the form was shown; None for a missing, forged or very old token."""
    try:
        started = signing.loads(token, salt=STARTED_SALT, max_age=STARTED_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(started, int):
        return None
    return (now if now is not None else time.time()) - started


class EnquiryForm(NamedErrorsMixin, forms.Form):
    name = forms.CharField(
        label="Your name",
        max_length=NAME_MAX,
        help_text="As you would like the clinic to address you.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="Email",
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label="Phone",
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "type": "tel"}),
    )
    site = forms.TypedChoiceField(
        label="Clinic",
        help_text="The clinic you would like to visit.",
        coerce=int,
        error_messages={"required": "choose the clinic you would like to visit."},
    )
    preferred_times = forms.MultipleChoiceField(
        label="When can the clinic call you?",
        required=False,
        choices=PreferredTime.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    message = forms.CharField(
        label="Anything you would like to tell or ask the clinic",
        required=False,
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    consent_to_contact = forms.BooleanField(
        label=(
            "I agree that the clinic may contact me by the email or phone number above "
            "about this enquiry."
        ),
        error_messages={"required": "tick the box so that the clinic may contact you."},
    )
    answers = forms.CharField(required=False, widget=forms.HiddenInput)
    attach_answers = forms.BooleanField(
        label="Attach my answers to this enquiry", required=False, initial=True
    )
    started = forms.CharField(required=False, widget=forms.HiddenInput)
    # The honeypot: see the module docstring. Its label says what to do if it is ever seen.
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: Any, sites: list[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        site = self.fields["site"]
        assert isinstance(site, forms.TypedChoiceField)  # noqa: S101 - declared above
        choices = [(str(s.pk), s.name) for s in sites]
        site.choices = choices if len(choices) == 1 else [("", "Choose a clinic"), *choices]

    def clean_phone(self) -> str:
        typed = str(self.cleaned_data.get("phone") or "").strip()
        if not typed:
            return ""
        try:
            return phone_to_e164(typed)
        except NotAPhoneNumber:
            raise forms.ValidationError(
                f"“{typed}” is not a phone number the clinic can call; type it as "
                "07700 900123, or with the country code, +44 7700 900123."
            ) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        unreachable = not data.get("email") and not data.get("phone")
        if unreachable and not self.has_error("email") and not self.has_error("phone"):
            self.add_error(
                "email",
                "give an email address or a phone number (or both), so the clinic can reach you.",
            )
        return data

    def attached_answers(self) -> Answers | None:
        """The answers to attach: from the token, unless the person removed them. A token
        that no longer loads (expired, edited) is dropped, and ``answers_dropped`` says so."""
        token = str(
            self.data.get("answers", "") if self.is_bound else self.initial.get("answers", "")
        )
        self.answers_dropped = False
        if not token:
            return None
        try:
            answers = answers_load(token)
        except AnswersInvalid:
            self.answers_dropped = True
            return None
        return answers

    def details(self, answers: Answers | None) -> EnquiryDetails:
        data = self.cleaned_data
        return EnquiryDetails(
            site_id=int(data["site"]),
            name=data["name"].strip(),
            email=data["email"],
            phone=data["phone"],
            preferred_times=list(data["preferred_times"]),
            message=data["message"].strip(),
            consent_to_contact=bool(data["consent_to_contact"]),
            answers=answers if data.get("attach_answers") else None,
        )

    def is_robot(self) -> bool:
        """The honeypot was filled in: answer as if sent, store nothing."""
        return bool(str(self.data.get("website", "")).strip())

    def sent_too_fast(self) -> bool:
        """Sent sooner than ``ENQUIRY_MIN_FILL_SECONDS`` after the form was shown, or with no
        valid record of when that was."""
        elapsed = seconds_since(str(self.data.get("started", "")))
        return elapsed is None or elapsed < settings.ENQUIRY_MIN_FILL_SECONDS


class NoteForm(NamedErrorsMixin, forms.Form):
    """Mark contacted: what was said or left."""

    note = forms.CharField(
        label="What was said",
        max_length=MESSAGE_MAX,
        help_text="What you said or left (e.g. “Left a voicemail, will call back Tuesday”).",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    status = forms.CharField(widget=forms.HiddenInput)


class CloseForm(NamedErrorsMixin, forms.Form):
    """Close: why."""

    reason = forms.CharField(
        label="Why close it",
        max_length=MESSAGE_MAX,
        help_text="E.g. “No answer after three calls”, “Booked elsewhere”, “Duplicate of 12”.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    status = forms.CharField(widget=forms.HiddenInput)
