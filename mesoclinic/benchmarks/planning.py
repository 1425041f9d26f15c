"""Planning throughput on one core, beside the floor of the same JSON work without planning.

What one "plan" costs here is what ``mesoclinic plan --json`` and ``POST /api/v1/plans/preview``
pay per request: decode the request JSON, validate it against the knowledge base, plan, and
encode the response JSON. The floor does the JSON part only (decode the same request, encode a
response of the same shape and size), so the ratio shows what validation and planning add.

The batch figure runs ``mesoclinic plan - --json`` itself (in process) over a JSON array of
``BATCH_SIZE`` requests written to a pipe-like stream, as integrators do: it includes reading and
writing the whole batch, and its rate is compared with the single-request rate of the same run.

The process is pinned to one CPU where the OS allows it, all figures come from the same process
with the same warm-up, and each is the median of several timed rounds.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence

from mesoclinic.planning.cli import main as plan_command
from mesoclinic.planning.engine import make_plan
from mesoclinic.planning.knowledge import default_knowledge
from mesoclinic.planning.render import plan_to_dict
from mesoclinic.planning.request import parse_request

TARGET_PLANS_PER_SECOND = 2000
# Machines differ in speed, so the target that travels is the ratio to the floor of the same run.
TARGET_RATIO = 0.25
BATCH_SIZE = 2001
# The batch path may be at most this many times slower per plan than the single-request path.
BATCH_SLOWDOWN = 1.5

# Three concerns over five zones, with screening that fires (medication, allergy, fear).
REQUEST = {
    "patient": {
        "age": 42,
        "sex": "female",
        "weight_kg": 61,
        "childbearing_potential": True,
        "conditions": ["diabetes"],
        "medications": ["anticoagulant"],
        "allergies": ["polynucleotides"],
        "needle_fear": "mild",
    },
    "requests": [
        {"concern": "skin_quality", "zones": ["cheeks", "forehead", "neck"]},
        {"concern": "pigmentation", "zones": ["cheeks", "jawline"]},
        {"concern": "hair_loss", "zones": ["scalp"]},
    ],
    "start_date": "2027-01-11",
}


def _rate(work: Callable[[], object], *, seconds: float, rounds: int) -> tuple[float, list[float]]:
    """Median operations per second over ``rounds`` rounds of about ``seconds`` each."""
    rates = []
    for _ in range(rounds):
        count = 0
        started = time.perf_counter()
        deadline = started + seconds
        while True:
            for _ in range(50):
                work()
            count += 50
            now = time.perf_counter()
            if now >= deadline:
                break
        rates.append(count / (now - started))
    return statistics.median(rates), rates


def _pin_to_one_cpu() -> str:
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity on this OS)"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="mesoclinic bench planning", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--seconds", type=float, default=2.0, help="length of one timed round")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per figure")
    args = parser.parse_args(argv)

    knowledge = default_knowledge()
    request_text = json.dumps(REQUEST)
    response = plan_to_dict(make_plan(parse_request(REQUEST, knowledge), knowledge), knowledge)
    response_size = len(json.dumps(response))

    def full() -> object:
        request = parse_request(json.loads(request_text), knowledge)
        return json.dumps(plan_to_dict(make_plan(request, knowledge), knowledge))

    def floor() -> object:
        json.loads(request_text)
        return json.dumps(response)

    batch_text = json.dumps([REQUEST] * BATCH_SIZE)

    def batch() -> float:
        """Plans per second of one ``mesoclinic plan - --json`` run over the whole batch."""
        out, err = io.StringIO(), io.StringIO()
        started = time.perf_counter()
        status = plan_command(
            ["-", "--json"], stdin=io.StringIO(batch_text), stdout=out, stderr=err
        )
        elapsed = time.perf_counter() - started
        if status != 0:
            raise RuntimeError(f"the batch failed: {err.getvalue()}")
        return BATCH_SIZE / elapsed

    pinning = _pin_to_one_cpu()
    for work in (full, floor):  # warm-up: caches, allocator, branch predictors
        _rate(work, seconds=min(0.5, args.seconds), rounds=1)
    # Rounds interleave plan, floor and batch, and each ratio compares figures of the same round:
    # on a machine shared with other work the load changes from second to second, and figures
    # measured minutes apart would compare different machines.
    plan_rounds: list[float] = []
    floor_rounds: list[float] = []
    batch_rounds: list[float] = []
    for _ in range(args.rounds):
        plan_rounds.append(_rate(full, seconds=args.seconds, rounds=1)[0])
        floor_rounds.append(_rate(floor, seconds=args.seconds, rounds=1)[0])
        batch_rounds.append(batch())
    plans = statistics.median(plan_rounds)
    floors = statistics.median(floor_rounds)
    batches = statistics.median(batch_rounds)
    ratio = statistics.median(p / f for p, f in zip(plan_rounds, floor_rounds, strict=True))
    batch_ratio = statistics.median(b / p for b, p in zip(batch_rounds, plan_rounds, strict=True))

    print(
        f"planning benchmark: Python {platform.python_version()}, {platform.machine()}, {pinning}"
    )
    print(f"request: 3 concerns, 5 zones; response {response_size} bytes of JSON")
    print(f"knowledge: {knowledge.version}")
    print(f"rounds: {args.rounds} x {args.seconds:g} s, plan, floor and batch in turn; medians")
    print(
        f"plan (decode + validate + plan + encode): {plans:,.0f} plans/s "
        f"(rounds: {', '.join(f'{r:,.0f}' for r in plan_rounds)})"
    )
    print(
        f"floor (decode + encode only):             {floors:,.0f} ops/s "
        f"(rounds: {', '.join(f'{r:,.0f}' for r in floor_rounds)})"
    )
    print(
        f"batch (mesoclinic plan - --json, {BATCH_SIZE:,} requests): {batches:,.0f} plans/s "
        f"(rounds: {', '.join(f'{r:,.0f}' for r in batch_rounds)})"
    )
    print(
        f"plan / floor, median of the rounds' ratios: {ratio:.1%} "
        f"(target >= {TARGET_RATIO:.0%}: {_met(ratio >= TARGET_RATIO)})"
    )
    print(
        f"batch / plan, median of the rounds' ratios: {batch_ratio:.1%} "
        f"(target >= {1 / BATCH_SLOWDOWN:.1%}, within {BATCH_SLOWDOWN:g}x: "
        f"{_met(batch_ratio * BATCH_SLOWDOWN >= 1)})"
    )
    verdict = _met(plans >= TARGET_PLANS_PER_SECOND)
    print(f"target >= {TARGET_PLANS_PER_SECOND:,} plans/s on one core: {verdict}")
    return 0


def _met(ok: bool) -> str:
    return "met" if ok else "NOT MET"


if __name__ == "__main__":
    sys.exit(main())
