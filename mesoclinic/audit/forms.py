"""The audit log's filters: parsed from the query string, every error naming its value."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from mesoclinic.audit.models import Action, Outcome
from mesoclinic.audit.selectors import AuditFilters, AuditScope
from mesoclinic.patients.fields import AccessibleForm, ChoiceField, DayField, TextField
from mesoclinic.patients.search import parse_search

MAX_RECORD_DIGITS = 18  # record numbers are 64-bit integers
_DATE = forms.TextInput(attrs={"type": "date"})


class AuditFilterForm(AccessibleForm):
    date_from = DayField(label="From", required=False, widget=_DATE, help_text="First day")
    date_to = DayField(label="To", required=False, widget=_DATE, help_text="Last day")
    actor = ChoiceField(label="Member of staff", required=False)
    patient = TextField(
        label="Patient",
        required=False,
        max_length=100,
        help_text="Record number, or name (any part), date of birth or phone",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    action = ChoiceField(
        label="Action", required=False, choices=[("", "Any action"), *Action.choices]
    )
    outcome = ChoiceField(
        label="Outcome", required=False, choices=[("", "Any outcome"), *Outcome.choices]
    )

    def __init__(self, *args: Any, scope: AuditScope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actor = cast(forms.ChoiceField, self.fields["actor"])
        actor.choices = [("", "Anyone"), *((str(pk), label) for pk, label in scope.staff)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error(
                "date_to",
                f"To: {end:%d/%m/%Y} is before From: {start:%d/%m/%Y}; "
                "the last day cannot come before the first.",
            )
        typed = (data.get("patient") or "").strip()
        if _is_record_number(typed) and len(typed) > MAX_RECORD_DIGITS:
            self.add_error("patient", f"Patient: “{typed}” is too long for a record number.")
        elif typed and not _is_record_number(typed):
            terms = parse_search(typed)
            for problem in terms.problems:
                self.add_error("patient", f"Patient: {problem}")
            if not terms.problems and terms.is_empty:
                self.add_error("patient", f"Patient: “{typed}” has no letters or digits to search.")
        return data

    def filters(self) -> AuditFilters:
        """The parsed filters; call after ``is_valid()`` returned True."""
        data = self.cleaned_data
        typed = (data.get("patient") or "").strip()
        patient_id = int(typed) if _is_record_number(typed) else None
        return AuditFilters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            actor_id=int(data["actor"]) if data.get("actor") else None,
            patient_id=patient_id,
            patient_terms=parse_search(typed) if typed and patient_id is None else None,
            action=data.get("action") or "",
            outcome=data.get("outcome") or "",
        )


def _is_record_number(text: str) -> bool:
    # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
    return text.isascii() and text.isdigit()
