"""Form fields whose errors name the field and the value, and an accessible form base class.

Every message reads "<Label>: “<value>” <what is wrong>", so that the error summary at the top
of a page, and the API's ``fields`` envelope, say exactly what to change. Used by the patient
forms, the patients API and the audit log filters.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from mesoclinic.core.forms import without_browser_limits

SHOWN_MAX = 40


def shown(value: object) -> str:
    """``value`` quoted for a message: control characters made visible, long values cut."""
    text = "" if value is None else str(value)
    cut = len(text) > SHOWN_MAX
    text = text[:SHOWN_MAX]
    visible = "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in text)
    return f"“{visible}{'…' if cut else ''}”"


def has_control_characters(text: str, *, multiline: bool = False) -> bool:
    """Control characters (line breaks allowed in ``multiline`` text) or lone surrogates.

    Neither belongs in a name or a note, NUL cannot be stored in PostgreSQL text, and a lone
    surrogate (possible in JSON, "\\ud800") cannot be encoded as UTF-8 at all.
    """
    allowed = {"\n", "\r", "\t"} if multiline else set()
    return any(unicodedata.category(ch) in {"Cc", "Cs"} and ch not in allowed for ch in text)


def _reason(field: forms.Field, value: object, error: ValidationError) -> str:
    params: dict[str, Any] = dict(error.params or {})
    code = error.code
    label = field.label or ""
    if code == "required":
        return f"{label}: enter a value; it was left empty."
    if code == "max_length":
        length, limit = len(str(value)), params["limit_value"]
        return f"{label}: {shown(value)} is {length} characters long; at most {limit}."
    if code in {"null_characters_not_allowed", "control_characters"}:
        return f"{label}: {shown(value)} contains control characters, which cannot be stored."
    if code == "invalid_choice" and isinstance(field, forms.ChoiceField):
        choices = cast("Iterable[tuple[object, object]]", field.choices)
        options = ", ".join(f"“{key}”" for key, _ in choices if key != "")
        return f"{label}: {shown(value)} is not one of the choices ({options})."
    if code == "invalid" and isinstance(field, forms.EmailField):
        return f"{label}: {shown(value)} is not an email address; use the form name@example.org."
    if code == "invalid_date":
        return f"{label}: {shown(value)} is not a date; use dd/mm/yyyy, e.g. 14/03/1984."
    if code == "invalid_phone":
        return (
            f"{label}: {shown(value)} is not a phone number; use 6 to 15 digits with spaces, "
            "brackets or dashes and an optional leading +, e.g. 07700 900123."
        )
    message = str(error.message % params if params else error.message)
    return f"{label}: {shown(value)}: {message}"


class _NamesValue(forms.Field):
    """Re-words the field's errors (see the module docstring)."""

    multiline = False

    def clean(self, value: Any) -> Any:
        if isinstance(value, str) and has_control_characters(value, multiline=self.multiline):
            raise ValidationError(
                _reason(self, value, ValidationError("control", code="control_characters"))
            )
        try:
            return super().clean(value)
        except ValidationError as error:
            raise ValidationError(
                [_reason(self, value, item) for item in error.error_list]
            ) from error


class TextField(_NamesValue, forms.CharField):
    """One line of text."""


class NoteField(TextField):
    """Several lines of text (an address, a note)."""

    multiline = True
    widget = forms.Textarea


class EmailField(_NamesValue, forms.EmailField):
    pass


class ChoiceField(_NamesValue, forms.ChoiceField):
    pass


class DayField(TextField):
    """A date typed as dd/mm/yyyy (one-digit day and month allowed) or yyyy-mm-dd."""

    _DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
    _ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 10)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> dt.date | None:
        text = super().clean(value)
        if not text:
            return None
        day = parse_day(text)
        if day is None:
            raise ValidationError(
                _reason(self, text, ValidationError("bad date", code="invalid_date"))
            )
        return day


def parse_day(text: str) -> dt.date | None:
    """``text`` as a date (dd/mm/yyyy or yyyy-mm-dd), or None."""
    text = text.strip()
    match = DayField._DMY.fullmatch(text)
    try:
        if match is not None:
            day, month, year = (int(group) for group in match.groups())
            return dt.date(year, month, day)
        match = DayField._ISO.fullmatch(text)
        if match is not None:
            year, month, day = (int(group) for group in match.groups())
            return dt.date(year, month, day)
    except ValueError:
        return None
    return None


class PhoneField(TextField):
    """A phone number as typed, kept as typed: 6 to 15 digits, with ``+ ( ) - .`` and spaces."""

    _ALLOWED = re.compile(r"\+?[\d\s().-]+")

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        text: str = super().clean(value)
        if not text:
            return text
        digits = sum(ch.isdigit() for ch in text)
        if not self._ALLOWED.fullmatch(text) or not 6 <= digits <= 15:
            raise ValidationError(
                _reason(self, text, ValidationError("bad phone", code="invalid_phone"))
            )
        return text


class AccessibleForm(forms.Form):
    """A form that lists its errors for the API (the page's summary is ``core.forms``').

    Django marks invalid inputs itself (``aria-invalid``, and ``aria-describedby`` pointing at
    ``<id>_helptext`` and ``<id>_error``, the ids the field template gives hint and errors).
    Length limits are the server's (see ``without_browser_limits``).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        without_browser_limits(self)

    def field_errors(self) -> dict[str, list[str]]:
        """The errors keyed by field name, for the API's envelope."""
        return {name: [str(message) for message in errors] for name, errors in self.errors.items()}
