"""Source ids: ordering and collection."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable


@functools.cache  # a few hundred ids at most; sorting them is a hot path of every plan
def source_sort_key(source_id: str) -> tuple[str, int, str]:
    """Orders R2 before R10 and R24 before R24a: prefix, number, suffix."""
    head = source_id.rstrip("abcdefghijklmnopqrstuvwxyz")
    prefix = head.rstrip("0123456789")
    number = head[len(prefix) :]
    return (prefix, int(number) if number else 0, source_id[len(head) :])


def sorted_sources(ids: Iterable[str]) -> tuple[str, ...]:
    """Unique ids in reading order."""
    return tuple(sorted(set(ids), key=source_sort_key))


_CITATION = re.compile(r"\[([A-Z]+[0-9]+[a-z]?)\]")


def cited(*texts: str) -> tuple[str, ...]:
    """Source ids cited in prose as ``[R24]``, so an item's sources cover its own words."""
    return tuple(match for text in texts for match in _CITATION.findall(text))
