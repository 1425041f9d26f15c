"""The form kit's template filter, built into every template (see ``TEMPLATES`` in settings)."""

from __future__ import annotations

from django import forms
from django.template import Library

from mesoclinic.core import forms as kit

register = Library()


@register.filter
def error_summary(form: forms.BaseForm | None) -> list[tuple[str, str]]:
    """``core.forms.error_summary(form)``, for ``core/_error_summary.html``."""
    return kit.error_summary(form)
