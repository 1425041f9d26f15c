"""``core`` is the floor every app stands on, so it imports none of them.

Its modules (its tests aside) may import Django, the standard library, other ``core`` modules
and ``mesoclinic.env``. A name needed only for type hints may be imported under
``if TYPE_CHECKING:``, which never runs.
"""

from __future__ import annotations

import ast
from pathlib import Path

from mesoclinic.core.tests.helpers import REPO_ROOT
from mesoclinic.core.tests.test_planning_is_pure import _imported_modules, _module_name

ALLOWED = ("mesoclinic.core", "mesoclinic.env")


def _runtime_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and ast.unparse(node.test) in {
            "TYPE_CHECKING",
            "typing.TYPE_CHECKING",
        }:
            for branch in node.orelse:
                visit(branch)
            return
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def find_app_imports(root: Path) -> list[str]:
    """``path:line: imports name`` for each import of another Mesoclinic app under core."""
    problems = []
    for path in sorted((root / "mesoclinic" / "core").rglob("*.py")):
        if "tests" in path.relative_to(root).parts:
            continue
        module = _module_name(path, root)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in _runtime_imports(tree):
            for name in _imported_modules(node, module, path.name == "__init__.py"):
                inside = any(name == a or name.startswith(a + ".") for a in ALLOWED)
                if name.partition(".")[0] == "mesoclinic" and not inside:
                    problems.append(
                        f"{path.relative_to(root).as_posix()}:{node.lineno}: imports {name}"
                    )
    return problems


def test_it_finds_no_app_imported_by_core() -> None:
    assert find_app_imports(REPO_ROOT) == []


def test_it_names_file_and_line_of_each_app_import(tmp_path: Path) -> None:
    core = tmp_path / "mesoclinic" / "core"
    (core / "tests").mkdir(parents=True)
    (core / "__init__.py").write_text("", encoding="utf-8")
    (core / "kit.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "from django.db import models\n"
        "from mesoclinic.core.errors import Invalid\n"
        "from mesoclinic.env import env_str\n"
        "from mesoclinic.accounts.models import User\n"
        "if TYPE_CHECKING:\n"
        "    from mesoclinic.patients.models import Patient\n"
        "def f():\n"
        "    from mesoclinic.consultations import services\n",
        encoding="utf-8",
    )
    (core / "tests" / "test_kit.py").write_text("import mesoclinic.demo\n", encoding="utf-8")

    assert find_app_imports(tmp_path) == [
        "mesoclinic/core/kit.py:5: imports mesoclinic.accounts.models",
        "mesoclinic/core/kit.py:9: imports mesoclinic.consultations",
    ]
