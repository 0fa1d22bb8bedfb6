#!/usr/bin/env python3
"""Incremental check (the pre-commit hook) against a full check, side by side.

    python bench/incremental_check.py --repo /tmp/repo1000 [--repeat 3]
    python bench/incremental_check.py --patterns 1000       # generate + render first

Works on a copy of ``--repo``: one pattern's executor gets a changed line and is
staged, as a commit would; then, alternating so that machine load hits both alike,
``patforge check FILE`` (what pre-commit runs) and ``patforge check`` run as separate
processes, ``--repeat`` times each. Reported: the median wall time of each and their
ratio (target, issue 15: the incremental check costs at most 15 % of the full one at
1,000 patterns). Results go to bench/results/incremental-<n>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def timed(args: list[str], cwd: Path) -> tuple[float, int, str]:
    start = time.perf_counter()
    res = subprocess.run([sys.executable, "-m", "patforge", *args], cwd=cwd, capture_output=True, text=True)
    return time.perf_counter() - start, res.returncode, res.stdout


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repo", type=Path, help="a rendered pattern repository (not changed)")
    ap.add_argument("--patterns", type=int, default=1000, help="without --repo: generate and render this many")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="patforge-inc-") as tmp:
        if args.repo is None:
            from genrepo import generate

            src = generate(Path(tmp) / "generated", args.patterns)
            subprocess.run([sys.executable, "-m", "patforge", "render", "--repo", str(src)], check=True,
                           stdout=subprocess.DEVNULL)
            subprocess.run(["git", "add", "-A"], cwd=src, check=True)
            subprocess.run(["git", "-c", "user.name=bench", "-c", "user.email=bench@patforge.invalid", "commit",
                            "-qm", "rendered"], cwd=src, check=True)
        else:
            src = args.repo
        repo = Path(tmp) / "repo"
        shutil.copytree(src, repo, symlinks=True)
        executor = sorted((repo / "patterns" / "executors").glob("*_executor.py"))[0]
        rel = executor.relative_to(repo).as_posix()
        with open(executor, "a", encoding="utf-8") as fh:
            fh.write("# changed for the incremental-check benchmark\n")
        subprocess.run(["git", "add", rel], cwd=repo, check=True)
        env_note = os.environ.get("PATFORGE_JOBS", "")
        part, full = [], []
        patterns = None
        for _ in range(args.repeat):
            t, code, out = timed(["check", "--format", "json", rel], repo)
            part.append(t)
            assert code in (0, 1), out[-2000:]
            t, code, out = timed(["check", "--format", "json"], repo)
            full.append(t)
            patterns = json.loads(out)["summary"]["patterns"]
    p, f = statistics.median(part), statistics.median(full)
    out = {"patterns": patterns, "changed_file": rel, "repeat": args.repeat,
           "incremental_s": {"median": round(p, 2), "runs": [round(x, 2) for x in part]},
           "full_s": {"median": round(f, 2), "runs": [round(x, 2) for x in full]},
           "ratio": round(p / f, 3), "target_at_most": 0.15, "met": p / f <= 0.15,
           "loadavg": os.getloadavg()[0] if hasattr(os, "getloadavg") else None, "env": env_note}
    dest = HERE / "results" / f"incremental-{patterns}.json"
    dest.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(f"{patterns} patterns | check {rel}: {p:.2f} s | full check: {f:.2f} s | ratio {p / f:.1%} "
          f"(target <= 15%) -> {dest.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
