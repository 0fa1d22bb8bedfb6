#!/usr/bin/env python3
"""Make docs/check-report.png and docs/check-report-compliant.png: the HTML check report
of the rendered demo, non-compliant and compliant, as chromium shows its first screen.

    python scripts/check_report_screenshot.py [--out-dir docs] [--size 1400,1200]

The demo (24 patterns) is copied to a temporary folder and rendered: that is the
compliant picture. Then a person's mistakes: one rendered example is deleted
(PATFORGE-RENDERED-MISSING), one executor loses its DOC_LINK header (-041) and one
rendered executor's DOC_LINK names another doc_id (-042, -070: shown on the executor
only), so the second picture shows the findings list first and the grid filtered to
the problems. The same chromium flags as tests/test_check_html_browser.py.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _shoot(browser: str, page: Path, out: Path, size: str, profile: Path) -> None:
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    f"--user-data-dir={profile}", f"--window-size={size}", f"--screenshot={out.resolve()}",
                    page.as_uri()], check=True, capture_output=True)
    print(f"wrote {out}")


def _break(repo: Path) -> None:
    """Three mistakes a person makes by hand."""
    (repo / "patterns/examples/batch_create/instance_full.json").unlink()
    executors = sorted((repo / "patterns" / "executors").glob("*_executor.*"))
    first, second = executors[1], executors[2]
    text = first.read_text(encoding="utf-8")
    first.write_text(re.sub(r"(?m)^.*DOC_LINK:.*\n", "", text, count=1), encoding="utf-8")
    text = second.read_text(encoding="utf-8")
    second.write_text(re.sub(r"DOC_LINK: DOC-[A-Z0-9-]+", "DOC_LINK: DOC-SOMETHING-ELSE-001", text, count=1),
                      encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out-dir", type=Path, default=ROOT / "docs")
    ap.add_argument("--size", default="1400,1200")
    args = ap.parse_args(argv)
    browser = next((shutil.which(n) for n in ("chromium", "chromium-browser") if shutil.which(n)), None)
    if browser is None:
        raise SystemExit("chromium not found: apt-get install chromium")
    from patforge.cli import run
    from patforge.commands.demo import copy_demo

    with tempfile.TemporaryDirectory(prefix="patforge-shot-") as tmp:
        repo = copy_demo(Path(tmp) / "demo")
        if run(["render", "--repo", str(repo), "-q"]) != 0:
            raise SystemExit("render failed")
        page = Path(tmp) / "compliant.html"
        if run(["check", "--repo", str(repo), "--format", "html", "--output", str(page), "-q"]) != 0:
            raise SystemExit("the rendered demo is not compliant")
        _shoot(browser, page, args.out_dir / "check-report-compliant.png", args.size, Path(tmp) / "p1")
        _break(repo)
        page = Path(tmp) / "non-compliant.html"
        if run(["check", "--repo", str(repo), "--format", "html", "--output", str(page), "-q"]) != 1:
            raise SystemExit("the broken demo should be non-compliant")
        _shoot(browser, page, args.out_dir / "check-report.png", args.size, Path(tmp) / "p2")
    return 0


if __name__ == "__main__":
    sys.exit(main())
