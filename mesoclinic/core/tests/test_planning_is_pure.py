"""The planning engine imports nothing of Django: the rule that keeps it a sans-I/O core.

Every module under ``mesoclinic/planning`` (its tests aside) may import the standard library,
other planning modules and pure third-party packages, never Django, django-ninja or another
part of Mesoclinic (which would bring Django in with it).
"""

from __future__ import annotations

import ast
from pathlib import Path

from mesoclinic.core.tests.helpers import REPO_ROOT

PLANNING = "mesoclinic.planning"
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


def find_impure_imports(root: Path) -> list[str]:
    """``path:line: imports name`` for each forbidden import under ``root/mesoclinic/planning``."""
    problems = []
    for path in sorted((root / "mesoclinic" / "planning").rglob("*.py")):
        if "tests" in path.relative_to(root).parts:
            continue
        module = _module_name(path, root)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for name in _imported_modules(node, module, path.name == "__init__.py"):
                top = name.partition(".")[0]
                outside = top == "mesoclinic" and not (
                    name == PLANNING or name.startswith(PLANNING + ".")
                )
                if top in BANNED_TOP_LEVEL or outside:
                    problems.append(
                        f"{path.relative_to(root).as_posix()}:{node.lineno}: imports {name}"
                    )
    return problems


def test_it_finds_no_django_in_the_planning_engine() -> None:
    assert find_impure_imports(REPO_ROOT) == []


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
