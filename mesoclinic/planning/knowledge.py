"""Load the knowledge base: the TOML files in ``planning/data`` -> one frozen ``Knowledge``.

``load_knowledge`` reads every file the schema (``data/README.md``) lists, checks it against the
schema and against the other files, and either returns a ``Knowledge`` or raises one
``PlanningError`` whose ``problems`` list every problem found, each naming the file, the entry
and the key. Nothing is half-loaded: one problem anywhere and no ``Knowledge`` is returned,
because the engine must not plan from a fact base with a number nobody can trace.

Pure Python (stdlib only) and free of Django, like the rest of ``planning``.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from mesoclinic.planning.errors import PlanningError, Problem
from mesoclinic.planning.knowledge_entries import (
    build_allergy_class,
    build_alternative,
    build_concern,
    build_declined,
    build_protocols,
    build_rule,
    build_source,
    build_substance,
    build_zone,
)
from mesoclinic.planning.knowledge_model import (
    Knowledge,
)
from mesoclinic.planning.knowledge_parse import (
    Context,
    Entry,
    Table,
    build_each,
    known_codes,
    read_file,
)

DATA_DIR = Path(__file__).parent / "data"

# The knowledge files, in the order they are checked: each file's codes are known before a
# later file refers to them. Only these files count towards the version hash.
FILES: tuple[str, ...] = (
    "meta.toml",
    "sources.toml",
    "codes.toml",
    "zones.toml",
    "concerns.toml",
    "substances.toml",
    "allergy_classes.toml",
    "protocols.toml",
    "rules.toml",
    "declined.toml",
    "alternatives.toml",
)

# Semver-like, without build metadata: the loader appends "+sha256:..." itself.
VERSION_RE = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?")


def load_knowledge(directory: Path | None = None) -> Knowledge:
    """Read, validate and return the knowledge base in ``directory`` (default: packaged data).

    Raises ``PlanningError`` listing every problem (missing or malformed file, bare or unsourced
    number, unknown or duplicate code, unknown key, ...) when there is at least one.
    ``Knowledge.version`` is ``meta.toml``'s version plus ``+sha256:`` and the first 12 hex
    digits of a hash over the knowledge files (see ``_version``), so equal bytes give an equal
    version and any edit gives a new one.
    """
    folder = DATA_DIR if directory is None else Path(directory)
    ctx = Context()
    blobs: dict[str, bytes] = {}
    docs = {name: read_file(folder, name, ctx, blobs) for name in FILES}

    semver = _meta(ctx, docs["meta.toml"])
    sources = build_each(ctx, "sources.toml", docs["sources.toml"], "source", "id", build_source)
    ctx.sources = known_codes(docs["sources.toml"], "source", sources)
    conditions, medications = _codes(ctx, docs["codes.toml"])
    zones = build_each(ctx, "zones.toml", docs["zones.toml"], "zone", "code", build_zone)
    ctx.zones = known_codes(docs["zones.toml"], "zone", zones)
    concerns = build_each(
        ctx, "concerns.toml", docs["concerns.toml"], "concern", "code", build_concern
    )
    ctx.concerns = known_codes(docs["concerns.toml"], "concern", concerns)
    substances = build_each(
        ctx, "substances.toml", docs["substances.toml"], "substance", "code", build_substance
    )
    ctx.substances = known_codes(docs["substances.toml"], "substance", substances)
    allergy_classes = build_each(
        ctx,
        "allergy_classes.toml",
        docs["allergy_classes.toml"],
        "class",
        "code",
        build_allergy_class,
    )
    for code in allergy_classes.keys() & substances.keys():
        ctx.problems.append(
            Problem(f'allergy_classes.toml: class "{code}"', "code is also a substance code")
        )
    protocols = build_protocols(ctx, docs["protocols.toml"], concerns, substances)
    rules = build_each(ctx, "rules.toml", docs["rules.toml"], "rule", "code", build_rule)
    declined = build_declined(ctx, docs["declined.toml"], protocols)
    alternatives = build_each(
        ctx,
        "alternatives.toml",
        docs["alternatives.toml"],
        "alternative",
        "code",
        build_alternative,
    )

    if ctx.problems:
        raise PlanningError(ctx.problems)
    return Knowledge(
        version=_version(semver, blobs),
        sources=MappingProxyType(sources),
        zones=MappingProxyType(zones),
        concerns=MappingProxyType(concerns),
        substances=MappingProxyType(substances),
        protocols=tuple(protocols.values()),
        rules=tuple(rules.values()),
        declined_uses=declined,
        alternatives=tuple(alternatives.values()),
        conditions=conditions,
        medications=medications,
        allergy_classes=MappingProxyType(allergy_classes),
    )


@functools.cache
def default_knowledge() -> Knowledge:
    """The packaged knowledge base (``planning/data``), loaded and validated once per process.

    The result is cached: every call returns the same object. A failed load is not cached,
    so the next call tries again (and raises again if the files are still wrong).
    """
    return load_knowledge()


def _version(semver: str, blobs: Mapping[str, bytes]) -> str:
    """``semver+sha256:<12 hex>``; the hash covers, per file in name order, name NUL bytes NUL."""
    digest = hashlib.sha256()
    for name in sorted(blobs):
        digest.update(name.encode() + b"\0" + blobs[name] + b"\0")
    return f"{semver}+sha256:{digest.hexdigest()[:12]}"


def _meta(ctx: Context, doc: Table | None) -> str:
    if doc is None:
        return ""
    entry = Entry(ctx, "meta.toml", doc)
    version = entry.text("version", nonempty=True)
    if version.strip() and not VERSION_RE.fullmatch(version):
        entry.problem("version", f'must look like "2026.11.1" (got "{version}")')
    entry.finish()
    return version


def _codes(ctx: Context, doc: Table | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``codes.toml``: the condition and medication codes of the contract."""
    if doc is None:
        return (), ()
    entry = Entry(ctx, "codes.toml", doc)
    lists = []
    for key in ("conditions", "medications"):
        items = entry.strings(key) or ()
        for i, item in enumerate(items):
            if item in items[:i]:
                entry.problem(f"{key}[{i}]", f'duplicate code "{item}"')
        lists.append(items)
    entry.finish()
    # As in known_codes: no list, no checks against it (the missing list is the one problem).
    ctx.conditions = frozenset(lists[0]) if isinstance(doc.get("conditions"), list) else None
    ctx.medications = frozenset(lists[1]) if isinstance(doc.get("medications"), list) else None
    return lists[0], lists[1]
