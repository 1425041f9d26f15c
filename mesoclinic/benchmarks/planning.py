"""Planning throughput on one core, beside the floor of the same JSON work without planning.

What one "plan" costs here is what ``mesoclinic plan --json`` and ``POST /api/v1/plans/preview``
pay per request: decode the request JSON, validate it against the knowledge base, plan, and
encode the response JSON. The floor does the JSON part only (decode the same request, encode a
response of the same shape and size), so the ratio shows what validation and planning add.

The process is pinned to one CPU where the OS allows it, both figures come from the same process
with the same warm-up, and each is the median of several timed rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence

from mesoclinic.planning.engine import make_plan
from mesoclinic.planning.knowledge import default_knowledge
from mesoclinic.planning.render import plan_to_dict
from mesoclinic.planning.request import parse_request

TARGET_PLANS_PER_SECOND = 2000

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

    pinning = _pin_to_one_cpu()
    for work in (full, floor):  # warm-up: caches, allocator, branch predictors
        _rate(work, seconds=min(0.5, args.seconds), rounds=1)
    plans, plan_rounds = _rate(full, seconds=args.seconds, rounds=args.rounds)
    floors, floor_rounds = _rate(floor, seconds=args.seconds, rounds=args.rounds)

    print(
        f"planning benchmark: Python {platform.python_version()}, {platform.machine()}, {pinning}"
    )
    print(f"request: 3 concerns, 5 zones; response {response_size} bytes of JSON")
    print(f"knowledge: {knowledge.version}")
    print(f"rounds: {args.rounds} x {args.seconds:g} s, median reported")
    print(
        f"plan (decode + validate + plan + encode): {plans:,.0f} plans/s "
        f"(rounds: {', '.join(f'{r:,.0f}' for r in plan_rounds)})"
    )
    print(
        f"floor (decode + encode only):             {floors:,.0f} ops/s "
        f"(rounds: {', '.join(f'{r:,.0f}' for r in floor_rounds)})"
    )
    print(f"plan / floor: {plans / floors:.1%}")
    verdict = "met" if plans >= TARGET_PLANS_PER_SECOND else "NOT MET"
    print(f"target >= {TARGET_PLANS_PER_SECOND:,} plans/s on one core: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
