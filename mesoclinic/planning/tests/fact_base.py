"""The fact base's reference list (``shared/reference/clinical-facts.md``), read for tests.

The fact base lives beside the repository, not in it: CI checks the repository out next to
``shared/``, a user's clone usually has no fact base at all. ``find_fact_base`` looks for it by
walking up from the repository root; tests that need it skip when it is absent.

Section 9 lists one reference per line, ``- **R12** citation. URL ; URL (quality note)``;
section 10 (the addendum on 5-alpha-reductase inhibitors) has no R ids, so the knowledge base
names its two sources ADD1 and ADD2, in the addendum's order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

REPOSITORY_ROOT = Path(__file__).resolve().parents[3]
RELATIVE_PATH = Path("shared") / "reference" / "clinical-facts.md"

_ENTRY = re.compile(r"^- \*\*(R[0-9]+[a-z]?)\*\* (.+)$", re.MULTILINE)
_URL = re.compile(r"https?://[^\s;)]+[^\s;).,]")
_NO_RECORD = "(no open record found"


@dataclass(frozen=True)
class Reference:
    """One reference as the fact base gives it."""

    id: str
    citation: str  # the text before the first address (or before "no open record found")
    url: str  # the first address, or "" when the fact base found no open record
    marked: str | None  # "low", "secondary" or "vendor" where the fact base flags the source


def find_fact_base(start: Path = REPOSITORY_ROOT) -> Path | None:
    """``<ancestor>/shared/reference/clinical-facts.md`` for the nearest ancestor that has one."""
    for folder in (start, *start.parents):
        candidate = folder / RELATIVE_PATH
        if candidate.is_file():
            return candidate
    return None


def references(text: str) -> dict[str, Reference]:
    """Every reference of the fact base, by id: section 9's R ids, then ADD1 and ADD2."""
    found = {match[1]: _reference(match[1], match[2]) for match in _ENTRY.finditer(text)}
    addendum = text.partition("## 10. Addendum")[2]
    for number, row in enumerate(line for line in addendum.splitlines() if _URL.search(line)):
        url = _URL.search(row)
        assert url is not None
        source_id = f"ADD{number + 1}"
        found[source_id] = Reference(source_id, "", url[0], None)
    return found


def _reference(source_id: str, body: str) -> Reference:
    url = _URL.search(body)
    cut = min(
        position
        for position in (url.start() if url else len(body), body.find(_NO_RECORD))
        if position >= 0
    )
    return Reference(
        id=source_id,
        citation=body[:cut].strip().rstrip(";").strip(),
        url=url[0] if url else "",
        marked=_marked(body),
    )


def _marked(body: str) -> str | None:
    lowered = body.lower()
    if "low quality" in lowered:
        return "low"
    if "(vendor)" in lowered:
        return "vendor"
    if "(secondary)" in lowered or "quality: secondary" in lowered:
        return "secondary"
    return None
