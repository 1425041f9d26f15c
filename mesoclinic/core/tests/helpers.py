"""Run Python in a fresh interpreter with a controlled environment.

Settings are read once per process, so a test of what the settings do with an environment
variable has to start a new process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]

# At least 50 characters, not the development key: what production accepts.
PRODUCTION_KEY = "k3y-for-tests-only-7f1c2a9e4b6d8f0a1c3e5b7d9f2a4c6e8b0d2f4a6c8e"


def clean_env(**variables: str) -> dict[str, str]:
    """The current environment without any Mesoclinic or Django setting, plus ``variables``."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("MESOCLINIC_")
        and name not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["DJANGO_SETTINGS_MODULE"] = "mesoclinic.settings"
    env.update(variables)
    return env


def run_python(*args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    """``python *args`` from the repository root with ``clean_env(**variables)``."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO_ROOT,
        env=clean_env(**variables),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def django_setup_code(*lines: str) -> str:
    """Python source that sets Django up, then runs ``lines``."""
    return "\n".join(["import django", "django.setup()", *lines])
