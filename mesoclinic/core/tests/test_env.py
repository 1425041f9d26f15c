from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from mesoclinic.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_proxy_ssl_header,
    env_secret,
    env_str,
)

NAME = "MESOCLINIC_TEST_VARIABLE"


@pytest.fixture
def set_var(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.delenv(NAME, raising=False)
    monkeypatch.delenv(f"{NAME}_FILE", raising=False)
    return monkeypatch


def test_it_reads_a_string_without_surrounding_space(set_var: pytest.MonkeyPatch) -> None:
    set_var.setenv(NAME, "  clinic.example.org ")
    assert env_str(NAME, "x") == "clinic.example.org"


@pytest.mark.parametrize("value", [None, "", "   "])
def test_it_treats_unset_and_empty_as_the_default(
    set_var: pytest.MonkeyPatch, value: str | None
) -> None:
    if value is not None:
        set_var.setenv(NAME, value)
    assert env_str(NAME, "fallback") == "fallback"
    assert env_bool(NAME, default=True) is True
    assert env_int(NAME, 7) == 7
    assert env_list(NAME, ["a"]) == ["a"]
    assert env_choice(NAME, "INFO", ["INFO", "DEBUG"]) == "INFO"
    assert env_secret(NAME) is None
    assert env_proxy_ssl_header(NAME) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", True),
        ("true", True),
        ("TRUE", True),
        ("Yes", True),
        ("on", True),
        ("0", False),
        ("false", False),
        ("No", False),
        ("OFF", False),
        (" off ", False),
    ],
)
def test_it_reads_booleans_in_any_case(
    set_var: pytest.MonkeyPatch, value: str, expected: bool
) -> None:
    set_var.setenv(NAME, value)
    assert env_bool(NAME, default=not expected) is expected


@pytest.mark.parametrize("value", ["2", "maybe", "truee", "y"])
def test_it_refuses_a_bad_boolean_naming_variable_and_value(
    set_var: pytest.MonkeyPatch, value: str
) -> None:
    set_var.setenv(NAME, value)
    with pytest.raises(ImproperlyConfigured) as raised:
        env_bool(NAME, default=False)
    assert str(raised.value) == (
        f"{NAME}={value!r} is not a boolean: use 1/0, true/false, yes/no or on/off"
    )


def test_it_reads_an_integer_within_bounds(set_var: pytest.MonkeyPatch) -> None:
    set_var.setenv(NAME, " 42 ")
    assert env_int(NAME, 0, min=42, max=42) == 42


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("forty", f"{NAME}='forty' is not an integer"),
        ("4.5", f"{NAME}='4.5' is not an integer"),
        ("-1", f"{NAME}='-1' is below the minimum of 0"),
        ("101", f"{NAME}='101' is above the maximum of 100"),
    ],
)
def test_it_refuses_a_bad_integer_naming_variable_and_value(
    set_var: pytest.MonkeyPatch, value: str, message: str
) -> None:
    set_var.setenv(NAME, value)
    with pytest.raises(ImproperlyConfigured) as raised:
        env_int(NAME, 5, min=0, max=100)
    assert str(raised.value) == message


def test_it_splits_a_list_on_commas_and_drops_blanks(set_var: pytest.MonkeyPatch) -> None:
    set_var.setenv(NAME, "clinic.example.org, ,www.clinic.example.org ,")
    assert env_list(NAME) == ["clinic.example.org", "www.clinic.example.org"]


def test_it_accepts_only_listed_choices(set_var: pytest.MonkeyPatch) -> None:
    set_var.setenv(NAME, "DEBUG")
    assert env_choice(NAME, "INFO", ["INFO", "DEBUG"]) == "DEBUG"
    set_var.setenv(NAME, "debug")
    with pytest.raises(ImproperlyConfigured) as raised:
        env_choice(NAME, "INFO", ["INFO", "DEBUG"])
    assert str(raised.value) == f"{NAME}='debug' is not one of: INFO, DEBUG"


def test_it_reads_a_secret_from_the_variable(set_var: pytest.MonkeyPatch) -> None:
    set_var.setenv(NAME, "s3cret")
    assert env_secret(NAME) == "s3cret"


def test_it_reads_a_secret_from_a_file_and_strips_it(
    set_var: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_text("s3cret-from-file\n", encoding="utf-8")
    set_var.setenv(f"{NAME}_FILE", str(secret_file))
    assert env_secret(NAME) == "s3cret-from-file"


def test_it_refuses_a_missing_secret_file(set_var: pytest.MonkeyPatch, tmp_path: Path) -> None:
    missing = tmp_path / "absent"
    set_var.setenv(f"{NAME}_FILE", str(missing))
    with pytest.raises(ImproperlyConfigured) as raised:
        env_secret(NAME)
    assert str(raised.value) == (
        f"{NAME}_FILE={str(missing)!r} cannot be read: No such file or directory"
    )


def test_it_refuses_an_empty_secret_file(set_var: pytest.MonkeyPatch, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.write_text(" \n", encoding="utf-8")
    set_var.setenv(f"{NAME}_FILE", str(empty))
    with pytest.raises(ImproperlyConfigured) as raised:
        env_secret(NAME)
    assert str(raised.value) == f"{NAME}_FILE={str(empty)!r} names an empty file"


def test_it_refuses_a_secret_set_both_ways(set_var: pytest.MonkeyPatch, tmp_path: Path) -> None:
    set_var.setenv(NAME, "one")
    set_var.setenv(f"{NAME}_FILE", str(tmp_path / "two"))
    with pytest.raises(ImproperlyConfigured) as raised:
        env_secret(NAME)
    assert str(raised.value) == f"{NAME} and {NAME}_FILE are both set: set only one"


def test_it_turns_a_proxy_header_into_its_wsgi_key(set_var: pytest.MonkeyPatch) -> None:
    set_var.setenv(NAME, "X-Forwarded-Proto: https")
    assert env_proxy_ssl_header(NAME) == ("HTTP_X_FORWARDED_PROTO", "https")


@pytest.mark.parametrize("value", ["X-Forwarded-Proto", "X-Forwarded-Proto:", ": https", "A B: c"])
def test_it_refuses_a_bad_proxy_header(set_var: pytest.MonkeyPatch, value: str) -> None:
    set_var.setenv(NAME, value)
    with pytest.raises(ImproperlyConfigured) as raised:
        env_proxy_ssl_header(NAME)
    assert str(raised.value) == (
        f"{NAME}={value!r} is not a header and value: write e.g. 'X-Forwarded-Proto: https'"
    )
