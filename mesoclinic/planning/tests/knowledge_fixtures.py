"""A minimal, complete and valid knowledge base for loader tests, and helpers to break it.

Each test writes ``MINIMAL`` into a temporary directory, breaks one thing with ``edit`` and
asserts the exact problem lines ``problems`` returns.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mesoclinic.planning.errors import PlanningError
from mesoclinic.planning.knowledge import load_knowledge

MINIMAL: dict[str, str] = {
    "meta.toml": """\
version = "2026.11.1"
""",
    "sources.toml": """\
[[source]]
id = "R1"
citation = "Author A. Skin thickness by ultrasound. J Skin 2020 1:1-9"
url = "https://example.org/r1"
quality = "peer_reviewed"

[[source]]
id = "R2"
citation = "Lidocaine label"
url = ""
quality = "label"

[[source]]
id = "ADD1"
citation = "Addendum on 5-alpha-reductase inhibitors"
url = "https://example.org/add1"
quality = "secondary"
""",
    "codes.toml": """\
conditions = ["bleeding_disorder", "keloid_history"]
medications = ["anticoagulant", "isotretinoin"]
""",
    "zones.toml": """\
[[zone]]
code = "cheeks"
name = "Cheeks"
region = "face"
diagram = "face_front"
sources = ["R1"]
female = { epidermis = [0.2, 0.03], dermis = [1.0, 0.2], sources = ["R1"] }
male = { epidermis = [0.22, 0.03], dermis = [1.2, 0.25], sources = ["R1"] }

[[zone]]
code = "forehead"
name = "Forehead"
region = "face"
diagram = "face_front"
note = "Women only in this source."
sources = ["R1"]
female = { epidermis = [0.2, 0.03], dermis = [0.86, 0.16], sources = ["R1"] }

[[zone]]
code = "scalp"
name = "Scalp"
region = "scalp"
diagram = "scalp_top"
note = "Not established: no source splits epidermis and dermis here."
sources = []
""",
    "concerns.toml": """\
[[concern]]
code = "skin_quality"
name = "Skin quality"
sources = ["R1"]

[[concern]]
code = "hair_loss"
name = "Hair loss"
declined_reason = ""
sources = []

[[concern]]
code = "cellulite"
name = "Cellulite"
declined_reason = "No evidence that injections reduce cellulite."
sources = ["R2"]
""",
    "substances.toml": """\
[[substance]]
code = "hyaluronic_acid"
name = "Hyaluronic acid (non-crosslinked)"
role = "active"
evidence = "RCT"
evidence_note = "One RCT."
sources = ["R1"]
prescription_only = false

[[substance]]
code = "dutasteride"
name = "Dutasteride"
role = "active"
concentration = "0.005 % or 0.05 %"
concentration_note = "The sources disagree."
evidence = "case_report"
sources = ["R1", "ADD1"]
prescription_only = true
allowed_zones = ["scalp"]
excluded_if = ["pregnant", "breastfeeding", "may_become_pregnant"]
exclusion_reason = "Teratogenic."
exclusion_sources = ["ADD1"]

[[substance]]
code = "lidocaine"
name = "Lidocaine 1%"
role = "anaesthetic"
concentration = "10 mg/mL"
evidence = "label"
sources = ["R2"]
prescription_only = true
mg_per_ml = { value = 10, sources = ["R2"], note = "1% = 10 mg/mL" }
max_mg_per_kg = { value = 4.5, sources = ["R2"] }
max_mg = { value = 300, sources = ["R2"] }

[[substance]]
code = "fat_dissolver"
name = "Fat-dissolving cocktail"
role = "active"
evidence = "none"
sources = []
prescription_only = false
declined_reason = "No evidence."
""",
    "protocols.toml": """\
[[protocol]]
code = "skin_quality.face"
concern = "skin_quality"
zones = ["cheeks", "forehead"]
layer = "mid_dermis"
technique = "microdroplet"
angle_deg = { value = 30, sources = ["R1"] }
needle_gauge = { value = 34, sources = ["R1"] }
needle_length_mm = { value = 2, sources = ["R1"] }
volume_per_point_ml = { value = 0.02, sources = ["R1"] }
spacing_mm = { gap = "Not established: no spacing in the RCT.", sources = ["R1"] }
points = { cheeks = { value = 100, sources = ["R1"], note = "50 per cheek" } }
substances = ["hyaluronic_acid", "lidocaine"]
sessions = { value = 3, sources = ["R1"] }
interval_days = { value = 28.0, sources = ["R1"] }
review_after_weeks = { value = 12, sources = ["R1"] }
maintenance_evidence = "RCT"
maintenance_note = "Review at 3 months."
note = "Hyaluronic acid alone did best."
sources = ["R1"]

[[protocol]]
code = "hair_loss.scalp"
concern = "hair_loss"
zones = ["scalp"]
layer = "superficial_dermis"
technique = "nappage"
angle_deg = { gap = "Not established." }
needle_gauge = { value = 30, sources = ["ADD1"] }
needle_length_mm = { value = 4, sources = ["ADD1"] }
volume_per_point_ml = { gap = "Not established." }
spacing_mm = { gap = "Not established." }
substances = ["dutasteride"]
sessions = { value = 3, sources = ["ADD1"] }
interval_days = { value = 90, sources = ["ADD1"] }
review_after_weeks = { gap = "Not established." }
maintenance_evidence = "case_report"
sources = ["ADD1"]
""",
    "rules.toml": """\
[[rule]]
code = "under_18"
trigger = "age_under:18"
severity = "absolute"
message = "Under 18: not planned."
sources = ["R2"]

[[rule]]
code = "pregnancy"
trigger = "pregnant"
severity = "relative"
message = "Pregnancy: a clinician decides."
sources = ["R2"]
applies_to_substances = ["dutasteride"]
withhold = true

[[rule]]
code = "bleeding_disorder"
trigger = "condition:bleeding_disorder"
severity = "relative"
message = "Bleeding disorder: a clinician assesses the risk."
sources = []

[[rule]]
code = "anticoagulant"
trigger = "medication:anticoagulant"
severity = "caution"
message = "Anticoagulant: bruising is frequent."
sources = ["R2"]

[[rule]]
code = "needle_fear_severe"
trigger = "needle_fear:severe"
severity = "info"
message = "Needle-free options come first."
sources = []
""",
    "declined.toml": """\
[[declined]]
concern = "hair_loss"
zones = ["forehead"]
reason = "Not a hair-bearing zone."
sources = ["R1"]
""",
    "allergy_classes.toml": """\
[[class]]
code = "local_anaesthetics"
name = "Local anaesthetics"
members = ["lidocaine"]
""",
    "alternatives.toml": """\
[[alternative]]
code = "topical_minoxidil"
name = "Topical minoxidil"
needle_free = true
for_concerns = ["hair_loss"]
for_needle_fear = false
evidence = "SR"
effect = "improved"
note = "First line."
sources = ["R1"]
prescription_only = false

[[alternative]]
code = "numbing_cream"
name = "Numbing cream"
needle_free = true
for_concerns = []
for_needle_fear = true
evidence = "RCT"
effect = "improved"
sources = ["R2"]
prescription_only = false
""",
}


def write_knowledge(directory: Path) -> Path:
    """Write ``MINIMAL`` into ``directory`` (created if needed) and return it."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in MINIMAL.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory


def edit(directory: Path, name: str, old: str, new: str) -> None:
    """Replace the one occurrence of ``old`` in a file; fail loudly if it is not there once,
    so that a test never passes because its edit silently did nothing."""
    path = directory / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def append(directory: Path, name: str, text: str) -> None:
    """Append ``text`` (a new entry, usually) to a file."""
    path = directory / name
    path.write_text(path.read_text(encoding="utf-8") + "\n" + text, encoding="utf-8")


def problems(directory: Path) -> list[str]:
    """The problem lines ``load_knowledge`` raises for ``directory``; fails if it loads."""
    with pytest.raises(PlanningError) as raised:
        load_knowledge(directory)
    return list(raised.value.lines)
