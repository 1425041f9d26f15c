"""The one field template and error summary: every summary link lands on an element."""

from __future__ import annotations

import re

from django import forms
from django.template.loader import render_to_string

from mesoclinic.core.errors import Invalid
from mesoclinic.core.forms import NamedErrorsMixin, add_invalid, error_summary


class _Form(forms.Form):
    weight_kg = forms.DecimalField(label="Weight", required=False)
    zones = forms.MultipleChoiceField(
        label="Zones", choices=[("cheeks", "Cheeks"), ("chin", "Chin")],
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    agreed = forms.BooleanField(label="Agreed")


def _page(form: forms.Form) -> str:
    summary = render_to_string("core/_error_summary.html", {"summary": error_summary(form)})
    fields = "".join(render_to_string("core/_field.html", {"field": f}) for f in form)
    return summary + fields


def test_every_summary_link_lands_on_an_element_of_the_page() -> None:
    form = _Form({"weight_kg": "heavy", "zones": ["knees"]})
    assert not form.is_valid()
    add_invalid(form, Invalid({"__all__": ["Check the record."]}))
    page = _page(form)

    links = re.findall(r'<a href="#([^"]+)">', page)
    assert links == ["id_weight_kg", "id_weight_kg", "id_zones", "id_agreed"]
    for anchor in set(links):
        assert f'id="{anchor}"' in page, anchor
    assert 'fieldset id="id_zones" tabindex="-1"' in page
    assert "There are 4 problems" in page
    assert '<script src="/static/core/error-summary.js" defer></script>' in page


def test_a_service_message_leads_with_the_label_and_the_field_is_marked() -> None:
    form = _Form({"zones": ["chin"], "agreed": "on"})
    assert form.is_valid()
    add_invalid(form, Invalid({"weight_kg": ["weight_kg: at most 400 (got 401)"]}))
    page = _page(form)

    assert form.errors["weight_kg"] == ["Weight: at most 400 (got 401)"]
    assert '<div class="field field-invalid">' in page
    assert 'aria-invalid="true"' in page
    assert 'id="id_weight_kg_error"' in page


def test_a_form_without_errors_has_no_summary_and_no_script() -> None:
    form = _Form({"zones": ["chin"], "agreed": "on"})
    assert form.is_valid()
    assert error_summary(form) == []
    assert "error-summary" not in _page(form)


class _NamedForm(NamedErrorsMixin, forms.Form):
    minutes = forms.IntegerField(label="Minutes", min_value=1)


def test_it_keeps_the_error_list_id_the_input_is_described_by_when_it_names_the_error() -> None:
    form = _NamedForm({"minutes": "0"})
    assert not form.is_valid()
    page = render_to_string("core/_field.html", {"field": form["minutes"]})

    assert 'aria-describedby="id_minutes_error"' in page
    assert '<ul class="errorlist" id="id_minutes_error"><li>Minutes: ' in page
    assert "(you entered “0”)" in page
