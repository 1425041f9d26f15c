"""Turning what a user types in the patient search box into terms the database can index.

Rules (each term is one whitespace-separated word of the query):
1. A term shaped like a date, ``dd/mm/yyyy`` (day and month may have one digit) or
   ``yyyy-mm-dd``, matches the date of birth exactly.
2. Consecutive terms made only of phone characters (digits, ``+ ( ) . -``) form one phone
   number, so "07700 900123" is one term; with 6 or more digits it matches a patient whose phone
   digits start or end with it (``+44`` read as a leading 0, as ``phone_digits`` stores them), so
   the last six digits a caller reads out find them.
3. Any other term is a name term: normalised like stored names (case and accents folded) and
   stripped of punctuation; it must prefix-match a word of the patient's name (see
   ``patients.models.name_tokens``), so "and" finds Anderson and "alice and" finds Alice
   Anderson. A word with nothing left to search for (only emoji or punctuation) is skipped
   beside other terms ("smith - jones"); a query of nothing else is a problem, so the search
   never falls back to listing every patient as matching.
4. Every term must match (AND). A term that cannot be used (an impossible date, too few digits)
   is reported in ``problems``, naming the value, and the search returns nothing rather than a
   silently wider result.

Pure: no database, no Django settings.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from mesoclinic.patients.models import normalise_name, phone_digits

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
MIN_PHONE_DIGITS = 6

_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DATE_LIKE = re.compile(r"[\d/]*\d/[\d/]*")
_PHONE_CHUNK = re.compile(r"[\d+().-]*\d[\d+().-]*")
_NOT_WORD = re.compile(r"[^\w]+")


@dataclass(frozen=True)
class SearchTerms:
    """A parsed query. ``problems`` non-empty means: show them, search nothing."""

    query: str
    names: tuple[str, ...] = ()
    dates: tuple[dt.date, ...] = ()
    phones: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        """No term at all: the plain list, not a search."""
        return not (self.names or self.dates or self.phones or self.problems)


def clean_query(raw: str) -> str:
    """The query without control or format characters, whitespace collapsed.

    Control characters have no place in a name, and NUL cannot be stored in PostgreSQL text
    or JSON (the query goes into the audit trail).
    """
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in raw
        if ch.isspace() or not unicodedata.category(ch).startswith("C")
    )
    return " ".join(kept.split())


def parse_search(raw: str) -> SearchTerms:
    """The terms of ``raw`` (see the module docstring for the rules)."""
    query = clean_query(raw)
    if len(query) > MAX_QUERY_LENGTH:
        return SearchTerms(
            query=query[:MAX_QUERY_LENGTH],
            problems=(f"The search is {len(query)} characters long; at most {MAX_QUERY_LENGTH}.",),
        )
    words = query.split()
    if len(words) > MAX_TERMS:
        return SearchTerms(
            query=query,
            problems=(f"The search has {len(words)} words; at most {MAX_TERMS}.",),
        )

    names: list[str] = []
    dates: list[dt.date] = []
    phones: list[str] = []
    problems: list[str] = []
    number: list[str] = []
    unusable: list[str] = []  # words with nothing to search for, such as "-" or an emoji

    def flush_number() -> None:
        if not number:
            return
        typed = " ".join(number)
        digits = phone_digits(typed)
        if len(digits) >= MIN_PHONE_DIGITS:
            phones.append(digits)
        else:
            problems.append(
                f"“{typed}” is too short to search phone numbers: type at least "
                f"{MIN_PHONE_DIGITS} digits."
            )
        number.clear()

    for word in words:
        date_match = _DMY.fullmatch(word) or _ISO.fullmatch(word)
        if date_match is not None:
            flush_number()
            day = _to_date(date_match, day_first=date_match.re is _DMY)
            if day is None:
                problems.append(f"“{word}” is not a date: use dd/mm/yyyy, e.g. 14/03/1984.")
            else:
                dates.append(day)
        elif _DATE_LIKE.fullmatch(word):
            flush_number()
            problems.append(f"“{word}” is not a date: use dd/mm/yyyy, e.g. 14/03/1984.")
        elif _PHONE_CHUNK.fullmatch(word):
            number.append(word)
        else:
            flush_number()
            name = _NOT_WORD.sub("", normalise_name(word))
            if name:
                names.append(name)
            else:
                unusable.append(word)
    flush_number()
    if unusable and not (names or dates or phones or problems):
        problems.append(
            f"“{' '.join(unusable)}” has no letters or digits to search for: type part of a "
            "name, a date of birth or a phone number."
        )
    return SearchTerms(
        query=query,
        names=tuple(names),
        dates=tuple(dates),
        phones=tuple(phones),
        problems=tuple(problems),
    )


def _to_date(match: re.Match[str], *, day_first: bool) -> dt.date | None:
    first, second, third = (int(group) for group in match.groups())
    year, month, day = (third, second, first) if day_first else (first, second, third)
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
