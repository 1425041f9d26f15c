"""CSV cells that a spreadsheet would run as formulas are neutralised (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io

import pytest

from mesoclinic.audit.csv_export import BYTE_ORDER_MARK, csv_lines, csv_safe


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+44 7700 900123", "'+44 7700 900123"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("\n=1", "'\n=1"),
        ("\0x", "'\0x"),
        ("Anderson", "Anderson"),
        ("a=1", "a=1"),
        ("", ""),
        (None, ""),
        (42, "42"),
    ],
)
def test_it_prefixes_formula_starts_with_a_quote(value: object, cell: str) -> None:
    assert csv_safe(value) == cell


def test_it_quotes_per_rfc_4180_and_round_trips() -> None:
    rows = [["a,b", 'say "hi"', "line\nbreak"], ["=cmd|' /C calc'!A0", "plain", ""]]
    text = "".join(csv_lines(["one", "two", "three"], rows))
    assert text.startswith(BYTE_ORDER_MARK)
    parsed = list(csv.reader(io.StringIO(text.removeprefix(BYTE_ORDER_MARK))))
    assert parsed == [
        ["one", "two", "three"],
        ["a,b", 'say "hi"', "line\nbreak"],
        ["'=cmd|' /C calc'!A0", "plain", ""],
    ]
    assert text.count("\r\n") == 3
