"""Tests of ``mesoclinic plan``: in-process through ``main()``, and once as a real process.

These run the real engine on the packaged knowledge base, so they check the whole path from
JSON text to printed plan; the exact plan content is the engine's tests' business.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mesoclinic.planning.cli import main
from mesoclinic.planning.engine import make_plan
from mesoclinic.planning.knowledge import default_knowledge
from mesoclinic.planning.render import plan_to_dict, plan_to_text
from mesoclinic.planning.request import parse_request
from mesoclinic.planning.tests.io_samples import full_request

CONTRACT_KEYS = [
    "knowledge_version",
    "verdict",
    "findings",
    "declined",
    "alternatives",
    "areas",
    "courses",
    "visits",
    "sources",
]
RULE = "=" * 100


def run(*argv: str, stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), stdin=io.StringIO(stdin), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def expected_dict(data: dict[str, Any]) -> dict[str, Any]:
    knowledge = default_knowledge()
    return plan_to_dict(make_plan(parse_request(data, knowledge), knowledge), knowledge)


def cited_ids(value: object) -> set[str]:
    """Every id in a ``sources`` list anywhere in a rendered plan."""
    if isinstance(value, dict):
        found: set[str] = set()
        for key, item in value.items():
            if key == "sources" and isinstance(item, list):
                found.update(item)
            else:
                found |= cited_ids(item)
        return found
    if isinstance(value, list):
        return set().union(*(cited_ids(item) for item in value)) if value else set()
    return set()


@pytest.fixture
def request_file(tmp_path: Path) -> Path:
    path = tmp_path / "request.json"
    path.write_text(json.dumps(full_request()), encoding="utf-8")
    return path


def test_file_gives_text_report(request_file: Path) -> None:
    status, out, err = run(str(request_file))
    knowledge = default_knowledge()
    plan = make_plan(parse_request(full_request(), knowledge), knowledge)
    assert (status, err) == (0, "")
    assert out == plan_to_text(plan, knowledge)
    assert out.startswith(f"Plan (knowledge {knowledge.version})\nVerdict: ")


def test_stdin_is_the_default_and_dash_names_it(request_file: Path) -> None:
    from_file = run(str(request_file))
    assert run(stdin=json.dumps(full_request())) == from_file
    assert run("-", stdin=json.dumps(full_request())) == from_file


def test_json_output_is_the_contract_response(request_file: Path) -> None:
    status, out, err = run(str(request_file), "--json")
    assert (status, err) == (0, "")
    result = json.loads(out)
    assert list(result) == CONTRACT_KEYS
    assert result == expected_dict(full_request())
    assert cited_ids(result) <= set(result["sources"])
    assert out.endswith("}\n")


def test_batch_gives_one_plan_per_request_in_order() -> None:
    second = full_request()
    second["patient"]["age"] = 15
    batch = json.dumps([full_request(), second])

    status, out, err = run("--json", stdin=batch)
    assert (status, err) == (0, "")
    assert json.loads(out) == [expected_dict(full_request()), expected_dict(second)]

    status, out, err = run(stdin=batch)
    assert (status, err) == (0, "")
    reports = out.split(f"\n{RULE}\n\n")
    assert len(reports) == 2
    assert all(report.startswith("Plan (knowledge ") for report in reports)


def test_any_verdict_exits_zero() -> None:
    minor = full_request()
    minor["patient"]["age"] = 15
    status, out, err = run("--json", stdin=json.dumps(minor))
    assert (status, err) == (0, "")
    assert json.loads(out)["verdict"] == "not_suitable"


def test_malformed_json_exits_2_with_line_and_column() -> None:
    status, out, err = run(stdin='{"patient": {"age": 42}\n  "requests": []}')
    assert (status, out) == (2, "")
    assert err == (
        "mesoclinic plan: standard input: invalid JSON: "
        "Expecting ',' delimiter at line 2 column 3\n"
    )


def test_bad_input_exits_2_with_one_line_per_problem(tmp_path: Path) -> None:
    data = full_request()
    data["patient"]["age"] = "forty"
    data["requests"][0]["zones"][1] = "cheek"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    status, out, err = run(str(path), "--json")
    assert (status, out) == (2, "")
    assert err.splitlines() == [
        'patient.age: must be a whole number from 0 to 130, got "forty"',
        'requests[0].zones[1]: unknown zone "cheek" (did you mean "cheeks"?)',
    ]


def test_bad_batch_item_is_named_by_index() -> None:
    bad = full_request()
    del bad["requests"]
    status, out, err = run(stdin=json.dumps([full_request(), bad]))
    assert (status, out, err) == (2, "", "[1].requests: at least one request is required\n")


def test_missing_file_exits_2(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    status, out, err = run(str(missing))
    assert (status, out) == (2, "")
    assert err == f"mesoclinic plan: cannot read {missing}: No such file or directory\n"


def test_file_not_utf8_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"patient": {"age": 42, "sex": "f\xe9male"}}')
    status, out, err = run(str(path))
    assert (status, out) == (2, "")
    assert err == f"mesoclinic plan: cannot read {path}: not UTF-8 text\n"


def test_usage_error_exits_2_without_traceback() -> None:
    status, out, err = run("a.json", "b.json")
    assert (status, out) == (2, "")
    assert err.startswith("usage: mesoclinic plan")
    assert err.endswith("mesoclinic plan: error: unrecognized arguments: b.json\n")


def test_help_goes_to_stdout_and_exits_0() -> None:
    status, out, err = run("--help")
    assert (status, err) == (0, "")
    assert out.startswith("usage: mesoclinic plan [-h] [--json] [--pretty | --compact] [FILE]")


def test_console_entry_runs_as_a_process(request_file: Path) -> None:
    """The installed ``mesoclinic`` command, through its ``plan`` dispatcher."""
    command = Path(sys.executable).with_name("mesoclinic")
    if not command.exists():
        pytest.skip(f"the package is not installed in this environment ({command} is missing)")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run(
        [str(command), "plan", "-", "--json"],
        input=request_file.read_bytes(),
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, b"")
    assert json.loads(result.stdout) == expected_dict(full_request())


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_start_date_out_of_range_exits_2_naming_the_field(day: str) -> None:
    data = full_request()
    data["start_date"] = day
    status, out, err = run("--json", stdin=json.dumps(data))
    assert (status, out) == (2, "")
    assert err == f'start_date: must be a date from 1900-01-01 to 2999-12-31, got "{day}"\n'


def test_the_last_allowed_start_date_plans_every_visit() -> None:
    data = full_request()
    data["start_date"] = "2999-12-31"
    status, out, _ = run("--json", stdin=json.dumps(data))
    assert status == 0
    assert json.loads(out)["visits"][-1]["date"] > "3000-01-01"


def test_deeply_nested_json_exits_2_naming_the_field_or_the_document() -> None:
    nested = "[" * 900 + "]" * 900
    text = json.dumps(full_request()).replace('"autoimmune_disease"', nested)
    status, out, err = run(stdin=text)
    assert (status, out) == (2, "")
    assert err.startswith("patient.conditions[0]: must be a condition code (a string), got [[[")

    status, out, err = run(stdin='{"patient": ' + "[" * 100_000)
    assert (status, out) == (2, "")
    assert err == "mesoclinic plan: standard input: invalid JSON: nested too deeply\n"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_json_is_compact_for_a_pipe_and_indented_for_a_terminal() -> None:
    text = json.dumps(full_request())
    expected = expected_dict(full_request())

    _, piped, _ = run("--json", stdin=text)
    assert piped == json.dumps(expected, ensure_ascii=False, separators=(",", ":")) + "\n"

    terminal = _Terminal()
    assert main(["--json"], stdin=io.StringIO(text), stdout=terminal, stderr=io.StringIO()) == 0
    assert terminal.getvalue() == json.dumps(expected, ensure_ascii=False, indent=2) + "\n"


def test_pretty_and_compact_choose_the_layout() -> None:
    text = json.dumps([full_request()])
    expected = [expected_dict(full_request())]
    _, pretty, _ = run("--json", "--pretty", stdin=text)
    assert pretty == json.dumps(expected, ensure_ascii=False, indent=2) + "\n"

    terminal = _Terminal()
    main(["--json", "--compact"], stdin=io.StringIO(text), stdout=terminal, stderr=io.StringIO())
    assert (
        terminal.getvalue()
        == json.dumps(expected, ensure_ascii=False, separators=(",", ":")) + "\n"
    )

    status, out, err = run("--json", "--pretty", "--compact", stdin=text)
    assert (status, out) == (2, "")
    assert "not allowed with argument" in err
