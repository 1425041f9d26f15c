"""kill -9 of a process driving the ORM in the middle of acknowledged writes loses none of them.

The full measure (20 rounds of 1,000 writes, on both databases) is ``mesoclinic bench crash``,
recorded in docs/benchmarks.md; this runs fewer, smaller rounds on the run's database.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mesoclinic.benchmarks.crash import crash_rounds
from mesoclinic.ops.tests.installation import RUN_DATABASE, installation


@pytest.mark.slow
def test_kill_9_during_acknowledged_writes_loses_none_and_corrupts_nothing(
    tmp_path: Path,
) -> None:
    with installation(tmp_path) as site:
        site.run("migrate", "--noinput")
        rounds = crash_rounds(env=site.env, target=site.target, rounds=3, writes=150, seed=7)
    assert sum(r.acknowledged for r in rounds) > 3  # each round wrote before it was killed
    assert [r.lost for r in rounds] == [[], [], []], RUN_DATABASE
    assert [r.problems for r in rounds] == [[], [], []]


def test_it_notices_an_acknowledged_write_that_is_missing(tmp_path: Path) -> None:
    """The check itself can fail: a patient acknowledged but absent is reported as lost."""
    from mesoclinic.benchmarks.crash import _check

    with installation(tmp_path) as site:
        site.run("migrate", "--noinput")
        finding = _check(site.target, [123456])
    assert finding.lost == [123456]
