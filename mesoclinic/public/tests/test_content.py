"""The information pages: every claim carries its source, every source is the fact base's."""

from __future__ import annotations

import pytest
from django.test import Client

from mesoclinic.planning.knowledge import default_knowledge
from mesoclinic.public.content import InfoPage, info_pages, parse_info_page
from mesoclinic.public.tests.helpers import visible_text

PAGES = info_pages()
LEAFLET = {
    "Risks and side effects",
    "Who should not have it",
    "Options without needles",
    "Aftercare",
}


def test_it_has_the_pages_a_patient_needs() -> None:
    slugs = {page.slug for page in PAGES}
    assert {"what-is-mesotherapy", "safety", "needle-fear", "claims"} <= slugs


@pytest.mark.parametrize("page", PAGES, ids=[p.slug for p in PAGES])
def test_it_sources_every_claim_paragraph(page: InfoPage) -> None:
    assert page.title
    assert page.summary.sources, "the summary"
    for block in page.blocks:
        if block.kind == "heading":
            continue
        assert block.sources or block.gap, f"{page.slug}: unsourced: {block.text!r}"


@pytest.mark.parametrize("page", PAGES, ids=[p.slug for p in PAGES])
def test_it_cites_only_sources_of_the_fact_base(page: InfoPage) -> None:
    known = set(default_knowledge().sources)
    assert set(page.sources) - known == set()


@pytest.mark.parametrize("page", PAGES, ids=[p.slug for p in PAGES])
def test_it_covers_what_a_patient_leaflet_covers(page: InfoPage) -> None:
    headings = {b.text for b in page.blocks if b.kind == "heading"}
    if page.slug not in {"claims", "safety", "needle-fear", "fat-and-cellulite"}:
        assert headings >= LEAFLET


def test_it_keeps_sentences_short() -> None:
    # A patient-leaflet reading age: no sentence longer than 30 words.
    for page in PAGES:
        for block in page.blocks:
            for sentence in block.text.split(". "):
                assert len(sentence.split()) <= 30, (page.slug, sentence)


def test_it_parses_headings_lists_paragraphs_and_gaps() -> None:
    page = parse_info_page(
        "x",
        "# Title\n> Summary [R1]\n\n## Head\nOne line\nand more [R2][R3].\n"
        "- Item [R4]\n- Gap [GAP]\n",
    )
    assert page.title == "Title"
    assert page.summary.sources == ("R1",)
    kinds = [(b.kind, b.text, b.sources, b.gap) for b in page.blocks]
    assert kinds == [
        ("heading", "Head", (), False),
        ("paragraph", "One line and more.", ("R2", "R3"), False),
        ("item", "Item", ("R4",), False),
        ("item", "Gap", (), True),
    ]


@pytest.mark.django_db
def test_it_renders_text_escaped_with_its_sources(client: Client) -> None:
    page = PAGES[0]
    html = client.get(f"/info/{page.slug}/").content.decode()
    text = visible_text(html)
    assert page.title in text
    for source in page.sources:
        assert source in text
    assert "[GAP]" not in text
