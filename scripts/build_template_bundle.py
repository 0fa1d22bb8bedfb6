#!/usr/bin/env python3
"""Record the working tree's template collection as a version in the shipped git bundle.

Copier can only `update` from a *versioned* template: a git repository (or bundle)
whose tags are the template versions. A pip-installed patforge has no git checkout
of itself, so the wheel ships `patforge/data/templates.bundle`: a small,
template-only git history (copier.yml + templates/) with one commit and one tag
`v<templates/VERSION>` per released template version. Commits use fixed author,
committer and dates, so the same inputs give the same commit ids on every machine.

Usage:
    python scripts/build_template_bundle.py          # add or refresh the current version
    python scripts/build_template_bundle.py --check  # exit 1 if the bundle is stale

Refreshing the newest version in place is allowed while it is unreleased (it is the
tip); an older tag is never rewritten: bump templates/VERSION instead.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "driver" / "patforge" / "data" / "templates.bundle"
FIXED_ENV = {
    "GIT_AUTHOR_NAME": "patforge templates", "GIT_AUTHOR_EMAIL": "templates@patforge.invalid",
    "GIT_COMMITTER_NAME": "patforge templates", "GIT_COMMITTER_EMAIL": "templates@patforge.invalid",
    "GIT_AUTHOR_DATE": "2025-01-01T00:00:00+0000", "GIT_COMMITTER_DATE": "2025-01-01T00:00:00+0000",
    "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
}


def git(cwd: Path, *args: str, check: bool = True) -> str:
    env = {**os.environ, **FIXED_ENV}
    res = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    if check and res.returncode != 0:
        raise SystemExit(f"git {' '.join(args)} failed: {res.stderr.strip()}")
    return res.stdout.strip()


def copy_tree(dst: Path) -> None:
    for p in dst.iterdir():
        if p.name != ".git":
            shutil.rmtree(p) if p.is_dir() else p.unlink()
    shutil.copy2(ROOT / "copier.yml", dst / "copier.yml")
    shutil.copytree(ROOT / "templates", dst / "templates",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for p in dst.rglob("*"):  # modes are part of the tree: make them uniform
        if p.is_file():
            p.chmod(0o644)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only report whether the bundle is current")
    args = ap.parse_args()
    version = (ROOT / "templates" / "VERSION").read_text().strip()
    tag = f"v{version}"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "t"
        if BUNDLE.exists():
            git(Path(tmp), "clone", "-q", str(BUNDLE), str(work))
            git(work, "checkout", "-q", "-B", "main", "origin/main")
        else:
            work.mkdir()
            git(work, "init", "-q", "-b", "main")
        tags = git(work, "tag", "--list").split()
        copy_tree(work)
        git(work, "add", "-A")
        head_exists = git(work, "rev-parse", "-q", "--verify", "HEAD", check=False) != ""
        dirty = git(work, "status", "--porcelain") != ""
        if not dirty and tag in tags:
            print(f"bundle is current: {tag}")
            return 0
        if args.check:
            print(f"bundle is stale: templates differ from {tag} in {BUNDLE.relative_to(ROOT)}; "
                  "run python scripts/build_template_bundle.py")
            return 1
        if tag in tags:
            if git(work, "rev-parse", f"{tag}^{{commit}}") != git(work, "rev-parse", "HEAD"):
                raise SystemExit(f"{tag} is not the newest version; bump templates/VERSION")
            git(work, "tag", "-d", tag)
            parent = git(work, "rev-parse", "-q", "--verify", "HEAD~1", check=False)
            if parent:
                git(work, "reset", "-q", "--soft", "HEAD~1")
            else:  # refreshing the very first version: start the history again
                git(work, "update-ref", "-d", "HEAD")
        git(work, "commit", "-q", "-m", f"templates {tag}")
        git(work, "tag", tag)
        BUNDLE.parent.mkdir(parents=True, exist_ok=True)
        out = Path(tmp) / "out.bundle"
        git(work, "bundle", "create", "-q", str(out), "--all")
        shutil.copyfile(out, BUNDLE)
        print(f"wrote {BUNDLE.relative_to(ROOT)} with {tag} ({BUNDLE.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
