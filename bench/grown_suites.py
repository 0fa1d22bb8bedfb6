"""The grown registry (tests/fixtures/grown_repo): whole suites after one render and
the length of check's report -- the figures docs/design.md quotes (issues 12 and 22).

    PYTHONPATH=driver python bench/grown_suites.py

Copies the fixture into a fresh git repository, renders it once (the CLI, as a user
runs it), judges every entry the way tests/test_grown_registry.py does, and counts the
lines of `patforge check` (default and --verbose). Not a timing: counts only.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1] / "tests"


def main() -> None:
    sys.path.insert(0, str(TESTS))
    from conftest import Cli, grown_copy
    import test_grown_registry as t

    repo = grown_copy(Path(tempfile.mkdtemp(prefix="grown-")) / "repo")
    cli = Cli()
    first = cli("render", "--repo", str(repo))
    judged = t.check_results(cli, repo)
    results = {n: t.whole_suite(repo, n, judged) for n in sorted(t.EXPECTED)}
    whole = sum(r is None for r in results.values())
    print(f"render exit {first.code}; whole suites after one render: {whole} of {len(results)} names")
    for name, why in results.items():
        if why is not None:
            print(f"  not whole: {name}: {why[:100]}")
    default = cli("check", "--repo", str(repo)).out.splitlines()
    verbose = cli("check", "--repo", str(repo), "--verbose").out.splitlines()
    print(f"check report: {len(default)} lines (--verbose: {len(verbose)})")


if __name__ == "__main__":  # the render pool spawns workers that import this module
    main()
