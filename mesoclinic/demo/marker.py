"""The file that marks a data directory as the demo clinic's.

``mesoclinic demo`` writes it after seeding; ``mesoclinic demo_code`` reads a second factor only
from a database whose data directory carries it. A clinic's real data directory never does, so
the command that would defeat the second factor has nothing to say there. Plain Python (no
Django): the ``mesoclinic`` command reads it before the settings are loaded.
"""

from __future__ import annotations

from pathlib import Path

MARKER_NAME = "DEMO"
_TEXT = (
    "This data directory holds the Mesoclinic demo clinic, made by `mesoclinic demo`: staff with\n"
    "printed passwords and made-up patients. `mesoclinic demo_code` works only where this file\n"
    "is. Never copy it into a clinic's data directory.\n"
)


def demo_marker(data_dir: Path) -> Path:
    return data_dir / MARKER_NAME


def is_demo_data(data_dir: Path) -> bool:
    """True when ``mesoclinic demo`` made the data in ``data_dir``."""
    return demo_marker(data_dir).is_file()


def demo_data_mark(data_dir: Path) -> None:
    """Mark ``data_dir`` as the demo's (idempotent)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    demo_marker(data_dir).write_text(_TEXT, encoding="utf-8")
