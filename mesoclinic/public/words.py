"""The public pages' vocabulary (``content/words.toml``) and the names they must never show.

The knowledge base speaks to clinicians: its messages name substances, some of them
prescription-only medicines, which UK advertising rules keep off public pages (CAP Code 12.12).
The public pages therefore never print the engine's messages; they print these words, keyed by
the same codes, and ``prescription_only_names`` lists what no public page may contain.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from mesoclinic.planning.knowledge import default_knowledge
from mesoclinic.planning.knowledge_model import Knowledge

WORDS_FILE = Path(__file__).parent / "content" / "words.toml"

# Names the knowledge base does not flag but public pages must not show either: isotretinoin is
# prescription-only in the UK though the knowledge base holds it only as a medication code (the
# screening question describes it instead), and brand or development names of the flagged
# medicines appear in the titles of some sources (CAP Code 12.12 covers brands too).
UNFLAGGED_PRESCRIPTION_ONLY = (
    "isotretinoin",
    "roaccutane",
    "kybella",
    "atx-101",
    "qwo",
    "xiaflex",
    "jalyn",
    "avodart",
    "propecia",
    "botox",
    "azzalure",
    "bocouture",
    "dysport",
)

# Words inside a name's brackets that describe how it is used rather than name it.
_DESCRIPTIVE = re.compile(r"inject|cocktail|lighten|lipolysis", re.IGNORECASE)


@dataclass(frozen=True)
class Said:
    """A plain-words statement with the source ids behind it."""

    text: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Words:
    concerns: MappingProxyType[str, str]
    claims: MappingProxyType[str, str]
    declined: MappingProxyType[str, Said]
    zones: MappingProxyType[str, str]
    regions: MappingProxyType[str, str]
    allergies: MappingProxyType[str, str]
    alternatives: MappingProxyType[str, str]
    findings: MappingProxyType[str, str]
    hidden_findings: frozenset[str]
    severity: MappingProxyType[str, str]
    evidence: MappingProxyType[str, str]
    effect: MappingProxyType[str, str]

    def concern(self, code: str) -> str:
        return self.concerns.get(code) or self.claims.get(code) or code.replace("_", " ")

    def zone(self, code: str) -> str:
        return self.zones.get(code, code.replace("_", " "))


def _strings(table: Any) -> MappingProxyType[str, str]:
    return MappingProxyType({str(k): str(v) for k, v in table.items()})


@cache
def public_words() -> Words:
    """The words file, read once; a missing key falls back to a generic phrase, never to the
    knowledge base's clinical text."""
    data = tomllib.loads(WORDS_FILE.read_text(encoding="utf-8"))
    declined = {
        code: Said(str(entry["text"]), tuple(str(s) for s in entry.get("sources", ())))
        for code, entry in data["declined"].items()
    }
    return Words(
        concerns=_strings(data["concerns"]),
        claims=_strings(data["claims"]),
        declined=MappingProxyType(declined),
        zones=_strings(data["zones"]),
        regions=_strings(data["regions"]),
        allergies=_strings(data["allergies"]),
        alternatives=_strings(data["alternatives"]),
        findings=_strings(data["findings"]),
        hidden_findings=frozenset(str(c) for c in data["hidden"]["codes"]),
        severity=_strings(data["severity"]),
        evidence=_strings(data["evidence"]),
        effect=_strings(data["effect"]),
    )


_NAMES_BY_VERSION: dict[str, tuple[str, ...]] = {}


def prescription_only_names(knowledge: Knowledge | None = None) -> tuple[str, ...]:
    """Lower-case names no public page may contain: every substance and alternative the
    knowledge base flags ``prescription_only``, whole, without its brackets, and each name in
    its brackets ("Tranexamic acid (TXA)" gives "tranexamic acid (txa)", "tranexamic acid",
    "txa"); the head of a compound name ("Lidocaine with adrenaline" gives "lidocaine"); and
    ``UNFLAGGED_PRESCRIPTION_ONLY``."""
    knowledge = knowledge or default_knowledge()
    # Per knowledge version: the answer page asks on every request.
    found = _NAMES_BY_VERSION.get(knowledge.version)
    if found is None:
        found = _NAMES_BY_VERSION[knowledge.version] = _flagged_names(knowledge)
    return found


def _flagged_names(knowledge: Knowledge) -> tuple[str, ...]:
    flagged = [s.name for s in knowledge.substances.values() if s.prescription_only]
    flagged += [a.name for a in knowledge.alternatives if a.prescription_only]
    names: set[str] = set(UNFLAGGED_PRESCRIPTION_ONLY)
    for name in flagged:
        lowered = name.lower().strip()
        names.add(lowered)
        bare = re.sub(r"\s*\([^)]*\)", "", lowered).strip()
        names.add(bare)
        names.add(re.split(r" with | in ", bare)[0].strip())
        for inside in re.findall(r"\(([^)]*)\)", lowered):
            for part in inside.split(","):
                part = part.strip().strip('"')
                if part and not _DESCRIPTIVE.search(part):
                    names.add(part)
    return tuple(sorted(n for n in names if n))


def names_found(text: str, names: tuple[str, ...]) -> list[str]:
    """The ``names`` that occur in ``text`` as whole words, case-insensitive, in the order of
    ``names``."""
    matched = {m.group(0) for m in _pattern(names).finditer(text.lower())}
    return [n for n in names if n in matched]


@cache
def _pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    # One pass over the text; longest names first, so that a whole name wins over its head
    # and each name found is reported as itself.
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w])(?:{alternatives})(?![\w])")
