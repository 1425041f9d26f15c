"""The form kit every app's HTML forms use: errors that name the field and the value typed.

``add_invalid`` is the one way a service's ``Invalid`` goes back onto a form, whatever the
form. ``NamedErrorsMixin`` leads each of the form's own errors with the field's label and the
value typed. ``error_summary`` lists every error for the page's summary
(``core/_error_summary.html``; in templates, the ``error_summary`` filter).

Length limits are the server's, which can say what is wrong: ``without_browser_limits`` drops
the ``maxlength`` attribute that would let the browser cut a pasted value without a word.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS

from mesoclinic.core.errors import Conflict, Invalid

T = TypeVar("T")

# What an error message echoes of a typed value: a pasted page must not be repeated whole.
ECHO_MAX = 40


def without_browser_limits(form: forms.BaseForm) -> None:
    """Drop the ``maxlength`` attribute Django gives a text input with a ``max_length``.

    With it the browser cuts a pasted value at the limit without a word, and the record saves
    a name or note that is not what was typed; without it the server refuses the value with a
    message naming the field and the length ("is 10000 characters long; at most 100").
    """
    for field in form.fields.values():
        field.widget.attrs.pop("maxlength", None)


# For a page whose general errors are best announced at the form itself (``<form id="form">``).
FORM_ANCHOR: dict[str, str] = {NON_FIELD_ERRORS: "form"}


def add_invalid(form: forms.BaseForm, error: Invalid) -> None:
    """Show a service's ``Invalid`` on ``form``: each message under its field, led by the
    field's label; messages for fields the form does not have go to the top of the form.

    A message that starts with the field's code (``weight_kg: ...``, as ``invalid_from`` writes
    them) has the code replaced by the label; any other message is shown as the service wrote
    it (such services name the field in their own words).
    """
    for name, messages in error.errors.items():
        field = form.fields.get(name)
        for message in messages:
            if field is None:
                form.add_error(None, message)
                continue
            code = f"{name}: "
            if message.startswith(code):
                label = str(field.label or name.replace("_", " ").capitalize())
                message = f"{label}: {message.removeprefix(code)}"
            form.add_error(name, message)


class NamedErrorsMixin:
    """Prefixes each field error with the field's label and, if absent, the value typed (cut
    at ``ECHO_MAX`` characters); sends no ``maxlength`` to the browser."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        without_browser_limits(self)  # type: ignore[arg-type]

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        form: forms.BaseForm = self  # type: ignore[assignment]
        if not form.is_bound:
            return
        errors_by_field = form.errors  # set by full_clean above
        for name, errors in list(errors_by_field.items()):
            if name not in form.fields:
                continue
            field = form.fields[name]
            label = str(field.label or name.replace("_", " ").capitalize())
            typed = _typed(form, name, field)
            named = []
            for message in errors:
                text = str(message)
                if text.startswith(f"{label}: "):
                    named.append(text)
                    continue
                echo = typed if len(typed) <= ECHO_MAX else typed[:ECHO_MAX] + "…"
                suffix = f" (you entered “{echo}”)" if typed and typed not in text else ""
                named.append(f"{label}: {text}{suffix}")
            # In place: the list keeps its id ("<field id>_error"), which the input's
            # aria-describedby names; a new ErrorList would render without it.
            errors.data[:] = named


def _typed(form: forms.BaseForm, name: str, field: forms.Field) -> str:
    """What the user sent for ``name``, joined when several values; "" when nothing."""
    key = form.add_prefix(name)
    if isinstance(field.widget, forms.CheckboxSelectMultiple):
        getlist = getattr(form.data, "getlist", None)
        values = getlist(key) if getlist else form.data.get(key, [])
        return ", ".join(str(value) for value in values)
    value = form.data.get(key, "")
    return str(value).strip() if isinstance(value, str) else ""


def error_summary(
    form: forms.BaseForm | None, anchors: dict[str, str] | None = None
) -> list[tuple[str, str]]:
    """(anchor id, message) for each of the form's errors: general ones first, then the
    fields' in the form's order.

    A field's error links to its input, a group of checkboxes or radios to its fieldset;
    ``anchors`` names another element for a field (a hidden input's visible counterpart, e.g. a
    signature pad) or for ``__all__``. General errors link to the first visible field unless
    ``anchors`` says otherwise.
    """
    if form is None or not form.is_bound or not form.errors:
        return []
    anchors = anchors or {}
    visible = form.visible_fields()
    general = anchors.get(NON_FIELD_ERRORS, _anchor(visible[0]) if visible else "")
    summary = [(general, str(message)) for message in form.non_field_errors()]
    for name in form.fields:
        for message in form.errors.get(name, []):
            summary.append((anchors.get(name) or _anchor(form[name]), str(message)))
    return summary


def _anchor(bound: forms.BoundField) -> str:
    # A group's fieldset carries the field's id and takes focus (core/_field.html), so the
    # link lands on the legend, which names the group, rather than on its first box.
    return bound.id_for_label or bound.auto_id


def form_attempt(form: forms.BaseForm, write: Callable[[], T]) -> tuple[T | None, int]:
    """Run a service call for a valid ``form``: (its result, 200), or (None, the status the
    page answers with) with the refusal on the form, so everything typed is shown again.

    ``Invalid`` goes under its fields (``add_invalid``, 422); a ``Conflict`` (the time was
    taken, the record moved on) goes to the top of the form (409). Other errors pass through.
    """
    try:
        return write(), 200
    except Invalid as invalid:
        add_invalid(form, invalid)
        return None, 422
    except Conflict as conflict:
        form.add_error(None, conflict.message)
        return None, 409
