"""The knowledge base's source table (``data/sources.toml``) agrees with the fact base.

The fact base (``shared/reference/clinical-facts.md``) is checked out beside the repository in
CI; a clone without it skips these tests (see ``fact_base.find_fact_base``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mesoclinic.planning.knowledge import default_knowledge
from mesoclinic.planning.tests.fact_base import (
    RELATIVE_PATH,
    Reference,
    find_fact_base,
    references,
)

# The fact base flags low-quality, secondary and vendor sources itself. A source it does not
# flag is classed by the knowledge base (peer-reviewed, label, consensus, regulator, or a news
# report as secondary), but never as low quality or vendor without the fact base saying so.
UNFLAGGED_NEVER = frozenset({"low", "vendor"})


@pytest.fixture(scope="module")
def fact_base() -> dict[str, Reference]:
    path = find_fact_base()
    if path is None:
        pytest.skip(f"no fact base: no {RELATIVE_PATH} beside the repository or its parents")
    return references(path.read_text(encoding="utf-8"))


def test_it_has_the_same_source_ids(fact_base: dict[str, Reference]) -> None:
    assert sorted(default_knowledge().sources) == sorted(fact_base)


def test_it_has_each_sources_first_address(fact_base: dict[str, Reference]) -> None:
    table = default_knowledge().sources
    assert {sid: table[sid].url for sid in fact_base} == {
        sid: ref.url for sid, ref in fact_base.items()
    }


def test_it_has_each_citation_as_written(fact_base: dict[str, Reference]) -> None:
    table = default_knowledge().sources
    numbered = [sid for sid in fact_base if sid.startswith("R")]  # the addendum has no citations
    assert {sid: table[sid].citation for sid in numbered} == {
        sid: fact_base[sid].citation.removesuffix(".") for sid in numbered
    }


def test_it_keeps_the_fact_bases_quality_flags(fact_base: dict[str, Reference]) -> None:
    table = default_knowledge().sources
    disagreeing = {
        sid: (table[sid].quality, ref.marked)
        for sid, ref in fact_base.items()
        if (ref.marked is not None and table[sid].quality != ref.marked)
        or (ref.marked is None and table[sid].quality in UNFLAGGED_NEVER)
    }
    assert disagreeing == {}


def test_it_finds_the_fact_base_beside_an_ancestor(tmp_path: Path) -> None:
    checkout = tmp_path / "work" / "repository"
    checkout.mkdir(parents=True)
    assert find_fact_base(checkout) is None
    fact_file = tmp_path / "work" / RELATIVE_PATH
    fact_file.parent.mkdir(parents=True)
    fact_file.write_text("- **R1** A. B. https://example.org/a\n", encoding="utf-8")
    assert find_fact_base(checkout) == fact_file


def test_it_reads_a_reference_line_into_citation_address_and_flag() -> None:
    text = (
        "- **R1** Author A. Title. J 2020;1:2. https://doi.org/10/x ; https://b.example/c\n"
        "- **R2** A clinic page. https://clinic.example/p (low quality)\n"
        "- **R3** A report. (no open record found; citation incomplete; low quality)\n"
        "- **R4** A vendor. http://vendor.example/x (vendor)\n"
    )
    assert references(text) == {
        "R1": Reference("R1", "Author A. Title. J 2020;1:2.", "https://doi.org/10/x", None),
        "R2": Reference("R2", "A clinic page.", "https://clinic.example/p", "low"),
        "R3": Reference("R3", "A report.", "", "low"),
        "R4": Reference("R4", "A vendor.", "http://vendor.example/x", "vendor"),
    }
