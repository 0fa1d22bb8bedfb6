"""Tag a patforge release: the annotated tag ``v<version>`` (pyproject.toml's version)
on HEAD, which users pin as the pre-commit hook's ``rev`` (docs/cli.md, "pre-commit").

    python scripts/tag_release.py [--dry-run]

Refuses a dirty tree (the tag would not be what was tested) and a version that is
already tagged (a moved tag breaks every pin and pre-commit's cache); push the tag with
``git push origin v<version>``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="say what would be tagged; tag nothing")
    args = parser.parse_args(argv)
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    tag = f"v{version}"
    status = git("status", "--porcelain")
    if status.returncode != 0:
        print(f"error: {ROOT} is not a git repository: {status.stderr.strip()}", file=sys.stderr)
        return 2
    if status.stdout.strip():
        print("error: the working tree has uncommitted changes; commit them first, so the tag is what was "
              "tested", file=sys.stderr)
        return 2
    if git("rev-parse", "-q", "--verify", f"refs/tags/{tag}").returncode == 0:
        print(f"error: {tag} already exists; raise the version in pyproject.toml for a new release "
              "(a moved tag breaks every pinned rev)", file=sys.stderr)
        return 2
    head = git("rev-parse", "--short", "HEAD").stdout.strip()
    if args.dry_run:
        print(f"would tag {head} as {tag}")
        return 0
    res = git("tag", "-a", tag, "-m", f"patforge {version}")
    if res.returncode != 0:
        print(f"error: git tag failed: {res.stderr.strip()}", file=sys.stderr)
        return 2
    print(f"tagged {head} as {tag}; publish it with: git push origin {tag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
