"""`patforge demo`: its ending says what happened and what to try next, and every
suggested command shows something on the demo repository as the demo leaves it."""

from __future__ import annotations

import re
import shlex

import pytest

from conftest import git, run_patforge
from patforge.commands.demo import NEXT_STEPS


@pytest.mark.slow
def test_demo_ending_counts_files_and_next_steps_show_something(tmp_path):
    res = run_patforge("demo", "demo", cwd=tmp_path)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    repo = tmp_path / "demo"
    m = re.search(r"patforge wrote (\d+) file\(s\) in .*\. They are NOT committed", res.stdout)
    assert m, res.stdout[-2000:]
    uncommitted = git(repo, "status", "--porcelain", "--untracked-files=all").splitlines()
    assert int(m[1]) == len(uncommitted) > 300
    ending = res.stdout[res.stdout.index("==> done"):]
    for cmd, _what in NEXT_STEPS:
        assert cmd in ending
    for cmd, _what in NEXT_STEPS:
        argv = shlex.split(cmd)
        assert argv[0] == "patforge"
        out = run_patforge(*argv[1:], cwd=repo)
        assert out.returncode == 0, (cmd, out.stdout[-2000:], out.stderr[-2000:])
        assert len(out.stdout.strip().splitlines()) >= 3, (cmd, out.stdout)  # shows something
        assert "nothing to do" not in out.stdout and "nothing to" not in out.stdout
    # they looked, they changed nothing
    assert git(repo, "status", "--porcelain", "--untracked-files=all").splitlines() == uncommitted


def test_copy_only_renders_nothing(tmp_path):
    res = run_patforge("demo", "--copy-only", "tour", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert git(tmp_path / "tour", "status", "--porcelain") == ""
    assert not (tmp_path / "tour" / ".patforge").exists()
