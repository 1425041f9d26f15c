"""The form kit every app's HTML forms use: errors that name the field and the value typed.

``NamedErrorsMixin`` leads each error with its field's label and the value typed, puts a
service's ``Invalid`` back on the form (``add_service_errors``) and lists every error for the
page's summary (``error_summary``, read by ``core/_error_summary.html``).
"""

from __future__ import annotations

from django import forms
from django.forms.utils import ErrorList


class NamedErrorsMixin:
    """Prefixes each field error with the field's label and, if absent, the value typed."""

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
                suffix = f" (you entered “{typed}”)" if typed and typed not in text else ""
                named.append(f"{label}: {text}{suffix}")
            errors_by_field[name] = ErrorList(named)

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        """A service's ``Invalid.errors`` as form errors, led by the field's label.

        A message that starts with the field's code (``weight_kg: ...``) has the code replaced
        by the label; errors for fields the form does not have go to the top of the form.
        """
        form: forms.BaseForm = self  # type: ignore[assignment]
        for name, messages in errors.items():
            field = form.fields.get(name)
            for message in messages:
                if field is None:
                    form.add_error(None, message)
                    continue
                label = str(field.label or name)
                text = message.removeprefix(f"{name}: ")
                form.add_error(name, f"{label}: {text}")

    def error_summary(self) -> list[tuple[str, str]]:
        """(anchor id, message) for each error, fields in form order, general errors first."""
        form: forms.BaseForm = self  # type: ignore[assignment]
        summary = [("", str(message)) for message in form.non_field_errors()]
        for name in form.fields:
            for message in form.errors.get(name, []):
                summary.append((f"id_{name}", str(message)))
        return summary


def _typed(form: forms.BaseForm, name: str, field: forms.Field) -> str:
    """What the user sent for ``name``, joined when several values; "" when nothing."""
    key = form.add_prefix(name)
    if isinstance(field.widget, forms.CheckboxSelectMultiple):
        getlist = getattr(form.data, "getlist", None)
        values = getlist(key) if getlist else form.data.get(key, [])
        return ", ".join(str(value) for value in values)
    value = form.data.get(key, "")
    return str(value).strip() if isinstance(value, str) else ""
