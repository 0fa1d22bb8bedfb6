"""The tests read as a newcomer needs them to: every test module opens with a docstring
saying what it proves, and no test module imports from another one (what several
share lives in conftest.py or a helper module such as compliant_repo.py, never in a
test file, where a rename or a new test would break its importers)."""

from __future__ import annotations

import ast

from conftest import ROOT

TEST_FILES = sorted((ROOT / "tests").glob("test_*.py"))


def imported_modules(tree: ast.Module) -> set[str]:
    """Every module an import statement names, at any depth (imports inside functions too)."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module.split(".")[0])
    return out


def test_no_test_module_imports_another():
    test_modules = {f.stem for f in TEST_FILES}
    offenders = {f.name: sorted(imported_modules(ast.parse(f.read_text(encoding="utf-8"))) & test_modules)
                 for f in TEST_FILES}
    assert {k: v for k, v in offenders.items() if v} == {}, "move what they share to a helper module"


def test_every_test_module_says_what_it_proves():
    missing = [f.name for f in TEST_FILES if not ast.get_docstring(ast.parse(f.read_text(encoding="utf-8")))]
    assert missing == []


def test_the_import_scan_sees_imports_inside_functions():
    tree = ast.parse("def f():\n    from test_x import y\nimport test_z.a\nfrom . import w\n")
    assert imported_modules(tree) == {"test_x", "test_z"}
