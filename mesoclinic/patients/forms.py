"""HTML input for patients: parse and check the shape of what staff type.

Rules about values (date of birth in range, duplicates, the site being the user's) live in
``patients.services``; the views copy their ``Invalid`` errors onto these forms.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms

from mesoclinic.accounts.models import Site
from mesoclinic.patients.fields import (
    AccessibleForm,
    ChoiceField,
    DayField,
    EmailField,
    NoteField,
    PhoneField,
    TextField,
)
from mesoclinic.patients.models import Patient, Sex
from mesoclinic.patients.services import PatientDetails


class PatientForm(AccessibleForm):
    """The details of a patient; the registration form adds the site and the duplicate check."""

    given_name = TextField(
        label="Given name",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    family_name = TextField(
        label="Family name",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    date_of_birth = DayField(
        label="Date of birth",
        help_text="dd/mm/yyyy, for example 14/03/1984",
        # A text box, not type=date: what was typed is shown back as typed, even when wrong.
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    sex = ChoiceField(
        label="Sex",
        required=False,
        choices=[(Sex.UNKNOWN.value, Sex.UNKNOWN.label)]
        + [(s.value, s.label) for s in Sex if s != Sex.UNKNOWN],
    )
    phone = PhoneField(
        label="Phone",
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    email = EmailField(
        label="Email",
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    address = NoteField(label="Address", required=False, max_length=1000)

    @classmethod
    def for_patient(cls, patient: Patient, **kwargs: Any) -> PatientForm:
        """The form filled in with ``patient``'s details, as staff would type them."""
        initial = {
            "given_name": patient.given_name,
            "family_name": patient.family_name,
            "date_of_birth": f"{patient.date_of_birth:%d/%m/%Y}",
            "sex": patient.sex,
            "phone": patient.phone,
            "email": patient.email,
            "address": patient.address,
        }
        return cls(initial=initial, **kwargs)

    def details(self) -> PatientDetails:
        """The cleaned details; call after ``is_valid()`` returned True."""
        data = self.cleaned_data
        return PatientDetails(
            given_name=data["given_name"],
            family_name=data["family_name"],
            date_of_birth=data["date_of_birth"],
            sex=data["sex"],
            email=data["email"],
            phone=data["phone"],
            address=data["address"],
        )


class SiteField(ChoiceField):
    """Offers the user's sites, and passes any site number on.

    Whether the site is one of the user's is the service's rule (``patient_create``), which
    refuses and audits another site's number; the form only checks that it is a number.
    """

    def valid_value(self, value: Any) -> bool:
        text = str(value)
        return text.isascii() and text.isdigit() and len(text) <= 18


class PatientCreateForm(PatientForm):
    """Registration: the details, the site (one of the user's), and "register anyway"."""

    site = SiteField(label="Site")
    confirm_duplicate = forms.BooleanField(
        label="Register anyway: I have checked that this is a different person",
        required=False,
    )

    def __init__(self, *args: Any, sites: Iterable[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["site"])
        choices = [(str(site.pk), site.name) for site in sites]
        site_field = cast(forms.ChoiceField, self.fields["site"])
        site_field.choices = choices
        if len(choices) == 1:
            site_field.initial = choices[0][0]

    def site_id(self) -> int:
        return int(self.cleaned_data["site"])
