"""HTML forms of the managers' schedule setup: they parse what the browser sent.

The services own the rules (a room's unique name, a service's public name, hours that end after
they start, exceptions' kinds and days), so the pages and the API refuse the same things with
the same messages; the views put those on these forms' fields (``core.forms.add_invalid``).
The forms check only what must be parsed first: numbers, dates, times, slugs and lengths.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.http import QueryDict

from mesoclinic.accounts.models import User
from mesoclinic.core.errors import Invalid
from mesoclinic.core.forms import NamedErrorsMixin, add_invalid
from mesoclinic.scheduling.models import MAX_BUFFER, MAX_DURATION, TimeOffKind

WEEKDAYS = list(calendar.day_name)  # Monday first, as WorkingHours.weekday counts
# The bounds the database holds (models.MAX_DURATION, MAX_BUFFER), so the form refuses what
# the service would, naming the field.
MAX_MINUTES = int(MAX_DURATION.total_seconds() // 60)
MAX_BUFFER_MINUTES = int(MAX_BUFFER.total_seconds() // 60)

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SLUG_HINT = "Letters, digits, - and _ only, e.g. treatment."


class RoomForm(NamedErrorsMixin, forms.Form):
    name = forms.CharField(label="Name", required=False, max_length=80)
    room_type = forms.CharField(
        label="Room type",
        required=False,
        help_text=f"Services ask for a room of a type. {SLUG_HINT}",
        widget=forms.TextInput(attrs={"list": "room-types", "autocapitalize": "none"}),
    )
    active = forms.BooleanField(
        label="In use",
        required=False,
        initial=True,
        help_text="A room not in use is offered for no new booking.",
    )


class ServiceForm(NamedErrorsMixin, forms.Form):
    code = forms.SlugField(
        label="Code",
        max_length=40,
        help_text="How the diary and the API name it; it cannot change later. " + SLUG_HINT,
        widget=forms.TextInput(attrs={"autocapitalize": "none"}),
    )
    name = forms.CharField(label="Name", max_length=120, help_text="What staff see.")
    patient_facing_name = forms.CharField(
        label="Patient-facing name",
        max_length=120,
        help_text="Shown on public pages: it may name no prescription-only medicine.",
    )
    duration = forms.IntegerField(
        label="Duration (minutes)", min_value=1, max_value=MAX_MINUTES, initial=30
    )
    buffer_before = forms.IntegerField(
        label="Buffer before (minutes)",
        min_value=0,
        max_value=MAX_BUFFER_MINUTES,
        initial=0,
        help_text="Time the practitioner and room are held before, e.g. to prepare.",
    )
    buffer_after = forms.IntegerField(
        label="Buffer after (minutes)",
        min_value=0,
        max_value=MAX_BUFFER_MINUTES,
        initial=0,
        help_text="Time held after, e.g. to clean the room.",
    )
    room_type = forms.SlugField(
        label="Room type",
        max_length=40,
        required=False,
        help_text="Blank: needs no room.",
        widget=forms.TextInput(attrs={"list": "room-types", "autocapitalize": "none"}),
    )
    needs_prescriber = forms.BooleanField(
        label="Needs a prescriber", required=False, help_text="Only prescribers are offered."
    )
    active = forms.BooleanField(
        label="Offered", required=False, initial=True, help_text="Inactive: no new booking."
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            # The code is the service's key in service_save: a changed code would be a new
            # service, so the edit page shows it and the view keeps the stored one.
            self.fields["code"].disabled = True
            self.fields["code"].help_text = "How the diary and the API name it."


class HoursRowForm(NamedErrorsMixin, forms.Form):
    """One weekday: blank start and end mean not working that day."""

    weekday = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=6)
    start = forms.TimeField(required=False, widget=TIME)
    end = forms.TimeField(required=False, widget=TIME)
    effective_from = forms.DateField(required=False, widget=DATE)
    effective_to = forms.DateField(required=False, widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        weekday: object = self.initial.get("weekday")
        if self.is_bound:
            weekday = self.data.get(self.add_prefix("weekday"), "")
        text = str(weekday)
        day = WEEKDAYS[int(text)] if len(text) == 1 and text in "0123456" else "Day"
        self.day = day
        # Each label names the day, so that an error in the page's summary says which day.
        self.fields["start"].label = f"{day} start"
        self.fields["end"].label = f"{day} end"
        self.fields["effective_from"].label = f"{day} from"
        self.fields["effective_to"].label = f"{day} until"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if "start" in self.errors or "end" in self.errors:
            return data
        if start is None and end is not None:
            self.add_error("start", f"give a start too, or clear the end ({end:%H:%M}).")
        elif end is None and start is not None:
            self.add_error("end", f"give an end too, or clear the start ({start:%H:%M}).")
        elif start is None and (data.get("effective_from") or data.get("effective_to")):
            self.add_error("start", "dates are given but no hours; give a start and an end.")
        return data

    @property
    def working(self) -> bool:
        return self.cleaned_data.get("start") is not None


class BaseHoursFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def add_invalid(self, error: Invalid, rows: Sequence[int]) -> None:
        """Put ``working_hours_set``'s errors, keyed ``hours[i].<field>`` by the i-th row it
        was given, on the form of that row (``rows[i]`` is its index in this formset)."""
        for key, messages in error.errors.items():
            head, _, name = key.partition("].")
            index = head.removeprefix("hours[")
            if not (index.isdigit() and int(index) < len(rows) and name):
                self.non_form_errors().extend(messages)
                continue
            form = self.forms[rows[int(index)]]
            add_invalid(
                form, Invalid({name: [m.replace(f"{key}: ", f"{name}: ") for m in messages]})
            )


# One row per weekday, or more where the API set split hours (09:00-12:00 and 14:00-18:00):
# the page shows and keeps every row it was given.
MAX_ROWS = 28
# formset_factory is typed as returning a plain BaseFormSet class; this one is ours.
HoursFormSet = cast(
    "type[BaseHoursFormSet]",
    forms.formset_factory(
        HoursRowForm,
        formset=BaseHoursFormSet,
        extra=0,
        max_num=MAX_ROWS,
        absolute_max=MAX_ROWS,
        validate_max=True,
    ),
)


def _practitioner_label(user: User) -> str:
    return user.get_full_name() or user.username


class ExceptionForm(NamedErrorsMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Kind",
        choices=[("", "Choose a kind"), *TimeOffKind.choices],
        required=False,
    )
    practitioner = forms.TypedChoiceField(
        label="Practitioner",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="Blank for a public holiday, which is the whole site's.",
    )
    first_day = forms.DateField(label="First day", widget=DATE)
    last_day = forms.DateField(
        label="Last day", required=False, widget=DATE, help_text="Blank: the first day only."
    )
    start = forms.TimeField(
        label="Start",
        required=False,
        widget=TIME,
        help_text="Blank for whole days; extra hours need a start and an end.",
    )
    end = forms.TimeField(label="End", required=False, widget=TIME)
    note = forms.CharField(label="Note", required=False, max_length=200)

    def __init__(self, *args: Any, practitioners: Sequence[User] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.TypedChoiceField = self.fields["practitioner"]  # type: ignore[assignment]
        field.choices = [("", "None (a public holiday)")] + [
            (p.pk, _practitioner_label(p)) for p in practitioners
        ]
        field.error_messages["invalid_choice"] = "%(value)s is not a practitioner of this site."


def with_period(data: QueryDict, weekday: str) -> QueryDict:
    """``data`` (the hours page's POST) with one more blank row for ``weekday`` (0-6); the
    same data when the weekday is not one or the week has ``MAX_ROWS`` rows already."""
    copy = data.copy()
    total_key = "hours-TOTAL_FORMS"
    total = copy.get(total_key, "")
    if not (total.isdigit() and weekday in {str(d) for d in range(7)}):
        return copy
    if int(total) >= MAX_ROWS:
        return copy
    copy[f"hours-{total}-weekday"] = weekday
    copy[total_key] = str(int(total) + 1)
    return copy


def days_of(formset: BaseHoursFormSet) -> list[tuple[Any, bool]]:
    """The formset's rows by weekday (an added period sits with its day), each with whether
    it is the day's last row (where the day's "Add a period" button goes)."""

    def weekday(form: Any) -> int:
        raw = form["weekday"].value()
        text = str(raw)
        return int(text) if len(text) == 1 and text in "0123456" else 7

    ordered = sorted(formset.forms, key=weekday)  # stable: a day's rows keep their order
    return [
        (form, i + 1 == len(ordered) or weekday(ordered[i + 1]) != weekday(form))
        for i, form in enumerate(ordered)
    ]
