"""Template filters of the consultations pages: presentation only."""

from __future__ import annotations

from django.template import Library

from mesoclinic.plans.display import code_label, show_value

register = Library()


@register.filter
def words(code: object) -> str:
    """A code as words: ``suitable_with_cautions`` -> ``suitable with cautions``."""
    return code_label(str(code)) if code is not None else ""


@register.filter
def shown(value: object) -> str:
    """A plan value for reading: null is "not established", 2.0 is "2"."""
    return show_value(value)
