"""The driver's modules import each other without a cycle, counting the imports inside
functions; and an import inside a function is there only to buy start-up time, which
its ``# why:`` comment says.

The graph has an edge from a module to every patforge module one of its import
statements names (``from patforge.a import b`` names ``patforge.a.b`` when that is a
module, else ``patforge.a``); imports under ``if TYPE_CHECKING:`` never run and are not
edges.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "driver" / "patforge"


def _module_name(path: Path) -> str:
    parts = ["patforge", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            out |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    return out


def _targets(node: ast.Import | ast.ImportFrom, here: str) -> set[str]:
    if isinstance(node, ast.Import):
        return {a.name for a in node.names if a.name in MODULES}
    base = node.module or ""
    if node.level:  # relative: from the current package
        pkg = here if MODULES[here].name == "__init__.py" else here.rsplit(".", 1)[0]
        for _ in range(node.level - 1):
            pkg = pkg.rsplit(".", 1)[0]
        base = f"{pkg}.{base}" if base else pkg
    out = set()
    for a in node.names:
        sub = f"{base}.{a.name}"
        if sub in MODULES:
            out.add(sub)
        elif base in MODULES:
            out.add(base)
    return out


def _imports(name: str) -> list[tuple[ast.Import | ast.ImportFrom, bool]]:
    """(import statement, inside a function) for every import that runs."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    skip = _type_checking_nodes(tree)
    in_function: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            in_function |= {id(n) for n in ast.walk(node) if n is not node}
    return [(n, id(n) in in_function) for n in ast.walk(tree)
            if isinstance(n, (ast.Import, ast.ImportFrom)) and id(n) not in skip]


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name in MODULES:
        graph[name] = set()
        for node, _ in _imports(name):
            graph[name] |= _targets(node, name) - {name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycle_between_modules():
    found = cycles(import_graph())
    assert found == [], "import cycles (imports inside functions included):\n" + "\n".join(
        " <-> ".join(c) for c in found)


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def unexplained(text: str) -> list[int]:
    """Lines of the imports inside functions of ``text`` that no ``# why:`` comment explains:
    on the import's own line, or heading the run of imports it is in."""
    tree = ast.parse(text)
    lines = text.splitlines()
    skip = _type_checking_nodes(tree)
    inner = {id(n) for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
             for n in ast.walk(f) if n is not f}
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Import, ast.ImportFrom)) or id(node) not in inner or id(node) in skip:
            continue
        if any("# why:" in line for line in lines[node.lineno - 1: node.end_lineno]):
            continue
        i = node.lineno - 2  # up through the imports of the same run to its heading comment
        while i >= 0 and (lines[i].strip().startswith(("from ", "import ")) or lines[i].startswith(" " * 8)
                          and not lines[i].strip().startswith("#") and lines[i - 1].rstrip().endswith(("(", ","))):
            i -= 1
        if i < 0 or not lines[i].strip().startswith("# why:"):
            out.append(node.lineno)
    return sorted(out)


def test_every_import_inside_a_function_says_why():
    """An import inside a function buys start-up time (the module is loaded only when the
    function runs), which a ``# why:`` comment says."""
    missing = [f"{path.relative_to(ROOT).as_posix()}:{line}" for path in MODULES.values()
               for line in unexplained(path.read_text(encoding="utf-8"))]
    assert missing == [], f"{len(missing)} import(s) inside functions without a '# why:' comment:\n" + \
        "\n".join(missing)


def test_an_unexplained_import_is_found():
    text = ("import os\n\n\ndef f():\n    # why: start-up time\n    import json\n    import csv\n\n"
            "    x = 1\n    import re\n\n\ndef g():\n    from typing import (\n        Any,\n    )\n")
    assert unexplained(text) == [10, 14]


def test_every_module_is_under_500_lines():
    long = {name: n for name, path in MODULES.items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) >= 500}
    assert long == {}, f"modules of 500 lines or more (split them by job): {long}"
