"""docs/design.md opens with the package tree as it is: its picture lists every module
of driver/patforge, one per line, and nothing that does not exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "driver" / "patforge"


def pictured_modules() -> set[str]:
    text = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    section = text.split("## Architecture in one picture", 1)[1]
    block = section.split("```", 2)[1]
    lines = block.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("driver/patforge/"))
    stack: list[tuple[int, str]] = []  # (indent, folder)
    found = set()
    for line in lines[start + 1:]:
        m = re.match(r"^( +)(\S+)", line)
        if not m:
            continue
        indent, name = len(m.group(1)), m.group(2)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        prefix = "".join(folder for _, folder in stack)
        if name.endswith("/"):
            stack.append((indent, name))
        elif name.endswith(".py"):
            found.add(prefix + name)
    return found


def package_modules() -> set[str]:
    return {p.relative_to(PKG).as_posix() for p in PKG.rglob("*.py") if "__pycache__" not in p.parts}


def package_folders() -> set[str]:
    return {p.parent.relative_to(PKG).as_posix() + "/" for p in PKG.rglob("__init__.py")} - {"./"}


def test_picture_lists_every_module_and_only_those():
    pictured = pictured_modules()
    actual = package_modules()
    # a subpackage's __init__.py may go unpictured when it only documents the folder
    documenting_inits = {m for m in actual - pictured if m.endswith("__init__.py")
                         and len((PKG / m).read_text(encoding="utf-8").strip().splitlines()) <= 3}
    assert sorted(actual - pictured - documenting_inits) == [], "modules missing from docs/design.md's picture"
    assert sorted(pictured - actual) == [], "docs/design.md pictures modules that do not exist"


def test_every_subpackage_is_pictured():
    text = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    for folder in package_folders():
        if folder.startswith("data/"):
            continue
        leaf = folder.rstrip("/").rsplit("/", 1)[-1] + "/"
        assert re.search(rf"^\s+{re.escape(leaf)}\s", text, re.M), folder

