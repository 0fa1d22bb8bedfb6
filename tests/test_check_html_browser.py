"""The HTML report in a real headless browser (Debian's chromium; .ci/run installs it).

Two ways in: ``--dump-dom`` prints the DOM after the page's script ran (the matrix has
one row per pattern, the filters exist, the script finished: ``data-ready-ms``, and
filters passed in the URL hash hide the rows they should); and ``headless.Browser``
drives the page over the DevTools protocol with real mouse clicks, as a person would
click through a non-compliant repository: the first screen shows the findings and
their files, the grid starts filtered to the problems, filters, sorting and a cell's
details work. A screenshot is taken too (docs/check-report*.png are made the same way,
by scripts/check_report_screenshot.py).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from headless import Browser
from compliant_repo import ALPHA, B_EXEC, BETA, DOC, GAMMA, build_repo, edit

BROWSER = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)),
               None)
pytestmark = [
    pytest.mark.skipif(BROWSER is None, reason="no chromium on PATH: `apt-get install chromium` "
                       "(.ci/run installs it when it runs as root with apt)"),
    pytest.mark.slow,  # a browser start costs ~2-4 s each, on a busy 2-core machine more than 10 s in all
]


def _chromium(profile: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           f"--user-data-dir={profile}", *args], capture_output=True, text=True, timeout=180)


def _rows(dom: str) -> list[tuple[str, bool]]:
    """(data-name, hidden) for each matrix row in a dumped DOM."""
    return [(m.group(2), m.group(1) is not None or "hidden" in m.group(0))
            for m in re.finditer(r'<tr( hidden="")? data-name="([^"]*)"[^>]*>', dom)]


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("html")
    repo = build_repo(tmp / "repo")
    edit(repo, B_EXEC, f"# DOC_LINK: {DOC[BETA]}\n", "")
    from patforge.cli import run

    out = tmp / "report.html"
    assert run(["check", "--repo", str(repo), "--format", "html", "--output", str(out)]) == 1
    return out


def test_page_loads_with_one_row_per_pattern_and_filters(page, tmp_path):
    res = _chromium(tmp_path / "profile", "--dump-dom", page.as_uri())
    dom = res.stdout
    assert re.search(r'<html[^>]*data-ready-ms="\d+"', dom), res.stderr[-2000:]  # the script ran to the end
    rows = _rows(dom)
    assert sorted(name for name, _ in rows) == sorted(n.lower() for n in (ALPHA, BETA, GAMMA))
    # non-compliant: the grid starts with the problems (gamma has none)
    assert dict(rows) == {ALPHA.lower(): True, BETA.lower(): False, GAMMA.lower(): True}
    for control in ('id="q"', 'id="rule"', 'name="state"', 'id="problems"', 'id="all"'):
        assert control in dom
    assert re.search(r'<b id="shown">1</b>', dom)


def test_filters_from_the_url_hide_rows_in_the_browser(page, tmp_path):
    res = _chromium(tmp_path / "profile", "--dump-dom", page.as_uri() + "#state=fail,missing")
    rows = dict(_rows(res.stdout))
    assert rows == {ALPHA.lower(): True, BETA.lower(): False, GAMMA.lower(): True}
    res = _chromium(tmp_path / "profile2", "--dump-dom", page.as_uri() + "#q=SYNC&state=all")
    assert dict(_rows(res.stdout)) == {ALPHA.lower(): True, BETA.lower(): True, GAMMA.lower(): False}
    assert '<b id="shown">1</b>' in res.stdout


def test_screenshot(page, tmp_path):
    shot = tmp_path / "report.png"
    _chromium(tmp_path / "profile", "--window-size=1280,720", f"--screenshot={shot}", page.as_uri())
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


# -- clicking through a non-compliant repository ----------------------------------------------

devtools = pytest.mark.skipif(os.name == "nt", reason="headless.Browser talks to chromium over file "
                              "descriptors 3 and 4 (POSIX)")

@pytest.fixture(scope="module")
def broken(tmp_path_factory) -> tuple[Path, Path]:
    """(repository, report): beta's executor lost its DOC_LINK, alpha's spec is gone."""
    tmp = tmp_path_factory.mktemp("broken")
    repo = build_repo(tmp / "repo")
    edit(repo, B_EXEC, f"# DOC_LINK: {DOC[BETA]}\n", "")
    (repo / "patterns/specs" / f"{ALPHA}.pattern.yaml").unlink()
    from patforge.cli import run

    out = tmp / "report.html"
    assert run(["check", "--repo", str(repo), "--format", "html", "--output", str(out)]) == 1
    return repo.resolve(), out


def _shown(b: Browser) -> list[str]:
    return b.js("Array.prototype.filter.call(document.querySelectorAll('#matrix tbody tr'),"
                " function (tr) { return !tr.hidden; }).map(function (tr) { return tr.dataset.name; })")


@devtools
def test_first_screen_shows_the_findings_and_their_files(broken, tmp_path):
    repo, page = broken
    with Browser(tmp_path / "profile", 1280, 800) as b:
        b.open(page.as_uri())
        top, height = b.js("[document.getElementById('findings').getBoundingClientRect().top, innerHeight]")
        assert 0 <= top < height / 2  # no scrolling to find them
        links = b.js("Array.prototype.map.call(document.querySelectorAll('#findings a[href]'),"
                     " function (a) { return [a.textContent, a.getAttribute('href'),"
                     " a.getBoundingClientRect().top < innerHeight]; })")
        assert [f"{B_EXEC}:1", (repo / B_EXEC).as_uri() + "#L1", True] in links, links
        spec = f"patterns/specs/{ALPHA}.pattern.yaml"
        text = b.js("document.getElementById('findings').innerText")
        assert "PAT-CHECK-001-041" in text and "PAT-CHECK-001-020" in text and spec in text
        assert "what to do" in text.lower()
        assert sorted(_shown(b)) == sorted([ALPHA.lower(), BETA.lower()])  # the grid: problems only


@devtools
def test_filter_sort_and_cell_details_by_clicking(broken, tmp_path):
    repo, page = broken
    with Browser(tmp_path / "profile") as b:
        b.open(page.as_uri())
        b.click("#all")  # every row
        assert sorted(_shown(b)) == sorted(n.lower() for n in (ALPHA, BETA, GAMMA))
        b.type("#q", "merge")
        assert _shown(b) == [BETA.lower()]
        b.js("var q = document.getElementById('q'); q.value = ''; q.dispatchEvent(new Event('input'))")
        b.click("#problems")
        assert sorted(_shown(b)) == sorted([ALPHA.lower(), BETA.lower()])
        b.click("#all")
        # sort: by name, then the other way; by a column: its problems first
        b.click('th[data-sort="name"]')
        assert _shown(b) == sorted(n.lower() for n in (ALPHA, BETA, GAMMA))
        b.click('th[data-sort="name"]')
        assert _shown(b) == sorted((n.lower() for n in (ALPHA, BETA, GAMMA)), reverse=True)
        assert b.js("document.querySelector('th[data-sort=\\'name\\']').getAttribute('aria-sort')") == "descending"
        b.click('th[data-col="executor"]')
        assert _shown(b)[0] == BETA.lower()
        b.click('th[data-col="spec"]')
        assert _shown(b)[0] == ALPHA.lower()
        # a cell: its findings, file:line and what to do, in the side panel
        b.click(f'tr[data-name="{BETA.lower()}"] td.c[data-col="executor"]')
        detail = b.js("document.getElementById('detail').innerText")
        assert BETA in detail and f"{B_EXEC}:1" in detail and "PAT-CHECK-001-041" in detail
        assert "what to do" in detail
        assert b.js("document.querySelector('td.c.sel').dataset.col") == "executor"
        b.screenshot(tmp_path / "clicked.png")
    assert (tmp_path / "clicked.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
