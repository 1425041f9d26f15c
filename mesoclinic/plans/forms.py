"""HTML forms of the plan pages: parse and type the input, nothing more.

The rules (drafts only, a reason for every edit, a value of the right kind) are the services';
a service's ``Invalid`` is put back on the form with ``core.forms.add_invalid``.
"""

from __future__ import annotations

from typing import Any

from django import forms

from mesoclinic.core.errors import Invalid
from mesoclinic.core.forms import NamedErrorsMixin, add_invalid
from mesoclinic.planning.knowledge_model import Knowledge
from mesoclinic.plans import display, edits
from mesoclinic.plans.edits import EditError


class PlanGenerateForm(NamedErrorsMixin, forms.Form):
    start_date = forms.DateField(
        label="First visit",
        required=False,
        help_text="Leave empty for the day after the consultation.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class PlanEditForm(NamedErrorsMixin, forms.Form):
    path = forms.ChoiceField(label="Value to change")
    value = forms.CharField(
        label="New value",
        max_length=edits.MAX_TEXT,
        help_text=(
            "Numbers in the plan's units (mm, mL, days, weeks); a depth that is not set takes "
            "three numbers: target, min, max."
        ),
    )
    reason = forms.CharField(
        label="Reason for the change",
        max_length=2_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args: Any, plan: dict[str, Any], knowledge: Knowledge, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["path"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = display.path_choices(plan, knowledge)
        self.plan, self.knowledge = plan, knowledge

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        path, text = data.get("path"), data.get("value")
        if path and text is not None:
            try:
                data["typed_value"] = edits.value_from_text(path, text)
            except EditError as error:
                self.add_error(error.field, self.in_words(error.message))
        return data

    def in_words(self, message: str) -> str:
        """``message`` with plan paths named as the page names them (``display.in_words``)."""
        return display.in_words(message, self.plan, self.knowledge)

    def add_plan_errors(self, error: Invalid) -> None:
        """``plans.services.plan_edit``'s ``Invalid`` on the form (``add_invalid``), in the
        user's words."""
        worded = {
            name: [self.in_words(message) for message in messages]
            for name, messages in error.errors.items()
        }
        add_invalid(self, Invalid(worded))
