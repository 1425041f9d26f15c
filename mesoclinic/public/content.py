"""The information pages: plain-text files in ``content/info/`` that a clinic can edit.

A page file is a few lines of a Markdown-like text, rendered by the templates (escaped, never
as HTML)::

    # Title
    > One-sentence summary shown on the list of pages [R1]

    ## A heading
    A paragraph of short sentences, ending with its source ids [R1][R3].
    - A list item, with its own source ids [R40].

Every paragraph and list item is a claim and carries at least one source id (``[R12]``), as in
the fact base; the public tests refuse a page where one does not. A statement that something is
not established, where the fact base marks a gap, carries ``[GAP]`` instead (not shown).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

INFO_DIR = Path(__file__).parent / "content" / "info"
SOURCE_TAG = re.compile(r"\[([A-Z]+\d+[a-z]?)\]")
GAP_TAG = "[GAP]"
SLUG = re.compile(r"^[a-z0-9-]+$")


@dataclass(frozen=True)
class Block:
    kind: str  # "heading", "paragraph" or "item"
    text: str  # without its source tags
    sources: tuple[str, ...]
    gap: bool = False  # states that the fact base has no source for it


@dataclass(frozen=True)
class InfoPage:
    slug: str
    title: str
    summary: Block
    blocks: tuple[Block, ...]

    @property
    def sources(self) -> tuple[str, ...]:
        """Every source id the page cites, in the order of first citation."""
        cited = [*self.summary.sources, *(s for b in self.blocks for s in b.sources)]
        return tuple(dict.fromkeys(cited))

    @property
    def sections(self) -> list[tuple[Block | None, list[list[Block]]]]:
        """(heading, runs) pairs: each run is one paragraph or a list's items, in order."""
        sections: list[tuple[Block | None, list[list[Block]]]] = [(None, [])]
        for block in self.blocks:
            if block.kind == "heading":
                sections.append((block, []))
                continue
            runs = sections[-1][1]
            if block.kind == "item" and runs and runs[-1][0].kind == "item":
                runs[-1].append(block)
            else:
                runs.append([block])
        return [s for s in sections if s[0] is not None or s[1]]


class InfoPageMissing(Exception):
    pass


def _block(kind: str, line: str) -> Block:
    sources = tuple(dict.fromkeys(SOURCE_TAG.findall(line)))
    text = SOURCE_TAG.sub("", line.replace(GAP_TAG, "")).strip()
    return Block(kind, re.sub(r"\s+([.,;:])", r"\1", text), sources, GAP_TAG in line)


def parse_info_page(slug: str, text: str) -> InfoPage:
    title = ""
    summary = Block("paragraph", "", ())
    blocks: list[Block] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(_block("paragraph", " ".join(paragraph)))
            paragraph.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("## "):
            flush()
            blocks.append(Block("heading", line[3:].strip(), ()))
        elif line.startswith("# "):
            title = line[2:].strip()
        elif line.startswith("> "):
            summary = _block("paragraph", line[2:])
        elif line.startswith("- "):
            flush()
            blocks.append(_block("item", line[2:]))
        else:
            paragraph.append(line)
    flush()
    return InfoPage(slug, title, summary, tuple(blocks))


@cache
def info_pages() -> tuple[InfoPage, ...]:
    """Every page, in file-name order (a leading number orders them; it is not in the slug)."""
    pages = []
    for path in sorted(INFO_DIR.glob("*.txt")):
        slug = re.sub(r"^\d+-", "", path.stem)
        pages.append(parse_info_page(slug, path.read_text(encoding="utf-8")))
    return tuple(pages)


def info_page(slug: str) -> InfoPage:
    for page in info_pages():
        if page.slug == slug:
            return page
    raise InfoPageMissing(slug)
