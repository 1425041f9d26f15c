"""HTML forms for consent: they parse what the browser sent; the services validate it.

Fields are deliberately lenient (nothing required here): the services own every rule, so the
page and the API refuse the same things with the same messages, which the views attach to
these forms' fields.
"""

from __future__ import annotations

from typing import Any

from django import forms

from mesoclinic.consent.models import SignatureMethod, Treatment


class SignConsentForm(forms.Form):
    template_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    signed_name = forms.CharField(
        label="Patient's full name",
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    name_checked = forms.BooleanField(
        label=(
            "The name is right as typed, though it differs from the name on record (for "
            "example a new family name)."
        ),
        required=False,
    )
    method = forms.ChoiceField(
        label="How the patient signs",
        choices=SignatureMethod.choices,
        initial=SignatureMethod.TYPED,
        widget=forms.RadioSelect,
    )
    signature = forms.CharField(widget=forms.HiddenInput, required=False, strip=False)
    confirmed = forms.BooleanField(
        label=(
            "The patient confirms they have read and understood this consent form, had the "
            "chance to ask questions, and agree to the treatment."
        ),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template_id"].error_messages["invalid"] = (
            "Consent form: the version sent is not a number; open the form again."
        )
        self.fields["method"].error_messages["invalid_choice"] = (
            "Signature method %(value)r is not one of: drawn, typed."
        )
        self.fields["method"].error_messages["required"] = (
            "Signature method is not chosen: choose drawn signature or typed name."
        )


class PhotoConsentForm(forms.Form):
    clinical_record = forms.BooleanField(
        label="Clinical record: photos are taken and kept in the patient's record.",
        required=False,
    )
    teaching = forms.BooleanField(
        label="Teaching: photos may be shown, without the patient's name, to train clinicians.",
        required=False,
    )
    marketing = forms.BooleanField(
        label="Marketing: photos may be used in the clinic's advertising and social media.",
        required=False,
    )


class PublishTemplateForm(forms.Form):
    treatment = forms.ChoiceField(label="Treatment", choices=Treatment.choices)
    title = forms.CharField(label="Title", required=False)
    body = forms.CharField(
        label="Consent text (shown to the patient exactly as written, line breaks kept)",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 20}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["treatment"].error_messages["invalid_choice"] = (
            "Treatment %(value)r is not one of the treatments listed."
        )
        self.fields["treatment"].error_messages["required"] = "Treatment is not chosen."
