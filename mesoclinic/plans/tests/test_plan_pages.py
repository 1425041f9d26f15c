"""The plan on the map, its edit page, and the print view."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape

import pytest
from django.test import Client

from mesoclinic.accounts.models import User
from mesoclinic.audit.context import acting_as
from mesoclinic.consultations.tests.helpers import make_consultation, make_plan, url
from mesoclinic.patients.models import Patient
from mesoclinic.plans import services
from mesoclinic.plans.models import PlanEdit, StoredPlan


@pytest.fixture
def plan(patient_a: Patient, practitioner_a: User) -> StoredPlan:
    consultation = make_consultation(
        patient_a, practitioner_a, allergies=["lidocaine"], conditions=["autoimmune_disease"]
    )
    return make_plan(consultation, practitioner_a)


def test_the_plan_page_shows_the_plan_on_the_map_with_labels_and_legend(
    plan: StoredPlan, practitioner_a: User, client_for: Callable[[User], Client]
) -> None:
    html = client_for(practitioner_a).get(url("plan", plan=plan)).content.decode()
    forehead = next(a for a in plan.current["areas"] if a["zone"] == "forehead")
    # Zones coloured by concern, with a legend in words.
    assert re.search(r'class="zone marked concern-pigmentation" data-zone="forehead"', html)
    assert re.search(r'class="zone marked concern-hair_loss" data-zone="scalp"', html)
    assert (
        '<li class="concern-pigmentation"><span class="swatch" '
        'aria-hidden="true"></span>Pigmentation (melasma)</li>' in html
    )
    # Each treated zone labelled with its depth and technique; "measure" where none is established.
    assert f"{forehead['depth_mm']['target']} mm · microdroplet</tspan>" in html
    # A woman of childbearing potential: minoxidil, with its own technique (point by point).
    assert "depth: measure · point by point</tspan>" in html
    # Only the diagrams with treated zones are drawn.
    assert 'data-diagram="face_front"' in html
    assert 'data-diagram="scalp_top"' in html
    assert 'data-diagram="body_back"' not in html


def test_the_plan_page_shows_every_section_with_sources_linked(
    plan: StoredPlan, practitioner_a: User, client_for: Callable[[User], Client]
) -> None:
    html = client_for(practitioner_a).get(url("plan", plan=plan)).content.decode()
    current = plan.current
    assert f'<span class="badge verdict-{current["verdict"]}">' in html
    assert f"<dt>Knowledge version</dt><dd>{plan.knowledge_version}</dd>" in html
    for finding in current["findings"]:
        assert f'<span class="badge sev-{finding["severity"]}">' in html
    # Needle-free alternatives come first.
    names = re.findall(r'<ul class="alternatives">(.*?)</ul>', html, re.S)[0]
    flags = re.findall(r'badge (needle-free|)"?>?(needle-free|uses needles)', names)
    kinds = [kind for _, kind in flags]
    assert kinds == sorted(kinds, key=lambda k: k != "needle-free")
    # Depth not established, with its note; the per-zone table.
    assert "depth <strong>not established</strong>" in html
    assert "Only a histology range" in html or "Not established: only a histology range" in html
    assert "Tranexamic acid (TXA)</strong> (active)" in html
    # Every source id cited links to the list, and the list holds every source.
    cited = set(re.findall(r'<a href="#src-([A-Za-z0-9]+)">', html))
    listed = set(re.findall(r'<dt id="src-([A-Za-z0-9]+)">', html))
    assert cited
    assert cited <= listed
    assert listed == set(current["sources"])
    some_url = next(iter(current["sources"].values()))["url"]
    assert f'rel="noopener noreferrer">{some_url}</a>' in html.replace("&amp;", "&")


def test_the_edit_page_changes_one_value_with_a_reason_and_lists_the_history(
    plan: StoredPlan, practitioner_a: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(practitioner_a)
    page = client.get(url("plan_edit", plan=plan)).content.decode()
    i = next(i for i, a in enumerate(plan.current["areas"]) if a["zone"] == "forehead")
    # Grouped by zone, course and visit; each value in words with what it is now.
    group = page.split('<optgroup label="Forehead for Pigmentation (melasma)">', 1)[1]
    group = group.split("</optgroup>", 1)[0]
    assert f'<option value="areas[{i}].points">Points: now not established</option>' in group
    assert "Course for Pigmentation (melasma)" in page
    assert re.search(r'<optgroup label="Visit 1, \d{1,2} [A-Z][a-z]+ \d{4}">', page)
    assert "areas[" not in re.sub(
        r'value="[^"]*"', "", page.split("<select", 1)[1].split("</select>")[0]
    )
    response = client.post(
        url("plan_edit", plan=plan),
        {"path": f"areas[{i}].points", "value": "20", "reason": "Area measured: 20 points"},
    )
    assert response.status_code == 302
    edit = PlanEdit.objects.get()
    assert (edit.old_value, edit.new_value) == (None, 20)
    html = client.get(url("plan_edit", plan=plan)).content.decode()
    history = html.split('id="edits-heading"', 1)[1].split("</section>", 1)[0]
    assert "Forehead for Pigmentation (melasma): points" in history
    assert "<td>not established</td>" in history
    assert "<td>20</td>" in history
    assert "Area measured: 20 points" in history
    assert "Priya Tester" in history
    plan_html = client.get(url("plan", plan=plan)).content.decode()
    assert '<dt>Points</dt><dd>20 <span class="badge edited"' in plan_html
    assert "1 edit to the engine" in plan_html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"path": "areas[0].points", "value": "twenty", "reason": "x"},
            "New value: Cheeks (zygoma) for Pigmentation (melasma): points must be a whole "
            'number from 1 to 100000, got "twenty"',
        ),
        (
            {"path": "areas[0].points", "value": "20", "reason": ""},
            "Reason for the change: This field is required.",
        ),
        (
            {"path": "verdict", "value": "suitable", "reason": "x"},
            "Value to change: Select a valid choice. verdict is not one of the available choices.",
        ),
        (
            {"path": "areas[0].points", "value": "-3", "reason": "x"},
            "New value: Cheeks (zygoma) for Pigmentation (melasma): points must be a whole "
            "number from 1 to 100000, got -3",
        ),
    ],
)
def test_the_edit_page_re_renders_bad_input_with_the_summary(
    plan: StoredPlan,
    practitioner_a: User,
    client_for: Callable[[User], Client],
    data: dict[str, str],
    message: str,
) -> None:
    response = client_for(practitioner_a).post(url("plan_edit", plan=plan), data)
    html = response.content.decode()
    assert response.status_code == 422
    summary = unescape(html.split('id="error-summary"', 1)[1].split("</div>", 1)[0])
    assert message in summary
    assert "areas[0]" not in summary  # in the user's words, not field paths
    assert f'value="{data["value"]}"' in html  # the typed value is kept
    assert not PlanEdit.objects.exists()


def test_the_print_view_has_the_header_the_plan_the_edits_and_the_sources_in_order(
    plan: StoredPlan, practitioner_a: User, manager_a: User, client_for: Callable[[User], Client]
) -> None:
    with acting_as(practitioner_a):
        services.plan_edit(
            plan_id=plan.pk,
            path="courses[0].sessions",
            value=4,
            reason="Patient travels",
            actor=practitioner_a,
        )
    html = client_for(manager_a).get(url("plan_print", plan=plan)).content.decode()
    for text in (
        "Alice Anderson",
        "born 14 March 1984",
        "Priya Tester (NMC 12A3456E)",
        "10 January 2027",
        plan.knowledge_version,
    ):
        assert text in html
    order = [
        html.index(marker)
        for marker in (
            'id="verdict-heading"',
            'id="areas-heading"',
            'id="edits-heading"',
            'id="sources-heading"',
        )
    ]
    assert order == sorted(order)
    assert "Patient travels" in html
    assert 'class="site-header"' not in html  # a clean page, no navigation
    assert "/static/consultations/consultations.css" in html


def test_a_completed_consultations_plan_cannot_be_edited(
    plan: StoredPlan, practitioner_a: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(practitioner_a)
    client.post(url("plan_sign", plan=plan), {"reviewed": "yes"})
    client.post(url("complete", plan.consultation))
    assert client.get(url("plan_edit", plan=plan))["Location"] == url("plan", plan=plan)
    assert "Change a value" not in client.get(url("plan", plan=plan)).content.decode()


def test_the_plan_page_shows_each_sources_quality_beside_its_citation(
    plan: StoredPlan, practitioner_a: User, client_for: Callable[[User], Client]
) -> None:
    html = unescape(client_for(practitioner_a).get(url("plan", plan=plan)).content.decode())
    for sid, entry in plan.current["sources"].items():
        words = {"peer_reviewed": "peer-reviewed", "low": "low quality"}.get(
            entry["quality"], entry["quality"].replace("secondary", "secondary source")
        )
        assert re.search(
            rf'<dt id="src-{sid}">{sid}</dt>\s*<dd>{re.escape(entry["citation"])} '
            rf'<span class="source-quality source-quality-[a-z-]+">\({words}\)</span>',
            html,
        ), sid
