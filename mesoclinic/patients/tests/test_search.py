"""What a search box query means: names, dates of birth and phone numbers (pure)."""

from __future__ import annotations

import datetime as dt

import pytest

from mesoclinic.patients.models import name_tokens, normalise_name
from mesoclinic.patients.search import MAX_QUERY_LENGTH, MAX_TERMS, parse_search


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("and", ("and",)),
        ("Alice And", ("alice", "and")),
        ("  ÁNDERSON  ", ("anderson",)),
        ("o'brien", ("obrien",)),
        ("O\u2019Bri", ("obri",)),  # a typographic apostrophe
        ("smith-jo", ("smithjo",)),
        ("Zoë", ("zoe",)),
    ],
)
def test_it_normalises_name_terms(query: str, names: tuple[str, ...]) -> None:
    terms = parse_search(query)
    assert terms.names == names
    assert terms.problems == ()


@pytest.mark.parametrize("query", ["14/03/1984", "1984-03-14", "4/3/1984"])
def test_it_reads_dates_of_birth_day_first_or_iso(query: str) -> None:
    expected = dt.date(1984, 3, 4) if query == "4/3/1984" else dt.date(1984, 3, 14)
    terms = parse_search(query)
    assert terms.dates == (expected,)
    assert terms.names == ()


@pytest.mark.parametrize("query", ["31/02/2000", "2000-13-01", "14/03/84"])
def test_it_reports_an_impossible_date_naming_it(query: str) -> None:
    terms = parse_search(f"alice {query}")
    assert terms.problems == (f"“{query}” is not a date: use dd/mm/yyyy, e.g. 14/03/1984.",)


@pytest.mark.parametrize(
    ("query", "digits"),
    [
        ("07700 900123", "07700900123"),
        ("+44 7700 900123", "07700900123"),
        ("(07700) 900-123", "07700900123"),
        ("077009", "077009"),
    ],
)
def test_it_joins_the_parts_of_a_phone_number(query: str, digits: str) -> None:
    terms = parse_search(query)
    assert terms.phones == (digits,)
    assert terms.names == ()


def test_it_refuses_too_few_digits_for_a_phone_search() -> None:
    terms = parse_search("anderson 12345")
    assert terms.names == ("anderson",)
    assert terms.problems == (
        "“12345” is too short to search phone numbers: type at least 6 digits.",
    )


def test_it_combines_every_kind_of_term() -> None:
    terms = parse_search("Alice 14/03/1984 07700 900123 anderson")
    assert terms.names == ("alice", "anderson")
    assert terms.dates == (dt.date(1984, 3, 14),)
    assert terms.phones == ("07700900123",)


def test_it_drops_control_characters_and_punctuation_only_terms() -> None:
    terms = parse_search("ali\x00ce \u200b - '")
    assert terms.query == "alice - '"
    assert terms.names == ("alice",)


def test_an_empty_query_is_the_plain_list() -> None:
    assert parse_search("   ").is_empty
    assert not parse_search("a").is_empty


def test_it_refuses_overlong_queries() -> None:
    terms = parse_search("a" * (MAX_QUERY_LENGTH + 5))
    assert terms.problems == (f"The search is 205 characters long; at most {MAX_QUERY_LENGTH}.",)
    assert len(terms.query) == MAX_QUERY_LENGTH


def test_it_refuses_too_many_words() -> None:
    terms = parse_search(" ".join(["a"] * (MAX_TERMS + 1)))
    assert terms.problems == (f"The search has {MAX_TERMS + 1} words; at most {MAX_TERMS}.",)


def test_name_tokens_cover_each_word_its_parts_and_its_parts_joined() -> None:
    tokens = name_tokens(normalise_name("Smith-Jones Mary O'Brien"))
    assert tokens == {"smith", "jones", "smithjones", "mary", "o", "brien", "obrien"}


def test_name_tokens_ignore_punctuation_only_words() -> None:
    assert name_tokens(normalise_name("Ann - '")) == {"ann"}


@pytest.mark.parametrize("query", ["😀", "😀 🎉", "!!!", "- / -", "…", "¿?"])
def test_it_reports_a_search_with_nothing_to_search_for(query: str) -> None:
    terms = parse_search(query)
    assert terms.problems == (
        f"“{query}” has no letters or digits to search for: type part of a name, a date of "
        "birth or a phone number.",
    )
    assert not terms.is_empty


def test_it_skips_punctuation_beside_real_terms() -> None:
    terms = parse_search("smith - jones 😀")
    assert terms.names == ("smith", "jones")
    assert terms.problems == ()
