"""The fast lane, ``pytest -m "not slow"``, runs every patforge command at least once,
and tests/README.md's coverage table says which test does it.

A test runs a command when its body calls something with the command's name as the
first argument (``cli("status", ...)``, ``run_patforge("demo", ...)``,
``run(["render", ...])``). A test is in the fast lane unless it, or its module's
``pytestmark``, carries ``pytest.mark.slow``. The commands are the ones
``patforge --help`` lists, so a new command fails here until a fast test runs it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from conftest import ROOT

TESTS = ROOT / "tests"
ROW = re.compile(r"^\|\s*`(?P<command>[a-z-]+)`\s*\|\s*`(?P<test>test_\w+\.py::test_\w+)`", re.M)


def commands(cli) -> list[str]:
    """The commands ``patforge --help`` lists (the lines under "Commands:")."""
    res = cli("--help")
    assert res.code == 0, res
    section = res.out.split("Commands:", 1)[1]
    return [line.split()[0] for line in section.splitlines() if line.startswith("  ") and line.split()]


def _slow(decorators: list[ast.expr]) -> bool:
    return any("mark.slow" in ast.unparse(d) for d in decorators)


def _module_slow(tree: ast.Module) -> bool:
    return any(isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in n.targets)
               and "mark.slow" in ast.unparse(n.value) for n in tree.body)


def _first_words(node: ast.AST) -> set[str]:
    """The string each call in ``node`` starts its arguments with (or its list argument)."""
    out = set()
    for call in ast.walk(node):
        if isinstance(call, ast.Call) and call.args:
            first = call.args[0]
            if isinstance(first, (ast.List, ast.Tuple)) and first.elts:
                first = first.elts[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                out.add(first.value)
    return out


def fast_tests_running(source: str, names: list[str]) -> dict[str, list[str]]:
    """For one test module's source: command -> the fast tests in it that run the command."""
    tree = ast.parse(source)
    found: dict[str, list[str]] = {}
    if _module_slow(tree):
        return found
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_") and not _slow(node.decorator_list):
            for command in sorted(_first_words(node) & set(names)):
                found.setdefault(command, []).append(node.name)
    return found


def coverage(names: list[str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {n: set() for n in names}
    for f in sorted(TESTS.glob("test_*.py")):
        for command, tests in fast_tests_running(f.read_text(encoding="utf-8"), names).items():
            out[command] |= {f"{f.name}::{t}" for t in tests}
    return out


def test_every_command_runs_in_the_fast_lane(cli):
    names = commands(cli)
    assert {"render", "check", "status", "update", "new"} <= set(names)  # the --help parse works
    uncovered = sorted(n for n, tests in coverage(names).items() if not tests)
    assert uncovered == [], f"no fast (not slow) test runs: {', '.join(uncovered)}"


def test_the_readme_table_names_a_fast_test_for_every_command(cli):
    names = commands(cli)
    covered = coverage(names)
    rows = {m["command"]: m["test"] for m in ROW.finditer((TESTS / "README.md").read_text(encoding="utf-8"))}
    assert sorted(rows) == sorted(names), "tests/README.md's table lists exactly the commands of patforge --help"
    wrong = {c: t for c, t in rows.items() if t not in covered[c]}
    assert wrong == {}, f"these rows name a test that is slow, missing or does not run the command: {wrong}"


def test_the_scan_tells_fast_from_slow():
    source = '''
import pytest

def test_a(cli):
    cli("render", "--repo", "x")

@pytest.mark.slow
def test_b(cli):
    cli("update")

def test_c():
    run(["status", "--json"])
'''
    assert fast_tests_running(source, ["render", "update", "status"]) == {"render": ["test_a"], "status": ["test_c"]}
    assert fast_tests_running("import pytest\npytestmark = pytest.mark.slow\n" + source, ["render"]) == {}
