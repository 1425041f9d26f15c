"""Lookup tables derived from a ``Knowledge`` value, built once per knowledge object.

``Knowledge`` keeps its file order in tuples; the engine needs lookups by (concern, zone) and
zone order on every plan. Building them per plan costs more than the planning itself, so they
are memoised here, keyed by the identity of the (immutable) knowledge value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mesoclinic.planning.knowledge_model import DeclinedUse, Knowledge, Protocol
from mesoclinic.planning.model import SubstanceRole


@dataclass(frozen=True)
class KnowledgeIndex:
    protocols: Mapping[str, Protocol]
    by_pair: Mapping[tuple[str, str], tuple[Protocol, ...]]
    """(concern, zone) -> the protocols for it, in order of preference (file order)."""
    declined_uses: Mapping[tuple[str, str], DeclinedUse]
    zone_rank: Mapping[str, int]
    capped_anaesthetics: frozenset[str]
    """Anaesthetics whose dose is capped per visit (those with a sourced mg per mL)."""
    memo: dict[Any, Any] = field(default_factory=dict)
    """Results of pure functions of this knowledge (e.g. an area for given inputs), bounded."""

    def remember(self, key: Any, compute: Any) -> Any:
        """``compute()`` once per ``key`` for this knowledge; the table is capped in size."""
        try:
            return self.memo[key]
        except KeyError:
            if len(self.memo) >= 4096:
                self.memo.clear()
            value = self.memo[key] = compute()
            return value


# id(knowledge) -> (knowledge, index). Holding the knowledge keeps its id from being reused.
_CACHE: dict[int, tuple[Knowledge, KnowledgeIndex]] = {}


def knowledge_index(knowledge: Knowledge) -> KnowledgeIndex:
    cached = _CACHE.get(id(knowledge))
    if cached is not None and cached[0] is knowledge:
        return cached[1]
    index = KnowledgeIndex(
        protocols={p.code: p for p in knowledge.protocols},
        by_pair=_by_pair(knowledge.protocols),
        declined_uses={(d.concern, z): d for d in knowledge.declined_uses for z in d.zones},
        zone_rank={code: i for i, code in enumerate(knowledge.zones)},
        capped_anaesthetics=frozenset(
            code
            for code, substance in knowledge.substances.items()
            if substance.role is SubstanceRole.ANAESTHETIC and substance.mg_per_ml is not None
        ),
    )
    if len(_CACHE) > 16:  # tests build many knowledge doubles; production has one
        _CACHE.clear()
    _CACHE[id(knowledge)] = (knowledge, index)
    return index


def _by_pair(protocols: tuple[Protocol, ...]) -> dict[tuple[str, str], tuple[Protocol, ...]]:
    found: dict[tuple[str, str], list[Protocol]] = {}
    for protocol in protocols:
        for zone in protocol.zones:
            found.setdefault((protocol.concern, zone), []).append(protocol)
    return {pair: tuple(group) for pair, group in found.items()}
