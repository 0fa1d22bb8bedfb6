"""``check --format html``: one self-contained page (no network), autoescaped, with one
matrix row per pattern and a cell per artifact column coloured by state. The page's
behaviour in a real browser is tested in test_check_html_browser.py."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from patforge.check.matrix import columns
from compliant_repo import ALPHA, B_EXEC, BETA, DOC, GAMMA, MIGRATED_ROOT, build_repo, edit


class _Page(HTMLParser):
    """Collects what the assertions need: rows, cells, external references."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict] = []
        self.headers: list[str] = []
        self.refs: list[str] = []
        self.ids: set[str] = set()
        self._in_th = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        for key in ("src", "href", "action"):
            if key in a:
                self.refs.append(a[key])
        if tag == "link":
            self.refs.append(a.get("href", "link"))
        if tag == "tr" and "data-name" in a:
            self.rows.append({**a, "cells": []})
        if tag == "td" and "c" in (a.get("class") or "").split() and self.rows:
            self.rows[-1]["cells"].append(a)
        if tag == "th" and "data-col" in a:
            self.headers.append(a["data-col"])


def _page(cli, repo: Path, out: Path, *extra: str) -> tuple[int, str, _Page]:
    res = cli("check", "--repo", str(repo), "--format", "html", "--output", str(out), *extra)
    text = out.read_text(encoding="utf-8")
    page = _Page()
    page.feed(text)
    return res.code, text, page


def _state(page: _Page, name: str, column: str) -> str:
    row = next(r for r in page.rows if r["data-name"] == name.lower())
    cell = row["cells"][page.headers.index(column)]
    return re.search(r"\bs-([a-z-]+)", cell["class"]).group(1)


def test_html_matrix_rows_cells_and_states(cli, tmp_path):
    repo = build_repo(tmp_path / "repo")
    edit(repo, B_EXEC, f"# DOC_LINK: {DOC[BETA]}\n", "")
    (repo / "patterns/specs" / f"{ALPHA}.pattern.yaml").unlink()
    sidecar = f"{MIGRATED_ROOT}/schemas/{GAMMA}.schema.id.yaml"
    edit(repo, sidecar, f"doc_id: {DOC[GAMMA]}", "doc_id: DOC-SOMETHING-ELSE-001")
    code, text, page = _page(cli, repo, tmp_path / "report.html")
    assert code == 1 and text.startswith("<!DOCTYPE html>")
    assert page.headers == columns() == ["registry", "spec", "schema", "executor", "examples", "tests", "sidecar"]
    assert sorted(r["data-name"] for r in page.rows) == sorted(n.lower() for n in (ALPHA, BETA, GAMMA))
    assert all(len(r["cells"]) == len(page.headers) for r in page.rows)
    assert _state(page, BETA, "executor") == "fail"
    assert _state(page, ALPHA, "spec") == "missing"
    # a sidecar problem is judged under a schema rule but shows on the sidecar's cell
    assert _state(page, GAMMA, "sidecar") == "fail" and _state(page, GAMMA, "schema") != "fail"
    assert _state(page, GAMMA, "executor") == "hand-written"  # exists, passes, not rendered by patforge
    assert _state(page, GAMMA, "spec") == "pass"  # specs are never rendered
    tip = next(r for r in page.rows if r["data-name"] == BETA)["cells"][page.headers.index("executor")]["title"]
    assert f"PAT-CHECK-001-041 {B_EXEC}:1: " in tip and "what to do:" in tip
    assert "PAT-CHECK-001-041" in next(r for r in page.rows if r["data-name"] == BETA)["data-rules"]
    assert {"q", "rule", "filters", "matrix", "verdict", "rules"} <= page.ids


def test_html_is_self_contained(cli, tmp_path):
    repo = build_repo(tmp_path / "repo")
    _, text, page = _page(cli, repo, tmp_path / "report.html")
    assert page.refs == []  # no src/href/link: nothing to fetch
    assert "default-src 'none'" in text  # and the browser is told to fetch nothing
    assert not re.search(r"(?i)\b(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", text)


def test_html_escapes_registry_text(cli, tmp_path):
    """Registry text is data: a name or message with markup stays text (autoescape)."""
    repo = build_repo(tmp_path / "repo")
    evil = "<script>alert(1)</script>"
    edit(repo, "patterns/registry/PATTERN_INDEX.yaml", "status: draft", f'status: draft\n    note: "{evil}"')
    edit(repo, B_EXEC, f"# DOC_LINK: {DOC[BETA]}\n", f"# DOC_LINK: {evil}\n")
    _, text, page = _page(cli, repo, tmp_path / "report.html")
    assert evil not in text and "&lt;script&gt;" in text
    assert text.count("<script>") == 1  # only the page's own


@pytest.mark.parametrize("fmt", ["html"])
def test_html_on_stdout_equals_the_file_apart_from_the_clock(cli, tmp_path, fmt):
    repo = build_repo(tmp_path / "repo")
    out = cli("check", "--repo", str(repo), "--format", fmt).out
    _, text, _ = _page(cli, repo, tmp_path / "r.html")
    strip = lambda s: re.sub(r"\d{4}-\d\d-\d\dT[\d:]+Z", "T", s)  # noqa: E731
    assert strip(out) == strip(text)
