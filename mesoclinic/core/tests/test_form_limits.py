"""Length limits are the server's: no form tells the browser to cut what is typed."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from mesoclinic.accounts.models import User
from mesoclinic.consultations.tests.helpers import make_consultation, make_plan, url
from mesoclinic.patients.models import Patient


def test_no_form_page_sets_a_maxlength(
    client_for: Callable[[User], Client],
    manager_a: User,
    practitioner_a: User,
    patient_a: Patient,
) -> None:
    plan = make_plan(make_consultation(patient_a, practitioner_a), practitioner_a)
    manager, practitioner = client_for(manager_a), client_for(practitioner_a)
    pages = {
        "/accounts/login/": Client(),
        "/accounts/tokens/": manager,
        "/accounts/staff/new/": manager,
        "/audit/": manager,
        "/patients/new/": manager,
        f"/patients/{patient_a.pk}/edit/": manager,
        url("create", patient=patient_a): practitioner,
        url("plan_edit", plan=plan): practitioner,
    }
    for path, client in pages.items():
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert "<input" in html, path
        assert "maxlength" not in html, path


def test_a_long_note_is_refused_with_its_length_not_cut(
    client_for: Callable[[User], Client], practitioner_a: User, patient_a: Patient
) -> None:
    consultation = make_consultation(patient_a, practitioner_a)
    client = client_for(practitioner_a)
    form = client.get(url("edit", consultation)).context["form"]
    data = {
        key: value
        for key, value in form.initial.items()
        if value is not None and not isinstance(value, list)
    }
    response = client.post(url("edit", consultation), {**data, "notes": "x" * 20_001})
    assert response.status_code == 422
    page = response.content.decode()
    assert (
        "Notes: Ensure this value has at most 20000 characters (it has 20001). "
        f"(you entered “{'x' * 40}…”)"
    ) in page
    assert page.count("x" * 20_001) == 1  # in the textarea, as typed; not echoed whole
