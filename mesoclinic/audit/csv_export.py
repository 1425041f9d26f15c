"""CSV for spreadsheets, safe to open: RFC 4180 quoting and no formula injection.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return, a line feed or NUL
could be run as a formula by a spreadsheet (OWASP "CSV injection", ASVS 5.0 1.2.10), so it is
prefixed with a single quote, which spreadsheets show as text. Everything else is left as is.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
# Excel reads a UTF-8 file as the local code page unless it starts with a byte order mark.
BYTE_ORDER_MARK = "\ufeff"


def csv_safe(value: object) -> str:
    """``value`` as a cell that no spreadsheet will evaluate."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    """A file-like object whose write() returns the line, so csv.writer can feed a generator."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The CSV text, one line at a time (for ``StreamingHttpResponse``), every cell made safe."""
    writer = csv.writer(_Echo())
    yield BYTE_ORDER_MARK + writer.writerow([csv_safe(cell) for cell in header])
    for row in rows:
        yield writer.writerow([csv_safe(cell) for cell in row])
