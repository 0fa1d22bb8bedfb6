#!/usr/bin/env python3
"""Make docs/check-report.png: the HTML check report of the rendered demo, in chromium.

    python scripts/check_report_screenshot.py [--out docs/check-report.png]

The demo (24 patterns) is copied to a temporary folder and rendered; then one executor
is deleted and one loses its DOC_LINK header, so the picture shows a missing and a
failing cell beside rendered (pass) and hand-written ones. The same chromium flags as
tests/test_check_html_browser.py.
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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "check-report.png")
    ap.add_argument("--size", default="1400,900")
    args = ap.parse_args(argv)
    browser = next((shutil.which(n) for n in ("chromium", "chromium-browser") if shutil.which(n)), None)
    if browser is None:
        raise SystemExit("chromium not found: apt-get install chromium")
    from patforge.cli import run
    from patforge.commands.demo import copy_demo

    with tempfile.TemporaryDirectory(prefix="patforge-shot-") as tmp:
        repo = copy_demo(Path(tmp) / "demo")
        if run(["render", "--repo", str(repo)]) != 0:
            raise SystemExit("render failed")
        executors = sorted((repo / "patterns" / "executors").glob("*_executor.*"))
        executors[0].unlink()
        text = executors[1].read_text(encoding="utf-8")
        executors[1].write_text(re.sub(r"(?m)^.*DOC_LINK:.*\n", "", text, count=1), encoding="utf-8")
        page = Path(tmp) / "report.html"
        run(["check", "--repo", str(repo), "--format", "html", "--output", str(page)])
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        f"--user-data-dir={Path(tmp) / 'profile'}", f"--window-size={args.size}",
                        f"--screenshot={args.out.resolve()}", page.as_uri()], check=True, capture_output=True)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
