"""A new version of the shipped templates, as a template author makes one: clone the
repository's template bundle, edit, commit, tag. Shared by test_update.py and
test_status.py.
"""

from __future__ import annotations

from pathlib import Path

from conftest import commit_all, git


def new_template_version(tmp_path: Path, repo: Path, tag: str, edit) -> Path:
    tpl = tmp_path / f"tpl-{tag}"
    git(tmp_path, "clone", "-q", str(repo / ".patforge/templates.bundle"), str(tpl))
    edit(tpl)
    commit_all(tpl, f"templates {tag}")
    git(tpl, "tag", tag)
    return tpl


def add_line_to_executors(tpl: Path) -> None:
    for f in (tpl / "templates/executor").glob("*path*"):
        lines = f.read_text(encoding="utf-8").splitlines(keepends=True)
        # after the DOC_LINK/Pattern header lines
        at = next(i for i, l in enumerate(lines) if "Pattern:" in l) + 1
        lines.insert(at, "# Template revision: 1.1\n")
        f.write_text("".join(lines), encoding="utf-8")
