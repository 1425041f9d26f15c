"""Length limits belong to the server, which can say what is wrong; not to the browser."""

from __future__ import annotations

from django import forms


def without_browser_limits(form: forms.BaseForm) -> None:
    """Drop the ``maxlength`` attribute Django gives a text input with a ``max_length``.

    With it the browser cuts a pasted value at the limit without a word, and the record saves
    a name or note that is not what was typed; without it the server refuses the value with a
    message naming the field and the length ("is 10000 characters long; at most 100").
    """
    for field in form.fields.values():
        field.widget.attrs.pop("maxlength", None)
