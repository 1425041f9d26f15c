"""The public words file keeps step with the knowledge base and names no prescription-only
medicine."""

from __future__ import annotations

from mesoclinic.planning.knowledge import default_knowledge
from mesoclinic.public.words import WORDS_FILE, names_found, prescription_only_names, public_words

KNOWLEDGE = default_knowledge()
WORDS = public_words()


def test_it_asks_every_treatable_concern_and_every_claim_of_the_knowledge_base() -> None:
    treatable = {c.code for c in KNOWLEDGE.concerns.values() if not c.declined_reason}
    claims = {c.code for c in KNOWLEDGE.concerns.values() if c.declined_reason}
    assert set(WORDS.concerns) == treatable
    assert set(WORDS.claims) == claims


def test_it_has_words_for_every_zone_region_allergy_class_and_alternative() -> None:
    assert set(WORDS.zones) == set(KNOWLEDGE.zones)
    assert {z.region.value for z in KNOWLEDGE.zones.values()} <= set(WORDS.regions)
    assert set(WORDS.allergies) == set(KNOWLEDGE.allergy_classes)
    assert set(WORDS.alternatives) == {a.code for a in KNOWLEDGE.alternatives}


def test_it_answers_every_claim_and_every_concern_the_knowledge_base_declines_everywhere() -> None:
    declined = {use.concern for use in KNOWLEDGE.declined_uses}
    assert set(WORDS.claims) | declined <= set(WORDS.declined)


def test_it_words_only_findings_the_knowledge_base_has() -> None:
    assert set(WORDS.findings) <= {rule.code for rule in KNOWLEDGE.rules}


def test_it_names_no_prescription_only_medicine() -> None:
    # What is shown: the values, not the keys (codes such as "isotretinoin" are never shown).
    text = "\n".join(
        line.split("=", 1)[1]
        for line in WORDS_FILE.read_text(encoding="utf-8").splitlines()
        if "=" in line and not line.startswith("#")
    )
    assert names_found(text, prescription_only_names()) == []
