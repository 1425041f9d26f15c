"""HTML forms of the consultations pages: parse and type the input, nothing more.

The rules (codes known to the knowledge base, drafts only, a reason for every edit) are the
services'; a service's ``Invalid`` is put back on the form with ``core.forms.add_invalid``. Every
message names its field and, where the user typed something, the value typed, so the error
summary at the top of the page reads on its own.

The concerns are one checkbox group per concern (``concern_<code>``, the zones): the page works
without JavaScript, and the map script ticks the same checkboxes.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from mesoclinic.consultations.models import Consultation, Fitzpatrick, NeedleFear
from mesoclinic.consultations.services import History
from mesoclinic.core.forms import NamedErrorsMixin
from mesoclinic.planning.knowledge_model import Knowledge

CONCERN_PREFIX = "concern_"
_POTENTIAL = {"": None, "yes": True, "no": False}


class ClinicDateTimeField(forms.DateTimeField):
    """A date and time typed in the clinic's zone, returned aware; DST gaps are refused."""

    zone: zoneinfo.ZoneInfo = zoneinfo.ZoneInfo("Europe/London")

    def to_python(self, value: Any) -> dt.datetime | None:
        with timezone.override(self.zone):
            return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            return value.astimezone(self.zone).strftime("%Y-%m-%dT%H:%M")
        return value


class ConsultationForm(NamedErrorsMixin, forms.Form):
    held_at = ClinicDateTimeField(
        label="Date and time",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    conditions = forms.MultipleChoiceField(
        label="Conditions", required=False, widget=forms.CheckboxSelectMultiple
    )
    medications = forms.MultipleChoiceField(
        label="Medications", required=False, widget=forms.CheckboxSelectMultiple
    )
    allergies = forms.MultipleChoiceField(
        label="Allergies", required=False, widget=forms.CheckboxSelectMultiple
    )
    infection_zones = forms.MultipleChoiceField(
        label="Active skin infection in", required=False, widget=forms.CheckboxSelectMultiple
    )
    pregnant = forms.BooleanField(label="Pregnant", required=False)
    breastfeeding = forms.BooleanField(label="Breastfeeding", required=False)
    childbearing_potential = forms.ChoiceField(
        label="Childbearing potential",
        required=False,
        choices=[("", "Not stated"), ("yes", "Yes"), ("no", "No")],
    )
    weight_kg = forms.DecimalField(
        label="Weight (kg)",
        required=False,
        min_value=Decimal(1),
        max_value=Decimal(400),
        decimal_places=1,
        max_digits=4,
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )
    needle_fear = forms.ChoiceField(
        label="Fear of needles",
        choices=NeedleFear.choices,
        initial=NeedleFear.NONE,
        widget=forms.RadioSelect,
    )
    fitzpatrick_type = forms.ChoiceField(
        label="Fitzpatrick skin type", required=False, choices=Fitzpatrick.choices
    )
    notes = forms.CharField(
        label="Notes", required=False, max_length=20_000, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(
        self, *args: Any, knowledge: Knowledge, zone: zoneinfo.ZoneInfo, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.knowledge = knowledge
        held_at = self.fields["held_at"]
        assert isinstance(held_at, ClinicDateTimeField)  # noqa: S101 - declared above
        held_at.zone = zone
        zones = [(code, zone_.name) for code, zone_ in knowledge.zones.items()]
        _set_choices(self, "conditions", [(c, _words(c)) for c in knowledge.conditions])
        _set_choices(self, "medications", [(c, _words(c)) for c in knowledge.medications])
        _set_choices(self, "allergies", [(c, s.name) for c, s in knowledge.substances.items()])
        _set_choices(self, "infection_zones", zones)
        for code, concern in knowledge.concerns.items():
            self.fields[CONCERN_PREFIX + code] = forms.MultipleChoiceField(
                label=concern.name,
                required=False,
                choices=zones,
                widget=forms.CheckboxSelectMultiple,
            )

    @classmethod
    def initial_for(cls, consultation: Consultation) -> dict[str, Any]:
        """The form's initial values from a stored consultation."""
        potential = {None: "", True: "yes", False: "no"}[consultation.childbearing_potential]
        initial: dict[str, Any] = {
            "held_at": consultation.held_at,
            "conditions": consultation.conditions,
            "medications": consultation.medications,
            "allergies": consultation.allergies,
            "infection_zones": consultation.infection_zones,
            "pregnant": consultation.pregnant,
            "breastfeeding": consultation.breastfeeding,
            "childbearing_potential": potential,
            "weight_kg": consultation.weight_kg,
            "needle_fear": consultation.needle_fear,
            "fitzpatrick_type": consultation.fitzpatrick_type,
            "notes": consultation.notes,
        }
        for entry in consultation.concerns:
            initial[CONCERN_PREFIX + str(entry.get("concern"))] = entry.get("zones", [])
        return initial

    def concern_fields(self) -> list[forms.BoundField]:
        return [self[CONCERN_PREFIX + code] for code in self.knowledge.concerns]

    def history(self) -> History:
        """The cleaned input as the services' ``History``; call after ``is_valid()``."""
        data = self.cleaned_data
        concerns = [
            {"concern": code, "zones": list(data[CONCERN_PREFIX + code])}
            for code in self.knowledge.concerns
            if data.get(CONCERN_PREFIX + code)
        ]
        return History(
            conditions=list(data["conditions"]),
            medications=list(data["medications"]),
            allergies=list(data["allergies"]),
            infection_zones=list(data["infection_zones"]),
            pregnant=data["pregnant"],
            breastfeeding=data["breastfeeding"],
            childbearing_potential=_POTENTIAL[data["childbearing_potential"]],
            weight_kg=data["weight_kg"],
            needle_fear=data["needle_fear"],
            fitzpatrick_type=data["fitzpatrick_type"],
            notes=data["notes"],
            concerns=concerns,
        )


def _set_choices(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # noqa: S101 - all callers pass choice fields
    field.choices = choices


def _words(code: str) -> str:
    return code.replace("_", " ").capitalize()
