"""The pure engines import nothing of Django: the rule that keeps them sans-I/O cores.

Every module under ``mesoclinic/planning`` and ``mesoclinic/availability`` (their tests aside)
may import the standard library, other modules of its own engine and pure third-party
packages, never Django, django-ninja or another part of Mesoclinic (which would bring Django in
with it).
"""

from __future__ import annotations

import ast
from pathlib import Path

from mesoclinic.core.tests.helpers import REPO_ROOT

BANNED_TOP_LEVEL = frozenset({"django", "ninja"})


def _module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_modules(
    node: ast.Import | ast.ImportFrom, module: str, is_package: bool
) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level == 0:
        return [node.module or ""]
    # A relative import: resolve it against the importing module's package.
    package = module if is_package else module.rpartition(".")[0]
    parts = package.split(".")
    base = ".".join(parts[: len(parts) - (node.level - 1)])
    return [f"{base}.{node.module}" if node.module else base]


def find_impure_imports(root: Path, engine: str = "planning") -> list[str]:
    """``path:line: imports name`` for each forbidden import under ``root/mesoclinic/<engine>``."""
    own = f"mesoclinic.{engine}"
    problems = []
    for path in sorted((root / "mesoclinic" / engine).rglob("*.py")):
        if "tests" in path.relative_to(root).parts:
            continue
        module = _module_name(path, root)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for name in _imported_modules(node, module, path.name == "__init__.py"):
                top = name.partition(".")[0]
                outside = top == "mesoclinic" and not (name == own or name.startswith(own + "."))
                if top in BANNED_TOP_LEVEL or outside:
                    problems.append(
                        f"{path.relative_to(root).as_posix()}:{node.lineno}: imports {name}"
                    )
    return problems


def test_it_finds_no_django_in_the_planning_engine() -> None:
    assert find_impure_imports(REPO_ROOT) == []


def test_it_finds_no_django_in_the_availability_engine() -> None:
    assert find_impure_imports(REPO_ROOT, "availability") == []


def test_it_refuses_one_engine_importing_the_other(tmp_path: Path) -> None:
    availability = tmp_path / "mesoclinic" / "availability"
    availability.mkdir(parents=True)
    (availability / "slots.py").write_text(
        "from mesoclinic.availability.model import Slot\n"
        "from mesoclinic.planning.model import Plan\n",
        encoding="utf-8",
    )

    assert find_impure_imports(tmp_path, "availability") == [
        "mesoclinic/availability/slots.py:2: imports mesoclinic.planning.model",
    ]


def test_it_names_file_and_line_of_each_forbidden_import(tmp_path: Path) -> None:
    planning = tmp_path / "mesoclinic" / "planning"
    (planning / "tests").mkdir(parents=True)
    (planning / "__init__.py").write_text("from . import engine\n", encoding="utf-8")
    (planning / "engine.py").write_text(
        "import json\n"
        "import django.db\n"
        "from django.conf import settings\n"
        "from ninja import Router\n"
        "from mesoclinic.planning.model import Plan\n"
        "from mesoclinic.core import views\n"
        "from .. import settings as s\n"
        "from .model import Plan as P\n",
        encoding="utf-8",
    )
    (planning / "tests" / "test_engine.py").write_text("import django\n", encoding="utf-8")

    assert find_impure_imports(tmp_path) == [
        "mesoclinic/planning/engine.py:2: imports django.db",
        "mesoclinic/planning/engine.py:3: imports django.conf",
        "mesoclinic/planning/engine.py:4: imports ninja",
        "mesoclinic/planning/engine.py:6: imports mesoclinic.core",
        "mesoclinic/planning/engine.py:7: imports mesoclinic",
    ]
