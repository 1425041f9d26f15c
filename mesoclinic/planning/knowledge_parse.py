"""Typed reading of TOML tables for ``planning.knowledge``, keeping every problem.

An ``Entry`` wraps one TOML table (a ``[[zone]]``, a quantity, a whole file) and reads typed
values out of it. A reader never raises: it records one problem line naming the file, the entry
and the key path (``protocols.toml: protocol "a": sessions.value: ...``) and returns a
placeholder of the declared type, so that the loader goes on and reports every problem of the
knowledge base at once. Placeholders never leave the loader: it raises ``PlanningError`` as soon
as one problem was recorded.

Key paths join table keys with ``.`` and list positions with ``[i]`` (0-based).
"""

from __future__ import annotations

import difflib
import math
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TypeGuard, TypeVar

from mesoclinic.planning.errors import Problem
from mesoclinic.planning.knowledge_model import Gap, Measure, Quantity, Sourced, Thickness

E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")

Table = Mapping[str, object]
# A set of valid codes, or None when the file that defines them could not be read: checking
# against it would bury the one real problem (a missing or malformed file) under hundreds.
Codes = frozenset[str] | None


def suggest(code: str, known: Iterable[str]) -> str:
    """``' (did you mean "x"?)'`` for the nearest known code, or ``''`` when none is close."""
    candidates = sorted(known)
    by_case = {c.lower(): c for c in candidates}
    if code.lower() in by_case:  # "rct" for "RCT": difflib alone is case-sensitive
        return f' (did you mean "{by_case[code.lower()]}"?)'
    match = difflib.get_close_matches(code, candidates, n=1)
    return f' (did you mean "{match[0]}"?)' if match else ""


def unknown(kind: str, code: str, known: Iterable[str]) -> str:
    """The message for a code that is not in ``known``, with the nearest one."""
    return f'unknown {kind} "{code}"{suggest(code, known)}'


def toml_type(value: object) -> str:
    """The TOML name of a parsed value's type, for messages."""
    for kind, name in (
        (bool, "boolean"),  # before int: bool is an int subclass
        (int, "integer"),
        (float, "float"),
        (str, "string"),
        (list, "array"),
        (dict, "table"),
    ):
        if isinstance(value, kind):
            return name
    return "date/time"


def is_number(value: object) -> TypeGuard[int | float]:
    """True for TOML integers and floats; a boolean is not a number."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_positive(value: object) -> bool:
    """True for a finite number above zero."""
    return is_number(value) and 0 < value < math.inf


@dataclass
class Context:
    """What one load has found so far: the problems, and the codes defined by earlier files."""

    problems: list[Problem] = field(default_factory=list)
    sources: Codes = None
    zones: Codes = None
    concerns: Codes = None
    substances: Codes = None
    conditions: Codes = None
    medications: Codes = None


class Entry:
    """One TOML table being read; ``where`` names the file and entry, ``path`` the table in it."""

    def __init__(self, ctx: Context, where: str, table: Table, path: str = "") -> None:
        self.ctx = ctx
        self.where = where
        self.table = table
        self.path = path
        self._read: set[str] = set()
        self._bad: set[str] = set()

    # --- problems ------------------------------------------------------------------------

    def problem(self, key: str | None, message: str) -> None:
        """Record ``message`` about ``key`` (None: about this table itself)."""
        at = ".".join(part for part in (self.path, key) if part)
        self.ctx.problems.append(Problem(f"{self.where}: {at}" if at else self.where, message))
        if key is not None:
            self._bad.add(key)

    def bad(self, key: str) -> bool:
        """True when a problem was already recorded for ``key``: later checks stay quiet."""
        return key in self._bad

    def finish(self) -> None:
        """Refuse every key of the table that no reader asked for: a typo must not pass."""
        for key in self.table:
            if key not in self._read:
                self.problem(None, unknown("key", key, self._read))

    def child(self, key: str, table: Table) -> Entry:
        """An entry for the sub-table at ``key``; its problems carry the key path."""
        return Entry(self.ctx, self.where, table, ".".join(p for p in (self.path, key) if p))

    def raw(self, key: str, *, required: bool = True) -> object | None:
        """The value at ``key``, or None when absent (TOML has no null, so None means absent)."""
        self._read.add(key)
        if key in self.table:
            return self.table[key]
        if required:
            self.problem(key, "required key is missing")
        return None

    # --- scalars -------------------------------------------------------------------------

    def text(self, key: str, *, required: bool = True, nonempty: bool = False) -> str:
        """A string; ``''`` when absent and not required."""
        value = self.raw(key, required=required)
        if value is None:
            return ""
        if not isinstance(value, str):
            self.problem(key, f"must be a string (got {toml_type(value)})")
            return ""
        if nonempty and not value.strip():
            self.problem(key, "must not be empty")
        return value

    def maybe_text(self, key: str) -> str | None:
        """An optional non-empty string; None when absent."""
        if key not in self.table:
            self._read.add(key)
            return None
        return self.text(key, nonempty=True)

    def flag(self, key: str, *, required: bool = True) -> bool:
        """A boolean; False when absent and not required."""
        value = self.raw(key, required=required)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.problem(key, f"must be true or false (got {toml_type(value)})")
            return False
        return value

    def enum(self, key: str, cls: type[E], kind: str) -> E:
        """A member of ``cls`` by value; the first member as placeholder on a problem."""
        value = self.text(key, nonempty=True)
        try:
            return cls(value)
        except ValueError:
            if value.strip():
                self.problem(key, unknown(kind, value, (m.value for m in cls)))
            return next(iter(cls))

    def code(self, key: str, known: Codes, kind: str) -> str:
        """A single code that must be in ``known``."""
        value = self.text(key, nonempty=True)
        if value.strip() and known is not None and value not in known:
            self.problem(key, unknown(kind, value, known))
        return value

    # --- lists ---------------------------------------------------------------------------

    def strings(self, key: str, *, required: bool = True) -> tuple[str, ...] | None:
        """A list of non-empty strings; None when absent and not required."""
        value = self.raw(key, required=required)
        if value is None:
            return None if not required else ()
        if not isinstance(value, list):
            self.problem(key, f"must be a list of strings (got {toml_type(value)})")
            return ()
        out: list[str] = []
        for i, item in enumerate(value):
            if not isinstance(item, str):
                self.problem(f"{key}[{i}]", f"must be a string (got {toml_type(item)})")
            elif not item.strip():
                self.problem(f"{key}[{i}]", "must not be empty")
            else:
                out.append(item)
        return tuple(out)

    def codes(
        self,
        key: str,
        known: Codes,
        kind: str,
        *,
        required: bool = True,
        nonempty: bool = False,
    ) -> tuple[str, ...] | None:
        """A list of distinct codes that must be in ``known``; None when absent and optional."""
        items = self.strings(key, required=required)
        if items is None:
            return None
        if nonempty and not items and not self.bad(key):
            self.problem(key, f"must list at least one {kind}")
        seen: set[str] = set()
        for i, item in enumerate(items):
            if known is not None and item not in known:
                self.problem(f"{key}[{i}]", unknown(kind, item, known))
            elif item in seen:
                self.problem(f"{key}[{i}]", f'duplicate {kind} "{item}"')
            seen.add(item)
        return items

    def source_ids(self, key: str, *, required: bool = True) -> tuple[str, ...]:
        """Distinct ids that ``sources.toml`` defines; ``()`` when absent and optional.

        An unknown id gets no "did you mean": the nearest id is usually another paper.
        """
        items = self.strings(key, required=required) or ()
        seen: set[str] = set()
        for item in items:
            if self.ctx.sources is not None and item not in self.ctx.sources:
                self.problem(key, f'unknown source id "{item}"')
            elif item in seen:
                self.problem(key, f'duplicate source id "{item}"')
            seen.add(item)
        return items

    def tables(self, key: str) -> list[Table]:
        """A required array of tables (``[[key]]``, or ``key = []`` for none)."""
        value = self.raw(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
            self.problem(key, f"must be an array of tables ([[{key}]])")
            return []
        return list(value)

    # --- quantities ----------------------------------------------------------------------

    def quantity(self, key: str, *, whole: bool = False) -> Quantity:
        """A required ``{value, sources, note?}`` or ``{gap, sources?, note?}`` table.

        ``whole``: the value must be a whole number (3 or 3.0, not 2.5). Values must be
        positive and finite. A placeholder ``Gap`` is returned on a problem.
        """
        found = self._quantity(key, whole=whole, required=True, gap=True)
        return Gap("") if found is None else found

    def sourced(self, key: str, *, whole: bool = False, required: bool = False) -> Sourced | None:
        """A ``{value, sources, note?}`` table where a gap is not allowed; None when absent."""
        found = self._quantity(key, whole=whole, required=required, gap=False)
        return found if isinstance(found, Sourced) else None

    def _quantity(self, key: str, *, whole: bool, required: bool, gap: bool) -> Quantity | None:
        value = self.raw(key, required=required)
        if value is None:
            return None
        if is_number(value):
            self.problem(key, "a clinical number must be a table with value and sources")
            return None
        if not isinstance(value, dict):
            self.problem(key, f"must be a table with value and sources (got {toml_type(value)})")
            return None
        q = self.child(key, value)
        number = q.raw("value", required=False)
        words = q.raw("gap", required=False)
        sources = q.source_ids("sources", required=False)
        note = q.text("note", required=False)
        q.finish()
        if number is not None and words is not None:
            q.problem(None, "give either value (with sources) or gap, not both")
            return None
        if words is not None:
            if not gap:
                q.problem(
                    None,
                    "must have a value with sources; leave the key out when no source gives one",
                )
                return None
            if not isinstance(words, str) or not words.strip():
                q.problem("gap", "must be a non-empty string saying why there is no number")
                return None
            return Gap(words, sources)
        if number is None:
            q.problem(None, "needs value and sources" + (", or gap" if gap else ""))
            return None
        if not sources and not q.bad("sources"):
            q.problem(None, "a number needs at least one source id")
        if not is_number(number):
            q.problem("value", f"must be a number (got {toml_type(number)})")
            return None
        amount = float(number)
        if not is_positive(amount):
            q.problem("value", f"must be a positive number (got {number!r})")
        elif whole and not amount.is_integer():
            q.problem("value", f"must be a whole number (got {number!r})")
        return Sourced(amount, sources, note)

    def thickness(self, key: str) -> Thickness | None:
        """An optional ``{epidermis = [mean, sd], dermis = [mean, sd], sources}`` table."""
        value = self.raw(key, required=False)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.problem(
                key, f"must be a table with epidermis, dermis and sources (got {toml_type(value)})"
            )
            return None
        t = self.child(key, value)
        epidermis = t.measure("epidermis", sd_below_mean=False)
        dermis = t.measure("dermis", sd_below_mean=True)
        sources = t.source_ids("sources")
        t.finish()
        if not sources and not t.bad("sources"):
            t.problem(None, "a measurement needs at least one source id")
        if epidermis is None or dermis is None:
            return None
        return Thickness(epidermis, dermis, sources)

    def measure(self, key: str, *, sd_below_mean: bool) -> Measure | None:
        """``[mean, sd]``: two positive numbers, in millimetres."""
        value = self.raw(key)
        if value is None:
            return None
        if not isinstance(value, list) or len(value) != 2 or not all(is_positive(x) for x in value):
            self.problem(key, f"must be [mean, sd], two positive numbers (got {value!r})")
            return None
        mean, sd = float(value[0]), float(value[1])
        if sd_below_mean and sd >= mean:
            self.problem(key, f"sd {sd:g} must be smaller than mean {mean:g}")
        return Measure(mean, sd)


# --- files ---------------------------------------------------------------------------------


def read_file(folder: Path, name: str, ctx: Context, blobs: dict[str, bytes]) -> Table | None:
    """The parsed file (its bytes kept in ``blobs``), or None and one problem when it is
    missing, unreadable or not valid TOML."""
    try:
        blobs[name] = (folder / name).read_bytes()
    except FileNotFoundError:
        ctx.problems.append(Problem(name, "file is missing"))
        return None
    except OSError as error:
        ctx.problems.append(Problem(name, f"cannot be read: {error.strerror}"))
        return None
    try:
        return tomllib.loads(blobs[name].decode("utf-8"))
    except UnicodeDecodeError as error:
        ctx.problems.append(
            Problem(name, f"invalid TOML: not UTF-8 ({error.reason} at byte {error.start})")
        )
    except tomllib.TOMLDecodeError as error:
        ctx.problems.append(Problem(name, f"invalid TOML: {error}"))
    return None


def known_codes(doc: Table | None, key: str, defined: Mapping[str, object]) -> Codes:
    """The codes a file defines; None when its ``[[key]]`` array could not be read at all.

    None turns off the checks against this file: one missing file should give one problem,
    not one per reference to it.
    """
    tables = None if doc is None else doc.get(key)
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        return None
    return frozenset(defined)


def entries(ctx: Context, name: str, doc: Table | None, key: str, label: str | None) -> list[Entry]:
    """One ``Entry`` per ``[[key]]`` table of the file, labelled ``key "<label value>"``, or
    ``key[i]`` (its position) when there is no usable label."""
    if doc is None:
        return []
    top = Entry(ctx, name, doc)
    tables = top.tables(key)
    top.finish()
    found = []
    for i, table in enumerate(tables):
        code = table.get(label) if label else None
        named = isinstance(code, str) and code.strip()
        found.append(
            Entry(ctx, f'{name}: {key} "{code}"' if named else f"{name}: {key}[{i}]", table)
        )
    return found


def build_each(
    ctx: Context,
    name: str,
    doc: Table | None,
    key: str,
    code_key: str,
    build: Callable[[Entry, Context], T],
) -> dict[str, T]:
    """Build every ``[[key]]`` of a file into a dict by code, in file order.

    ``build`` reads the entry; unknown keys are refused after it, then a repeated code (the
    first entry with a code wins, the later ones are reported as duplicates).
    """
    built: dict[str, T] = {}
    for entry in entries(ctx, name, doc, key, code_key):
        value = build(entry, ctx)
        entry.finish()
        code = entry.table.get(code_key)
        if isinstance(code, str) and code.strip():
            if code in built:
                entry.problem(None, f"duplicate {code_key}")
            else:
                built[code] = value
    return built
