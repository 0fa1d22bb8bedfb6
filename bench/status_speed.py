#!/usr/bin/env python3
"""``patforge status`` against ``patforge check`` on the same rendered repository.

    python bench/status_speed.py --repo /tmp/repo1000 [--repeat 3]

Issue 15's target: status takes at most as long as check. Both run as separate
processes, alternating so machine load hits both alike, ``--repeat`` times each, on
the repository as it is (its compile cache in ``.git/patforge`` included: the state
after a render on this machine) and on a fresh ``git clone`` of it (no cache: every
unit's answers are compiled again, the cost on a CI runner). Reported: medians and
ratios. Results go to bench/results/status-<n>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def timed(args: list[str], repo: Path) -> tuple[float, int, str]:
    start = time.perf_counter()
    res = subprocess.run([sys.executable, "-m", "patforge", *args, "--repo", str(repo)], capture_output=True,
                         text=True)
    return time.perf_counter() - start, res.returncode, res.stdout


def measure(repo: Path, repeat: int) -> dict:
    st, ck = [], []
    units, patterns = None, None
    for _ in range(repeat):
        t, code, out = timed(["status", "--json"], repo)
        st.append(t)
        data = json.loads(out)
        units = len(data["units"])
        patterns = len({u["pattern"] for u in data["units"] if u["kind"] != "repo"})
        t, code, _ = timed(["check", "--format", "json"], repo)
        ck.append(t)
    s, c = statistics.median(st), statistics.median(ck)
    return {"patterns": patterns, "status_s": round(s, 2), "check_s": round(c, 2), "ratio": round(s / c, 3), "units": units,
            "status_runs": [round(x, 2) for x in st], "check_runs": [round(x, 2) for x in ck]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repo", type=Path, required=True, help="a rendered, committed pattern repository")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    warm = measure(args.repo, args.repeat)
    patterns = warm.pop("patterns")
    with tempfile.TemporaryDirectory(prefix="patforge-status-") as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "-q", str(args.repo), str(clone)], check=True)
        cold = measure(clone, args.repeat)
        cold.pop("patterns")
    out = {"patterns": patterns, "with_compile_cache": warm, "fresh_clone": cold,
           "loadavg": os.getloadavg()[0] if hasattr(os, "getloadavg") else None}
    dest = HERE / "results" / f"status-{patterns}.json"
    dest.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    for label, m in (("with compile cache", warm), ("fresh clone", cold)):
        print(f"{patterns} patterns, {label}: status {m['status_s']:.2f} s, check {m['check_s']:.2f} s, "
              f"ratio {m['ratio']:.2f} (target <= 1)")
    print(f"-> {dest.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
