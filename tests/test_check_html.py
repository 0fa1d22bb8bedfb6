"""``check --format html``: one self-contained page (no network), autoescaped, with one
matrix row per pattern and a cell per artifact column coloured by state. The page's
behaviour in a real browser is tested in test_check_html_browser.py."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from patforge.check.matrix import columns
from conftest import commit_all, git
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
    edit(repo, B_EXEC, f"# DOC_LINK: {DOC[BETA]}\n", "")  # a finding: its file is linked
    _, text, page = _page(cli, repo, tmp_path / "report.html")
    # nothing to fetch: the only references are links to the repository's own files
    assert page.refs and all(r.startswith(repo.resolve().as_uri() + "/") for r in page.refs), page.refs
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


def _between(text: str, start: str, end: str) -> str:
    return text[text.index(start):text.index(end, text.index(start))]


def test_findings_come_first_with_what_to_do_and_links_to_their_files(cli, tmp_path):
    """Before the grid: the top causes with the fix that repairs most of them (as the text
    report says it), then every finding with a link to its file and line."""
    repo = build_repo(tmp_path / "repo")
    edit(repo, B_EXEC, f"# DOC_LINK: {DOC[BETA]}\n", "")
    (repo / "patterns/specs" / f"{ALPHA}.pattern.yaml").unlink()
    _, text, page = _page(cli, repo, tmp_path / "report.html")
    assert text.index('id="findings"') < text.index('id="matrix"')
    findings = _between(text, 'id="findings"', "</section>")
    assert "PAT-CHECK-001-041" in findings and "what to do" in findings.lower()
    assert "PAT-CHECK-001-020" in findings
    link = (repo.resolve() / B_EXEC).as_uri()
    assert re.search(rf'<a href="{re.escape(link)}(#L1)?"[^>]*>{re.escape(B_EXEC)}:1</a>', findings), findings
    # the causes: a rule, how many patterns, and the fix
    causes = _between(text, 'id="causes"', "</ol>")
    assert "PAT-CHECK-001-041" in causes and "DOC_LINK" in causes


def test_a_non_compliant_page_starts_with_the_problems(cli, tmp_path):
    repo = build_repo(tmp_path / "repo")
    _, text, _ = _page(cli, repo, tmp_path / "ok.html")
    boxes = dict(re.findall(r'<input type="checkbox" name="state" value="([a-z-]+)"( checked)?', text))
    assert all(boxes.values()), boxes  # compliant: every row shown
    edit(repo, B_EXEC, f"# DOC_LINK: {DOC[BETA]}\n", "")
    _, text, _ = _page(cli, repo, tmp_path / "bad.html")
    boxes = dict(re.findall(r'<input type="checkbox" name="state" value="([a-z-]+)"( checked)?', text))
    assert {s for s, on in boxes.items() if on} == {"missing", "fail", "warn", "skip"}, boxes


def test_a_doc_link_mismatch_is_the_executor_s_problem_not_the_entry_s(cli, tmp_path):
    """-042 and -070 both see it; it shows once, on the executor's column."""
    repo = build_repo(tmp_path / "repo")
    git(repo, "init", "-q")  # -072 judged against HEAD, not skipped
    commit_all(repo)
    edit(repo, B_EXEC, f"# DOC_LINK: {DOC[BETA]}", "# DOC_LINK: DOC-OTHER-001")
    _, _, page = _page(cli, repo, tmp_path / "report.html")
    assert _state(page, BETA, "executor") == "fail"
    assert _state(page, BETA, "registry") == "pass"
    tip = next(r for r in page.rows if r["data-name"] == BETA)["cells"][page.headers.index("executor")]["title"]
    assert "PAT-CHECK-001-042" in tip and "PAT-CHECK-001-070" in tip


def test_a_rule_not_judged_is_shown_as_skipped_not_ok(cli, tmp_path):
    """Examples whose schema is broken were never validated: not green."""
    from compliant_repo import A_SCHEMA

    repo = build_repo(tmp_path / "repo")
    (repo / A_SCHEMA).write_text("{ not json", encoding="utf-8")
    _, _, page = _page(cli, repo, tmp_path / "report.html")
    assert _state(page, ALPHA, "schema") == "fail"
    assert _state(page, ALPHA, "examples") == "skip"
    tip = next(r for r in page.rows if r["data-name"] == ALPHA)["cells"][page.headers.index("examples")]["title"]
    assert "PATFORGE-EXAMPLE-VALID" in tip and "not judged" in tip
    # a rule skipped for every pattern for one reason (no git here: -072) greys no cell:
    # the rule table says it once
    assert _state(page, BETA, "registry") == "pass"
    assert _state(page, BETA, "examples") == "hand-written"  # judged, every rule holds


def test_rows_carry_the_doc_id_and_sortable_columns(cli, tmp_path):
    repo = build_repo(tmp_path / "repo")
    _, text, page = _page(cli, repo, tmp_path / "report.html")
    for name in (ALPHA, BETA, GAMMA):
        row = next(r for r in page.rows if r["data-name"] == name.lower())
        assert row["data-doc-id"] == DOC[name]
        assert f'<td class="doc">{DOC[name]}</td>' in text
    assert len(re.findall(r'<th[^>]*data-sort=', text)) == len(columns()) + 3  # name, root, doc_id, columns


@pytest.mark.slow
def test_each_unit_shows_its_drift_state_from_status(cli, rendered_demo, tmp_path):
    """A rendered unit's cell says what `patforge status` says of it (current, modified...)."""
    ex = "patterns/examples/batch_create/instance_full.json"
    (rendered_demo / ex).unlink()
    executor = rendered_demo / "patterns/executors/batch_create_executor.ps1"
    executor.write_text(executor.read_text(encoding="utf-8") + "# a hand edit\n", encoding="utf-8")
    code, text, page = _page(cli, rendered_demo, tmp_path / "report.html")
    assert code == 1

    def cell(name, col):
        return next(r for r in page.rows if r["data-name"] == name)["cells"][page.headers.index(col)]

    assert cell("batch_create", "examples")["data-drift"] == "missing"
    assert re.search(r"\bs-fail\b", cell("batch_create", "examples")["class"])
    assert f"{ex} (deleted)" in cell("batch_create", "examples")["title"]
    assert cell("batch_create", "executor")["data-drift"] == "modified"
    assert cell("atomic_create", "executor")["data-drift"] == "hand-written"
    assert cell("batch_create", "schema")["data-drift"] == "current"
    assert "status: current" in cell("batch_create", "schema")["title"]


@pytest.fixture(scope="module")
def broken_result(tmp_path_factory):
    from patforge.check import run_check

    repo = build_repo(tmp_path_factory.mktemp("html") / "repo")
    edit(repo, B_EXEC, f"# DOC_LINK: {DOC[BETA]}\n", "")
    return run_check(repo)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.sampled_from(list("<>&\"'`/=ab \n{}%#;:")), min_size=1, max_size=40))
def test_any_finding_text_stays_text(broken_result, text):
    """Whatever a message, hint, path or doc_id holds (the registry is untrusted), the page
    has only its own markup: one script, and the text escaped where it is shown."""
    from dataclasses import replace

    from markupsafe import escape  # what Jinja's autoescape writes

    from patforge.check.reporters.html import html_report

    value = f"<u data-x>{text}"  # markup the page itself never writes
    findings = [replace(f, message=value, hint=value, path=f"patterns/{value}") if f.status == "FAIL" else f
                for f in broken_result.findings]
    records = [replace(r, findings=[replace(f, message=value, hint=value) for f in r.findings])
               for r in broken_result.records]
    result = replace(broken_result, findings=findings, records=records,
                     doc_ids={k: value for k in broken_result.doc_ids})
    page = html_report(result)
    assert page.count("<script") == 1 and page.count("</script>") == 1
    assert page.count("<a ") == page.count("</a>")
    assert "<u data-x>" not in page
    assert str(escape(value)) in page
