"""The diary's forms. Times are typed as the site's wall-clock time; ``local_start`` makes them
real instants (a time the clocks skip is refused naming the field, a time they show twice is
its first occurrence, as slot starts are: decision 0020)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, cast

from django import forms

from mesoclinic.availability.wallclock import exists
from mesoclinic.core.forms import NamedErrorsMixin
from mesoclinic.scheduling.services import MAX_INTERVAL_DAYS, MAX_SESSIONS, MAX_TOLERANCE_DAYS

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

LOCAL_INPUT = "%Y-%m-%dT%H:%M"


class LocalStartField(forms.DateTimeField):
    """A ``datetime-local`` input: the site's wall-clock time, without an offset."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local", "step": 300}, format=LOCAL_INPUT)
    input_formats = (LOCAL_INPUT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M")

    def to_python(self, value: Any) -> dt.datetime | None:
        # Django's own parsing puts the time in the server's zone, and refuses a time that
        # zone skips; the site's zone is applied by ``local_start`` instead.
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.replace(tzinfo=None)
        text = str(value).strip()
        for pattern in self.input_formats:
            try:
                return dt.datetime.strptime(text, pattern)  # noqa: DTZ007 - wall clock
            except ValueError:
                continue
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


def local_start(form: forms.Form, name: str, zone: ZoneInfo) -> dt.datetime | None:
    """The cleaned wall-clock ``name`` as an aware instant in ``zone``; a form error (and None)
    when the clocks skip that time."""
    wall: dt.datetime = form.cleaned_data[name]
    if not exists(wall, zone):
        form.add_error(
            name,
            f"{form.fields[name].label}: {wall:%H:%M} on {wall:%d %B %Y} does not exist in "
            f"{zone.key} (the clocks go forward); choose another time.",
        )
        return None
    return wall.replace(tzinfo=zone, fold=0)


def _choose(form: forms.Form, name: str, choices: list[tuple[Any, str]]) -> None:
    cast("forms.ChoiceField", form.fields[name]).choices = choices


class BookForm(NamedErrorsMixin, forms.Form):
    patient = forms.IntegerField(widget=forms.HiddenInput)
    service = forms.ChoiceField(label="Service")
    practitioner = forms.TypedChoiceField(label="Practitioner", coerce=int)
    start = LocalStartField(label="Start")
    room = forms.TypedChoiceField(
        label="Room", coerce=int, required=False, empty_value=None, help_text="Blank: any free."
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    overbook_reason = forms.CharField(
        label="Overbook on purpose, because",
        required=False,
        help_text="Managers only: books over another appointment. Leave blank otherwise.",
    )

    def __init__(
        self,
        *args: Any,
        services: list[tuple[str, str]],
        practitioners: list[tuple[int, str]],
        rooms: list[tuple[int, str]],
        may_overbook: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choose(self, "service", [("", "Choose a service"), *services])
        _choose(self, "practitioner", [("", "Choose a practitioner"), *practitioners])
        _choose(self, "room", [("", "Any free room of the type"), *rooms])
        if not may_overbook:
            del self.fields["overbook_reason"]


class CourseForm(NamedErrorsMixin, forms.Form):
    patient = forms.IntegerField(widget=forms.HiddenInput)
    plan = forms.IntegerField(widget=forms.HiddenInput, required=False)
    service = forms.ChoiceField(label="Service")
    sessions = forms.IntegerField(label="Sessions", min_value=1, max_value=MAX_SESSIONS)
    interval_days = forms.IntegerField(
        label="Days between sessions", min_value=1, max_value=MAX_INTERVAL_DAYS
    )
    tolerance_days = forms.IntegerField(
        label="Days either way a session may move",
        min_value=0,
        max_value=MAX_TOLERANCE_DAYS,
        initial=3,
    )
    first_start = LocalStartField(label="First session")
    practitioner = forms.TypedChoiceField(
        label="Practitioner",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="Blank: the same practitioner where possible, then any who may give it.",
    )

    def __init__(
        self,
        *args: Any,
        services: list[tuple[str, str]],
        practitioners: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choose(self, "service", [("", "Choose a service"), *services])
        _choose(self, "practitioner", [("", "Any practitioner"), *practitioners])


class RescheduleForm(NamedErrorsMixin, forms.Form):
    start = LocalStartField(label="New start")


class CancelForm(NamedErrorsMixin, forms.Form):
    reason = forms.CharField(
        label="Reason for cancelling", widget=forms.Textarea(attrs={"rows": 2})
    )
