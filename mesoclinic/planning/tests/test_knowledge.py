"""The knowledge loader: valid files load into frozen values; every broken rule is one exact line.

Each test writes the minimal valid knowledge base of ``knowledge_fixtures`` into ``tmp_path``,
breaks one thing and asserts the whole list of problem lines, so that a message that changes,
or a second unexpected problem, fails the test.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mesoclinic.planning.knowledge import FILES, default_knowledge, load_knowledge
from mesoclinic.planning.knowledge_model import (
    AlternativeOption,
    Concern,
    DeclinedUse,
    Gap,
    Measure,
    Protocol,
    Rule,
    Source,
    Sourced,
    Substance,
    Thickness,
    Zone,
)
from mesoclinic.planning.knowledge_parse import Context, Entry
from mesoclinic.planning.model import (
    Effect,
    Evidence,
    Layer,
    Region,
    Severity,
    SubstanceRole,
    Technique,
)
from mesoclinic.planning.tests.knowledge_fixtures import (
    MINIMAL,
    append,
    edit,
    problems,
    write_knowledge,
)

PACKAGED_DATA = Path(__file__).resolve().parent.parent / "data"

FACE = 'protocols.toml: protocol "skin_quality.face"'
SCALP = 'protocols.toml: protocol "hair_loss.scalp"'


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    """A directory holding the minimal valid knowledge base."""
    return write_knowledge(tmp_path / "data")


# --- a valid knowledge base ------------------------------------------------------------------


def test_it_loads_the_minimal_knowledge_base_into_frozen_values(kb: Path) -> None:
    k = load_knowledge(kb)

    assert k.sources == {
        "R1": Source(
            "R1",
            "Author A. Skin thickness by ultrasound. J Skin 2020 1:1-9",
            "https://example.org/r1",
            "peer_reviewed",
        ),
        "R2": Source("R2", "Lidocaine label", "", "label"),
        "ADD1": Source(
            "ADD1",
            "Addendum on 5-alpha-reductase inhibitors",
            "https://example.org/add1",
            "secondary",
        ),
    }
    assert k.conditions == ("bleeding_disorder", "keloid_history")
    assert k.medications == ("anticoagulant", "isotretinoin")
    assert k.zones == {
        "cheeks": Zone(
            code="cheeks",
            name="Cheeks",
            region=Region.FACE,
            diagram="face_front",
            female=Thickness(Measure(0.2, 0.03), Measure(1.0, 0.2), ("R1",)),
            male=Thickness(Measure(0.22, 0.03), Measure(1.2, 0.25), ("R1",)),
            note="",
            sources=("R1",),
        ),
        "forehead": Zone(
            code="forehead",
            name="Forehead",
            region=Region.FACE,
            diagram="face_front",
            female=Thickness(Measure(0.2, 0.03), Measure(0.86, 0.16), ("R1",)),
            male=None,
            note="Women only in this source.",
            sources=("R1",),
        ),
        "scalp": Zone(
            code="scalp",
            name="Scalp",
            region=Region.SCALP,
            diagram="scalp_top",
            female=None,
            male=None,
            note="Not established: no source splits epidermis and dermis here.",
            sources=(),
        ),
    }
    assert k.concerns == {
        "skin_quality": Concern("skin_quality", "Skin quality", "", ("R1",)),
        "hair_loss": Concern("hair_loss", "Hair loss", "", ()),
        "cellulite": Concern(
            "cellulite", "Cellulite", "No evidence that injections reduce cellulite.", ("R2",)
        ),
    }
    assert k.substances == {
        "hyaluronic_acid": Substance(
            code="hyaluronic_acid",
            name="Hyaluronic acid (non-crosslinked)",
            role=SubstanceRole.ACTIVE,
            concentration=None,
            concentration_note="",
            evidence=Evidence.RCT,
            evidence_note="One RCT.",
            sources=("R1",),
            prescription_only=False,
            allowed_zones=None,
            excluded_if=(),
            exclusion_reason="",
            exclusion_sources=(),
            mg_per_ml=None,
            declined_reason="",
        ),
        "dutasteride": Substance(
            code="dutasteride",
            name="Dutasteride",
            role=SubstanceRole.ACTIVE,
            concentration="0.005 % or 0.05 %",
            concentration_note="The sources disagree.",
            evidence=Evidence.CASE_REPORT,
            evidence_note="",
            sources=("R1", "ADD1"),
            prescription_only=True,
            allowed_zones=("scalp",),
            excluded_if=("pregnant", "breastfeeding", "may_become_pregnant"),
            exclusion_reason="Teratogenic.",
            exclusion_sources=("ADD1",),
            mg_per_ml=None,
            declined_reason="",
        ),
        "lidocaine": Substance(
            code="lidocaine",
            name="Lidocaine 1%",
            role=SubstanceRole.ANAESTHETIC,
            concentration="10 mg/mL",
            concentration_note="",
            evidence=Evidence.LABEL,
            evidence_note="",
            sources=("R2",),
            prescription_only=True,
            allowed_zones=None,
            excluded_if=(),
            exclusion_reason="",
            exclusion_sources=(),
            mg_per_ml=Sourced(10.0, ("R2",), "1% = 10 mg/mL"),
            declined_reason="",
            max_mg_per_kg=Sourced(4.5, ("R2",)),
            max_mg=Sourced(300.0, ("R2",)),
        ),
        "fat_dissolver": Substance(
            code="fat_dissolver",
            name="Fat-dissolving cocktail",
            role=SubstanceRole.ACTIVE,
            concentration=None,
            concentration_note="",
            evidence=Evidence.NONE,
            evidence_note="",
            sources=(),
            prescription_only=False,
            allowed_zones=None,
            excluded_if=(),
            exclusion_reason="",
            exclusion_sources=(),
            mg_per_ml=None,
            declined_reason="No evidence.",
        ),
    }
    assert k.protocols == (
        Protocol(
            code="skin_quality.face",
            concern="skin_quality",
            zones=("cheeks", "forehead"),
            layer=Layer.MID_DERMIS,
            technique=Technique.MICRODROPLET,
            angle_deg=Sourced(30.0, ("R1",)),
            needle_gauge=Sourced(34.0, ("R1",)),
            needle_length_mm=Sourced(2.0, ("R1",)),
            volume_per_point_ml=Sourced(0.02, ("R1",)),
            spacing_mm=Gap("Not established: no spacing in the RCT.", ("R1",)),
            points={"cheeks": Sourced(100.0, ("R1",), "50 per cheek")},
            substances=("hyaluronic_acid", "lidocaine"),
            sessions=Sourced(3.0, ("R1",)),
            interval_days=Sourced(28.0, ("R1",)),
            review_after_weeks=Sourced(12.0, ("R1",)),
            maintenance_evidence=Evidence.RCT,
            maintenance_note="Review at 3 months.",
            note="Hyaluronic acid alone did best.",
            sources=("R1",),
        ),
        Protocol(
            code="hair_loss.scalp",
            concern="hair_loss",
            zones=("scalp",),
            layer=Layer.SUPERFICIAL_DERMIS,
            technique=Technique.NAPPAGE,
            angle_deg=Gap("Not established."),
            needle_gauge=Sourced(30.0, ("ADD1",)),
            needle_length_mm=Sourced(4.0, ("ADD1",)),
            volume_per_point_ml=Gap("Not established."),
            spacing_mm=Gap("Not established."),
            points={},
            substances=("dutasteride",),
            sessions=Sourced(3.0, ("ADD1",)),
            interval_days=Sourced(90.0, ("ADD1",)),
            review_after_weeks=Gap("Not established."),
            maintenance_evidence=Evidence.CASE_REPORT,
            maintenance_note="",
            note="",
            sources=("ADD1",),
        ),
    )
    assert k.rules == (
        Rule(
            "under_18",
            "age_under:18",
            Severity.ABSOLUTE,
            "Under 18: not planned.",
            ("R2",),
            (),
            False,
        ),
        Rule(
            "pregnancy",
            "pregnant",
            Severity.RELATIVE,
            "Pregnancy: a clinician decides.",
            ("R2",),
            ("dutasteride",),
            True,
        ),
        Rule(
            "bleeding_disorder",
            "condition:bleeding_disorder",
            Severity.RELATIVE,
            "Bleeding disorder: a clinician assesses the risk.",
            (),
            (),
            False,
        ),
        Rule(
            "anticoagulant",
            "medication:anticoagulant",
            Severity.CAUTION,
            "Anticoagulant: bruising is frequent.",
            ("R2",),
            (),
            False,
        ),
        Rule(
            "needle_fear_severe",
            "needle_fear:severe",
            Severity.INFO,
            "Needle-free options come first.",
            (),
            (),
            False,
        ),
    )
    assert k.declined_uses == (
        DeclinedUse("hair_loss", ("forehead",), "Not a hair-bearing zone.", ("R1",)),
    )
    assert k.alternatives == (
        AlternativeOption(
            code="topical_minoxidil",
            name="Topical minoxidil",
            needle_free=True,
            for_concerns=("hair_loss",),
            for_needle_fear=False,
            evidence=Evidence.SR,
            note="First line.",
            sources=("R1",),
            prescription_only=False,
            effect=Effect.IMPROVED,
        ),
        AlternativeOption(
            code="numbing_cream",
            name="Numbing cream",
            needle_free=True,
            for_concerns=(),
            for_needle_fear=True,
            evidence=Evidence.RCT,
            note="",
            sources=("R2",),
            prescription_only=False,
            effect=Effect.IMPROVED,
        ),
    )


def test_it_returns_values_that_cannot_be_changed(kb: Path) -> None:
    k = load_knowledge(kb)
    with pytest.raises(dataclasses.FrozenInstanceError):
        k.version = "0.0.0"  # type: ignore[misc]
    with pytest.raises(TypeError):
        k.zones["neck"] = k.zones["cheeks"]  # type: ignore[index]
    with pytest.raises(TypeError):
        k.protocols[0].points["forehead"] = Sourced(1, ("R1",))  # type: ignore[index]


def test_it_keeps_the_integer_value_of_a_whole_number_written_as_float(kb: Path) -> None:
    # interval_days = 28.0 in the fixture: a whole number, whatever TOML type it is written in.
    assert load_knowledge(kb).protocols[0].interval_days == Sourced(28.0, ("R1",))


# --- version -----------------------------------------------------------------------------------


def expected_version(directory: Path) -> str:
    """The version as the README and meta.toml define it, computed independently."""
    digest = hashlib.sha256()
    for name in sorted(MINIMAL):
        digest.update(name.encode() + b"\0" + (directory / name).read_bytes() + b"\0")
    return f"2026.11.1+sha256:{digest.hexdigest()[:12]}"


def test_it_versions_the_knowledge_by_meta_version_and_a_hash_of_the_files(kb: Path) -> None:
    version = load_knowledge(kb).version
    assert re.fullmatch(r"2026\.11\.1\+sha256:[0-9a-f]{12}", version)
    assert version == expected_version(kb)
    assert set(FILES) == set(MINIMAL)


def test_it_gives_the_same_version_for_the_same_bytes_and_a_new_one_for_one_changed_byte(
    kb: Path, tmp_path: Path
) -> None:
    version = load_knowledge(kb).version
    copy = write_knowledge(tmp_path / "copy")
    assert load_knowledge(copy).version == version

    edit(copy, "rules.toml", "Under 18: not planned.", "Under 18: not planned!")
    assert load_knowledge(copy).version != version


def test_it_leaves_other_files_out_of_the_version(kb: Path) -> None:
    version = load_knowledge(kb).version
    (kb / "README.md").write_text("# Notes\n", encoding="utf-8")
    (kb / "scratch.txt").write_text("anything\n", encoding="utf-8")
    assert load_knowledge(kb).version == version


def test_it_refuses_a_version_that_is_not_semver_like(kb: Path) -> None:
    edit(kb, "meta.toml", '"2026.11.1"', '"2026.11+local"')
    assert problems(kb) == ['meta.toml: version: must look like "2026.11.1" (got "2026.11+local")']


# --- files -------------------------------------------------------------------------------------


def test_it_reports_a_missing_file_once(kb: Path) -> None:
    (kb / "declined.toml").unlink()
    assert problems(kb) == ["declined.toml: file is missing"]


def test_it_does_not_cascade_a_missing_sources_file_into_every_reference(kb: Path) -> None:
    (kb / "sources.toml").unlink()
    assert problems(kb) == ["sources.toml: file is missing"]


def test_it_reports_malformed_toml_with_the_parser_message(kb: Path) -> None:
    broken = MINIMAL["zones.toml"].replace('code = "scalp"', 'code = "scalp', 1)
    (kb / "zones.toml").write_text(broken, encoding="utf-8")
    with pytest.raises(tomllib.TOMLDecodeError) as raised:
        tomllib.loads(broken)

    assert problems(kb) == [f"zones.toml: invalid TOML: {raised.value}"]


def test_it_refuses_a_file_with_the_wrong_table_name(kb: Path) -> None:
    edit(kb, "declined.toml", "[[declined]]", "[[decline]]")
    assert problems(kb) == [
        "declined.toml: declined: required key is missing",
        'declined.toml: unknown key "decline" (did you mean "declined"?)',
    ]


def test_it_reports_a_file_that_is_not_utf8(kb: Path) -> None:
    (kb / "codes.toml").write_bytes(b'conditions = ["caf\xe9"]\nmedications = []\n')
    assert problems(kb) == [
        "codes.toml: invalid TOML: not UTF-8 (invalid continuation byte at byte 18)"
    ]


# --- quantities --------------------------------------------------------------------------------


def test_it_refuses_a_bare_number_where_a_clinical_number_is_expected(kb: Path) -> None:
    edit(kb, "protocols.toml", 'sessions = { value = 3, sources = ["R1"] }', "sessions = 3")
    assert problems(kb) == [
        f"{FACE}: sessions: a clinical number must be a table with value and sources"
    ]


@pytest.mark.parametrize(
    "table",
    ["{ value = 90, sources = [] }", "{ value = 90 }"],
    ids=["empty sources", "no sources"],
)
def test_it_refuses_a_number_without_sources(kb: Path, table: str) -> None:
    edit(
        kb,
        "protocols.toml",
        'interval_days = { value = 90, sources = ["ADD1"] }',
        f"interval_days = {table}",
    )
    assert problems(kb) == [f"{SCALP}: interval_days: a number needs at least one source id"]


def test_it_refuses_a_non_integer_where_a_count_is_expected(kb: Path) -> None:
    edit(
        kb,
        "protocols.toml",
        'sessions = { value = 3, sources = ["R1"] }',
        'sessions = { value = 2.5, sources = ["R1"] }',
    )
    assert problems(kb) == [f"{FACE}: sessions.value: must be a whole number (got 2.5)"]


def test_it_refuses_a_boolean_as_a_number(kb: Path) -> None:
    edit(
        kb,
        "protocols.toml",
        'needle_length_mm = { value = 2, sources = ["R1"] }',
        'needle_length_mm = { value = true, sources = ["R1"] }',
    )
    assert problems(kb) == [f"{FACE}: needle_length_mm.value: must be a number (got boolean)"]


@pytest.mark.parametrize("value", ["0", "-2", "nan", "inf"])
def test_it_refuses_a_clinical_number_that_is_not_positive_and_finite(kb: Path, value: str) -> None:
    edit(
        kb,
        "protocols.toml",
        'needle_length_mm = { value = 4, sources = ["ADD1"] }',
        f'needle_length_mm = {{ value = {value}, sources = ["ADD1"] }}',
    )
    assert problems(kb) == [
        f"{SCALP}: needle_length_mm.value: must be a positive number (got {float(value)!r})"
        if "n" in value
        else f"{SCALP}: needle_length_mm.value: must be a positive number (got {value})"
    ]


def test_it_refuses_a_quantity_with_both_value_and_gap(kb: Path) -> None:
    edit(
        kb,
        "protocols.toml",
        'angle_deg = { gap = "Not established." }',
        'angle_deg = { value = 45, sources = ["ADD1"], gap = "Unclear." }',
    )
    assert problems(kb) == [
        f"{SCALP}: angle_deg: give either value (with sources) or gap, not both"
    ]


def test_it_refuses_an_unknown_key_inside_a_quantity(kb: Path) -> None:
    edit(
        kb,
        "protocols.toml",
        'sessions = { value = 3, sources = ["R1"] }',
        'sessions = { vaule = 3, sources = ["R1"] }',
    )
    assert problems(kb) == [
        f'{FACE}: sessions: unknown key "vaule" (did you mean "value"?)',
        f"{FACE}: sessions: needs value and sources, or gap",
    ]


def test_it_refuses_a_gap_where_a_sourced_value_is_required(kb: Path) -> None:
    edit(
        kb,
        "substances.toml",
        'max_mg = { value = 300, sources = ["R2"] }',
        'max_mg = { gap = "Unknown." }',
    )
    assert problems(kb) == [
        'substances.toml: substance "lidocaine": max_mg: must have a value with sources; '
        "leave the key out when no source gives one"
    ]


@pytest.mark.parametrize("value", [3, 3.0, 12, 1e3])
def test_it_accepts_whole_numbers_written_either_way(value: float) -> None:
    assert whole_number_problems(value) == []


@given(st.floats(min_value=0.001, max_value=1e6).filter(lambda x: not x.is_integer()))
def test_it_refuses_every_fractional_count(value: float) -> None:
    assert whole_number_problems(value) == [
        f'x.toml: protocol "p": sessions.value: must be a whole number (got {value!r})'
    ]


def whole_number_problems(value: float) -> list[str]:
    ctx = Context(sources=frozenset({"R1"}))
    entry = Entry(ctx, 'x.toml: protocol "p"', {"sessions": {"value": value, "sources": ["R1"]}})
    entry.quantity("sessions", whole=True)
    return [str(problem) for problem in ctx.problems]


# --- sources and codes -------------------------------------------------------------------------


def test_it_refuses_an_unknown_source_id(kb: Path) -> None:
    edit(
        kb,
        "rules.toml",
        'message = "Anticoagulant: bruising is frequent."\nsources = ["R2"]',
        'message = "Anticoagulant: bruising is frequent."\nsources = ["R2", "R999"]',
    )
    assert problems(kb) == ['rules.toml: rule "anticoagulant": sources: unknown source id "R999"']


def test_it_refuses_an_unknown_source_id_inside_a_quantity(kb: Path) -> None:
    edit(
        kb,
        "protocols.toml",
        'needle_gauge = { value = 30, sources = ["ADD1"] }',
        'needle_gauge = { value = 30, sources = ["ADD9"] }',
    )
    assert problems(kb) == [f'{SCALP}: needle_gauge.sources: unknown source id "ADD9"']


def test_it_refuses_an_unknown_zone_and_names_the_nearest(kb: Path) -> None:
    edit(
        kb,
        "protocols.toml",
        'zones = ["cheeks", "forehead"]',
        'zones = ["cheeks", "forehead", "cheek", "elbow"]',
    )
    assert problems(kb) == [
        f'{FACE}: zones[2]: unknown zone "cheek" (did you mean "cheeks"?)',
        f'{FACE}: zones[3]: unknown zone "elbow"',
    ]


def test_it_refuses_an_unknown_evidence_level_and_suggests_its_spelling(kb: Path) -> None:
    edit(kb, "alternatives.toml", 'evidence = "SR"', 'evidence = "sr"')
    assert problems(kb) == [
        'alternatives.toml: alternative "topical_minoxidil": evidence: '
        'unknown evidence level "sr" (did you mean "SR"?)'
    ]


def test_it_refuses_a_duplicate_code(kb: Path) -> None:
    append(
        kb,
        "zones.toml",
        '[[zone]]\ncode = "cheeks"\nname = "Cheeks again"\nregion = "face"\n'
        'diagram = "face_front"\nnote = "Copy."\nsources = []\n',
    )
    assert problems(kb) == ['zones.toml: zone "cheeks": duplicate code']


def test_it_refuses_a_duplicate_source_id(kb: Path) -> None:
    append(
        kb,
        "sources.toml",
        '[[source]]\nid = "R2"\ncitation = "Another"\nurl = ""\nquality = "low"\n',
    )
    assert problems(kb) == ['sources.toml: source "R2": duplicate id']


def test_it_refuses_an_unknown_key_and_names_the_nearest(kb: Path) -> None:
    edit(kb, "substances.toml", 'concentration = "10 mg/mL"', 'concentraton = "10 mg/mL"')
    assert problems(kb) == [
        'substances.toml: substance "lidocaine": '
        'unknown key "concentraton" (did you mean "concentration"?)'
    ]


def test_it_requires_the_keys_the_schema_lists_with_their_types(kb: Path) -> None:
    edit(
        kb,
        "alternatives.toml",
        "needle_free = true\nfor_concerns = []",
        'needle_free = "yes"\nfor_concerns = []',
    )
    edit(kb, "concerns.toml", 'name = "Hair loss"\n', "")
    assert problems(kb) == [
        'concerns.toml: concern "hair_loss": name: required key is missing',
        'alternatives.toml: alternative "numbing_cream": '
        "needle_free: must be true or false (got string)",
    ]


# --- substances --------------------------------------------------------------------------------


def test_it_refuses_excluded_if_without_a_reason(kb: Path) -> None:
    edit(kb, "substances.toml", 'exclusion_reason = "Teratogenic."\n', "")
    assert problems(kb) == [
        'substances.toml: substance "dutasteride": exclusion_reason: required with excluded_if'
    ]


def test_it_refuses_an_unknown_patient_state_in_excluded_if(kb: Path) -> None:
    edit(
        kb,
        "substances.toml",
        '"breastfeeding", "may_become_pregnant"]',
        '"lactating", "may_become_pregnant"]',
    )
    assert problems(kb) == [
        'substances.toml: substance "dutasteride": '
        'excluded_if[1]: unknown patient state "lactating"'
    ]


# --- protocols and declined uses ---------------------------------------------------------------


def test_it_refuses_one_active_in_two_protocols_for_a_concern_and_zone(kb: Path) -> None:
    second = MINIMAL["protocols.toml"].split("[[protocol]]")[2]
    second = second.replace('"hair_loss.scalp"', '"hair_loss.scalp_again"')
    append(kb, "protocols.toml", "[[protocol]]" + second)
    assert problems(kb) == [
        'protocols.toml: protocol "hair_loss.scalp_again": zones[0]: '
        'concern "hair_loss" in zone "scalp" with "dutasteride" is already in protocol '
        '"hair_loss.scalp"'
    ]


def test_it_loads_two_protocols_for_one_concern_and_zone_with_different_actives(
    kb: Path,
) -> None:
    second = MINIMAL["protocols.toml"].split("[[protocol]]")[2]
    second = second.replace('"hair_loss.scalp"', '"hair_loss.scalp.ha"')
    second = second.replace('substances = ["dutasteride"]', 'substances = ["hyaluronic_acid"]')
    append(kb, "protocols.toml", "[[protocol]]" + second)
    loaded = load_knowledge(kb)
    assert [p.code for p in loaded.protocols][-2:] == ["hair_loss.scalp", "hair_loss.scalp.ha"]


def test_it_refuses_a_concern_and_zone_both_planned_and_declined(kb: Path) -> None:
    append(
        kb,
        "declined.toml",
        '[[declined]]\nconcern = "skin_quality"\nzones = ["scalp", "forehead"]\n'
        'reason = "Out of scope."\nsources = []\n',
    )
    assert problems(kb) == [
        "declined.toml: declined[1]: zones[1]: "
        'concern "skin_quality" in zone "forehead" has protocol "skin_quality.face"'
    ]


def test_it_refuses_points_for_a_zone_outside_the_protocol(kb: Path) -> None:
    edit(
        kb,
        "protocols.toml",
        'points = { cheeks = { value = 100, sources = ["R1"], note = "50 per cheek" } }',
        'points = { scalp = { value = 100, sources = ["R1"] }, '
        'cheek = { value = 10, sources = ["R1"] } }',
    )
    assert problems(kb) == [
        f'{FACE}: points.cheek: unknown zone "cheek" (did you mean "cheeks"?)',
        f'{FACE}: points.scalp: zone "scalp" is not among the zones of this protocol',
    ]


def test_it_refuses_a_protocol_that_plans_a_declined_substance(kb: Path) -> None:
    edit(
        kb,
        "protocols.toml",
        'substances = ["dutasteride"]',
        'substances = ["dutasteride", "fat_dissolver"]',
    )
    assert problems(kb) == [
        f'{SCALP}: substances[1]: substance "fat_dissolver" is declined and never planned'
    ]


def test_it_refuses_a_protocol_with_two_active_substances(kb: Path) -> None:
    edit(
        kb,
        "protocols.toml",
        'substances = ["dutasteride"]',
        'substances = ["dutasteride", "hyaluronic_acid"]',
    )
    assert problems(kb) == [
        f"{SCALP}: substances: lists 2 active substances (dutasteride, hyaluronic_acid): each "
        "active has its own protocol, so that its course and maintenance are its own"
    ]


def test_it_loads_a_fixed_schedule_of_weeks(kb: Path) -> None:
    edit(
        kb,
        "protocols.toml",
        'substances = ["dutasteride"]',
        'substances = ["dutasteride"]\nsession_weeks = { weeks = [0, 1, 3], sources = ["R1"] }',
    )
    scalp = next(p for p in load_knowledge(kb).protocols if p.code == "hair_loss.scalp")
    assert (scalp.session_weeks, scalp.session_weeks_sources) == ((0, 1, 3), ("R1",))


def test_it_refuses_a_schedule_that_does_not_rise_or_miscounts_the_sessions(kb: Path) -> None:
    edit(
        kb,
        "protocols.toml",
        'substances = ["dutasteride"]',
        'substances = ["dutasteride"]\nsession_weeks = { weeks = [0, 2, 1], sources = ["R1"] }',
    )
    assert problems(kb) == [
        f"{SCALP}: session_weeks.weeks: must be rising whole weeks from 0 (got [0, 2, 1])"
    ]
    edit(kb, "protocols.toml", "weeks = [0, 2, 1]", "weeks = [0, 2]")
    assert problems(kb) == [f"{SCALP}: session_weeks.weeks: 2 weeks for 3 sessions"]


# --- zones -------------------------------------------------------------------------------------


def test_it_refuses_a_zone_without_thickness_and_without_a_note(kb: Path) -> None:
    edit(
        kb,
        "zones.toml",
        'note = "Not established: no source splits epidermis and dermis here."\n',
        "",
    )
    assert problems(kb) == [
        'zones.toml: zone "scalp": note: '
        "a zone without female or male thickness needs a note saying why (the GAP)"
    ]


def test_it_refuses_a_thickness_that_is_not_mean_and_sd(kb: Path) -> None:
    edit(
        kb,
        "zones.toml",
        'dermis = [1.2, 0.25], sources = ["R1"]',
        "dermis = [1.2, 1.3], sources = []",
    )
    edit(
        kb,
        "zones.toml",
        "epidermis = [0.2, 0.03], dermis = [1.0, 0.2]",
        "epidermis = [0.2], dermis = [1.0, 0.2]",
    )
    assert problems(kb) == [
        'zones.toml: zone "cheeks": female.epidermis: '
        "must be [mean, sd], two positive numbers (got [0.2])",
        'zones.toml: zone "cheeks": male.dermis: sd 1.3 must be smaller than mean 1.2',
        'zones.toml: zone "cheeks": male: a measurement needs at least one source id',
    ]


# --- rules -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trigger", "message"),
    [
        ("pregant", 'unknown trigger "pregant" (did you mean "pregnant"?)'),
        ("age_under", 'unknown trigger "age_under" (did you mean "age_under:<years>"?)'),
        ("condition:bleeding", 'unknown condition "bleeding" (did you mean "bleeding_disorder"?)'),
        ("medication:warfarin", 'unknown medication "warfarin"'),
        ("age_under:eighteen", 'age_under needs a whole number of years (got "eighteen")'),
        ("needle_fear:none", 'unknown needle fear level "none"'),
        ("allergy:latex", 'unknown trigger "allergy:latex"'),
    ],
)
def test_it_refuses_a_bad_trigger(kb: Path, trigger: str, message: str) -> None:
    edit(kb, "rules.toml", 'trigger = "needle_fear:severe"', f'trigger = "{trigger}"')
    assert problems(kb) == [f'rules.toml: rule "needle_fear_severe": trigger: {message}']


def test_it_refuses_an_unknown_substance_in_a_rule(kb: Path) -> None:
    edit(
        kb,
        "rules.toml",
        'applies_to_substances = ["dutasteride"]',
        'applies_to_substances = ["dutasterid"]',
    )
    assert problems(kb) == [
        'rules.toml: rule "pregnancy": applies_to_substances[0]: '
        'unknown substance "dutasterid" (did you mean "dutasteride"?)'
    ]


def test_it_refuses_an_alternative_for_an_unknown_concern(kb: Path) -> None:
    edit(kb, "alternatives.toml", 'for_concerns = ["hair_loss"]', 'for_concerns = ["hairloss"]')
    assert problems(kb) == [
        'alternatives.toml: alternative "topical_minoxidil": for_concerns[0]: '
        'unknown concern "hairloss" (did you mean "hair_loss"?)'
    ]


def test_it_refuses_an_alternative_delivering_an_unknown_substance(kb: Path) -> None:
    edit(
        kb,
        "alternatives.toml",
        'effect = "improved"\nnote = "First line."',
        'effect = "improved"\ndelivers = ["minoxidill"]\nnote = "First line."',
    )
    assert problems(kb) == [
        'alternatives.toml: alternative "topical_minoxidil": delivers[0]: '
        'unknown substance "minoxidill"'
    ]


def test_it_refuses_an_alternative_without_an_effect(kb: Path) -> None:
    edit(
        kb, "alternatives.toml", 'effect = "improved"\nnote = "First line."', 'note = "First line."'
    )
    assert problems(kb) == [
        'alternatives.toml: alternative "topical_minoxidil": effect: required key is missing'
    ]


def test_it_refuses_an_allergy_class_named_like_a_substance_or_with_unknown_members(
    kb: Path,
) -> None:
    edit(kb, "allergy_classes.toml", 'code = "local_anaesthetics"', 'code = "lidocaine"')
    append(
        kb,
        "allergy_classes.toml",
        '[[class]]\ncode = "fillers"\nname = "Fillers"\nmembers = ["hyaluronic_acidd"]\n',
    )
    assert problems(kb) == [
        'allergy_classes.toml: class "fillers": members[0]: unknown substance "hyaluronic_acidd" '
        '(did you mean "hyaluronic_acid"?)',
        'allergy_classes.toml: class "lidocaine": code is also a substance code',
    ]


# --- everything at once ------------------------------------------------------------------------


def test_it_reports_several_problems_together_in_one_error(kb: Path) -> None:
    edit(kb, "zones.toml", 'region = "scalp"', 'region = "scalp_top"')
    edit(kb, "protocols.toml", 'sessions = { value = 3, sources = ["R1"] }', "sessions = 3")
    edit(kb, "rules.toml", 'trigger = "pregnant"', 'trigger = "pregnancy"')
    edit(kb, "declined.toml", 'sources = ["R1"]', 'sources = ["R7"]')
    assert problems(kb) == [
        'zones.toml: zone "scalp": region: unknown region "scalp_top" (did you mean "scalp"?)',
        f"{FACE}: sessions: a clinical number must be a table with value and sources",
        'rules.toml: rule "pregnancy": trigger: '
        'unknown trigger "pregnancy" (did you mean "pregnant"?)',
        'declined.toml: declined[0]: sources: unknown source id "R7"',
    ]


def test_it_imports_nothing_from_django() -> None:
    # A fresh interpreter: under pytest-django, Django is already imported in this process.
    code = (
        "import sys, mesoclinic.planning.knowledge; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (0, "[]\n", "")


# --- the packaged knowledge base ---------------------------------------------------------------


@pytest.mark.skipif(
    not (PACKAGED_DATA / "meta.toml").exists(),
    reason="the packaged knowledge files (planning/data/*.toml) are not written yet",
)
def test_it_loads_the_packaged_knowledge_once_per_process() -> None:
    first = default_knowledge()
    assert first is default_knowledge()
    assert re.fullmatch(
        r"[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?\+sha256:[0-9a-f]{12}", first.version
    )
    assert first == load_knowledge(PACKAGED_DATA)
