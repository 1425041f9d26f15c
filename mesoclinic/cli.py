"""The ``mesoclinic`` console command.

``mesoclinic plan ...`` runs the planning engine's command line, which needs no Django (and so
pays nothing for setting it up); every other subcommand is a Django management command, so
``mesoclinic migrate``, ``mesoclinic runserver`` and ``mesoclinic demo`` work as ``manage.py`` does.
``mesoclinic bench NAME`` runs one of the benchmarks in ``mesoclinic/benchmarks``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    """Run one subcommand and return the process exit status.

    Django management commands exit the process themselves on error (status 1 or 2), as they
    do under ``manage.py``.
    """
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["plan"]:
        # Imported here: the engine's CLI must not import Django, and neither may this branch.
        from mesoclinic.planning.cli import main as plan_main

        return plan_main(args[1:])
    if args[:1] == ["bench"]:
        return _bench(args[1:])

    if args[:1] == ["demo_code"]:
        _demo_settings()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mesoclinic.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["mesoclinic", *args])
    return 0


def _demo_settings() -> None:
    """Run ``demo_code`` with the development settings when the data directory is the demo's.

    ``./demo`` serves with ``MESOCLINIC_DEBUG=1``; a second terminal typing
    ``mesoclinic demo_code USERNAME`` (as the README says) has no such variable, and the
    production settings would refuse to load without a secret key. The demo's data directory
    says what it is, so the command needs no flag; an explicit ``MESOCLINIC_DEBUG`` still wins.
    """
    from mesoclinic.demo.marker import is_demo_data
    from mesoclinic.env import data_dir

    if is_demo_data(data_dir(Path(__file__).resolve().parent.parent)):
        os.environ.setdefault("MESOCLINIC_DEBUG", "1")


BENCHMARKS = (
    "planning",
    "availability",
    "booking",
    "search",
    "pages",
    "public",
    "crash",
    "imaging",
)


def _bench(args: list[str]) -> int:
    if not args or args[0] not in BENCHMARKS:
        print(f"usage: mesoclinic bench {{{','.join(BENCHMARKS)}}} [options]", file=sys.stderr)
        return 2
    # Imported here, like the plan branch: each benchmark sets up (or avoids) Django itself.
    import importlib

    module = importlib.import_module(f"mesoclinic.benchmarks.{args[0]}")
    status: int = module.main(args[1:])
    return status
