from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from mesoclinic.cli import main
from mesoclinic.core.tests.helpers import run_python


def test_it_hands_plan_to_the_planning_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    # The planning CLI belongs to the engine; a stand-in records what it is given.
    calls: list[list[str]] = []

    def plan_main(argv: list[str]) -> int:
        calls.append(argv)
        return 2

    stand_in = types.ModuleType("mesoclinic.planning.cli")
    stand_in.main = plan_main  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "mesoclinic.planning.cli", stand_in)

    assert main(["plan", "request.json", "--json"]) == 2
    assert calls == [["request.json", "--json"]]


def test_it_imports_no_django_before_a_subcommand_needs_it() -> None:
    result = run_python("-c", "import sys, mesoclinic.cli; print('django' in sys.modules)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_it_runs_django_management_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    assert "System check identified no issues" in capsys.readouterr().out


def test_it_exits_non_zero_on_an_unknown_subcommand(tmp_path: Path) -> None:
    result = run_python(
        "-c",
        "from mesoclinic.cli import main; main(['no-such-command'])",
        MESOCLINIC_DEBUG="1",
        MESOCLINIC_DATA_DIR=str(tmp_path),
    )
    assert result.returncode == 1
    assert "Unknown command: 'no-such-command'" in result.stderr


def test_it_plans_without_setting_django_up() -> None:
    code = (
        "import sys\n"
        "from mesoclinic.cli import main\n"
        "status = main(['plan', 'examples/plan-request.json', '--json'])\n"
        "print(status, 'django' in sys.modules, file=sys.stderr)\n"
    )
    result = run_python("-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stderr.split() == ["0", "False"]
    assert result.stdout.startswith("{")


def test_it_runs_the_planning_benchmark_with_its_floor(capsys: pytest.CaptureFixture[str]) -> None:
    # A smoke run: the figures themselves belong in docs/benchmarks.md, not in assertions.
    assert main(["bench", "planning", "--seconds", "0.05", "--rounds", "1"]) == 0
    out = capsys.readouterr().out
    assert "plans/s" in out
    assert "floor (decode + encode only)" in out
    assert "target >= 2,000 plans/s on one core" in out


def test_it_runs_the_availability_benchmark_with_its_floor(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["bench", "availability", "--smoke"]) == 0
    out = capsys.readouterr().out
    assert "placed: 10/10 courses" in out
    assert "floor (bisect the window only)" in out
    assert "target p95 <= 50 ms" in out


def test_it_names_the_benchmarks_when_none_is_given(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench"]) == 2
    assert capsys.readouterr().err == (
        "usage: mesoclinic bench "
        "{planning,availability,booking,search,pages,public,crash,imaging} [options]\n"
    )
