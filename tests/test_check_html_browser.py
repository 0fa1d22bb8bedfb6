"""The HTML report in a real headless browser (Debian's chromium; .ci/run installs it).

The page is loaded with ``--dump-dom``, which prints the DOM after the page's script
ran: the matrix has one row per pattern, the filters exist, the script finished
(``data-ready-ms``), and filters passed in the URL hash hide the rows they should.
A screenshot is taken too (docs/check-report.png is made the same way, by
scripts/check_report_screenshot.py).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

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
    assert not any(hidden for _, hidden in rows)
    for control in ('id="q"', 'id="rule"', 'name="state"', 'id="problems"'):
        assert control in dom
    assert re.search(r'<b id="shown">3</b>', dom)


def test_filters_from_the_url_hide_rows_in_the_browser(page, tmp_path):
    res = _chromium(tmp_path / "profile", "--dump-dom", page.as_uri() + "#state=fail,missing")
    rows = dict(_rows(res.stdout))
    assert rows == {ALPHA.lower(): True, BETA.lower(): False, GAMMA.lower(): True}
    res = _chromium(tmp_path / "profile2", "--dump-dom", page.as_uri() + "#q=SYNC")
    assert dict(_rows(res.stdout)) == {ALPHA.lower(): True, BETA.lower(): True, GAMMA.lower(): False}
    assert '<b id="shown">1</b>' in res.stdout


def test_screenshot(page, tmp_path):
    shot = tmp_path / "report.png"
    _chromium(tmp_path / "profile", "--window-size=1280,720", f"--screenshot={shot}", page.as_uri())
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
