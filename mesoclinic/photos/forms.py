"""HTML forms for photos: they parse what the browser sent; ``photos.services`` validates it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from mesoclinic.photos.models import Angle


def parse_date(value: str, *, label: str) -> dt.date | None:
    """``YYYY-MM-DD`` (what date inputs send) or None when blank; the error names the value."""
    value = value.strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise forms.ValidationError(
            f"{label}: {value[:40]!r} is not a date; use the form YYYY-MM-DD."
        ) from None


class UploadPhotoForm(forms.Form):
    angle = forms.ChoiceField(label="Angle", choices=Angle.choices, widget=forms.RadioSelect)
    taken_on = forms.CharField(
        label="Date taken",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    file = forms.FileField(
        label="Photo (JPEG or PNG)",
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["angle"].error_messages["invalid_choice"] = (
            "Angle %(value)r is not one of the standard angles listed."
        )
        self.fields["angle"].error_messages["required"] = "Angle is not chosen: choose one."

    def clean_taken_on(self) -> dt.date | None:
        return parse_date(self.cleaned_data["taken_on"], label="Date taken")


class CompareForm(forms.Form):
    angle = forms.ChoiceField(label="Angle", choices=Angle.choices, required=False)
    before = forms.CharField(label="Before", required=False)
    after = forms.CharField(label="After", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["angle"].error_messages["invalid_choice"] = (
            "Angle %(value)r is not one of the standard angles."
        )

    def clean_before(self) -> dt.date | None:
        return parse_date(self.cleaned_data["before"], label="Before")

    def clean_after(self) -> dt.date | None:
        return parse_date(self.cleaned_data["after"], label="After")
