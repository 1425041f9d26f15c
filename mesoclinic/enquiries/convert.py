"""Convert an enquiry into a patient: link one the clinic already has, or register one.

The candidates are the patients of the enquiry's site that the patient search would find by
the enquiry's name or phone (``selectors.enquiry_candidates``); registering runs
``patients.services.patient_create`` with its own duplicate check (same name and date of birth,
or same phone), which needs the date of birth an enquiry does not carry: the form asks for it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from mesoclinic.core.forms import error_summary, form_attempt
from mesoclinic.core.http import staff
from mesoclinic.enquiries.errors import EnquiryMoved
from mesoclinic.enquiries.models import Enquiry
from mesoclinic.enquiries.phone import phone_shown
from mesoclinic.enquiries.selectors import enquiry_candidates, enquiry_get_for_user
from mesoclinic.enquiries.services import enquiry_convert_link, enquiry_convert_new
from mesoclinic.patients.errors import PossibleDuplicate
from mesoclinic.patients.forms import PatientForm
from mesoclinic.patients.models import Patient


def split_name(name: str) -> tuple[str, str]:
    """(given names, family name) as typed: the last word is the family name.

    "Mary Jane Smith" -> ("Mary Jane", "Smith"); one word is a given name only, and the form
    asks for the family name. Reception corrects the rest ("Anna de la Cruz") on the form.
    """
    words = name.split()
    if len(words) < 2:
        return (" ".join(words), "")
    return (" ".join(words[:-1]), words[-1])


class LinkForm(forms.Form):
    patient = forms.TypedChoiceField(
        label="This is an existing patient", coerce=int, widget=forms.RadioSelect
    )
    status = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, candidates: list[Patient], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["patient"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101 - declared above
        field.choices = [
            (
                str(p.pk),
                f"{p.given_name} {p.family_name}, born {p.date_of_birth:%d/%m/%Y}"
                + (f", {p.phone}" if p.phone else ""),
            )
            for p in candidates
        ]


class NewPatientForm(PatientForm):
    confirm_duplicate = forms.BooleanField(
        label="Register anyway: I have checked that this is a different person", required=False
    )
    status = forms.CharField(widget=forms.HiddenInput)

    @classmethod
    def from_enquiry(cls, enquiry: Enquiry) -> NewPatientForm:
        given, family = split_name(enquiry.name)
        initial = {
            "given_name": given,
            "family_name": family,
            "email": enquiry.email,
            # As reception reads it out; the patient's phone search reads +44 and 0 alike.
            "phone": phone_shown(enquiry.phone) if enquiry.phone else "",
            "status": enquiry.status,
        }
        return cls(initial=initial, auto_id="new_%s")


@login_required
@require_http_methods(["GET", "POST"])
def convert_view(request: HttpRequest, enquiry_id: int) -> HttpResponse:
    """Candidates and the two ways to convert. Audited: the enquiry read (VIEW), the
    candidates shown (SEARCH), the conversion (the enquiry's UPDATE, a patient's CREATE)."""
    user = staff(request)
    enquiry = enquiry_get_for_user(user, enquiry_id)
    if not enquiry.is_open:
        raise EnquiryMoved(expected="open", now=enquiry.status)
    candidates = enquiry_candidates(user, enquiry)
    link_form = LinkForm(
        initial={"status": enquiry.status}, candidates=candidates, auto_id="link_%s"
    )
    new_form = NewPatientForm.from_enquiry(enquiry)
    duplicates: list[Patient] = []
    status = 200
    if request.method == "POST" and request.POST.get("action") == "link":
        link_form = LinkForm(request.POST, candidates=candidates, auto_id="link_%s")
        status = 422
        if link_form.is_valid():
            chosen = next(p for p in candidates if p.pk == link_form.cleaned_data["patient"])
            done, status = form_attempt(
                link_form,
                lambda: enquiry_convert_link(
                    actor=user,
                    enquiry=enquiry,
                    patient=chosen,
                    expected_status=link_form.cleaned_data["status"],
                ),
            )
            if done is not None:
                messages.success(request, f"Enquiry {enquiry.pk} linked to {chosen}.")
                return redirect("patients:detail", patient_id=chosen.pk)
    elif request.method == "POST":
        new_form = NewPatientForm(request.POST, auto_id="new_%s")
        status = 422
        if new_form.is_valid():
            try:
                result, status = form_attempt(
                    new_form,
                    lambda: enquiry_convert_new(
                        actor=user,
                        enquiry=enquiry,
                        details=new_form.details(),
                        confirm_duplicate=new_form.cleaned_data["confirm_duplicate"],
                        expected_status=new_form.cleaned_data["status"],
                    ),
                )
            except PossibleDuplicate as duplicate:
                duplicates = duplicate.candidates
                result, status = None, 409
            if result is not None:
                patient = result[1]
                messages.success(request, f"Registered {patient} from enquiry {enquiry.pk}.")
                return redirect("patients:detail", patient_id=patient.pk)
    return render(
        request,
        "enquiries/convert.html",
        {
            "enquiry": enquiry,
            "candidates": candidates,
            "link_form": link_form,
            "new_form": new_form,
            "duplicates": duplicates,
            "summary": error_summary(link_form) + error_summary(new_form),
        },
        status=status,
    )
