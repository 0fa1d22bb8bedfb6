"""Faults under patforge: SIGKILL during `new`, `check --fix` and `doctor --fix`; a
write that fails (a full disk, injected at random points through the journal's
writer, since no small tmpfs is available); a file another process changes
between planning and landing. The rerun ends in the uninterrupted result, or in a
refusal that names the changed file. Seeds are fixed (PATFORGE_FAULT_SEED replays
another)."""

from __future__ import annotations

import errno
import os
import random
import shutil
import signal
import time
from pathlib import Path

import pytest

from conftest import FIXTURES, commit_all, git, tree_snapshot
from killed_runs import patforge, run_to_end, state_is_clean

SEED = int(os.environ.get("PATFORGE_FAULT_SEED", "1313"))
KILLS = 3


def points(total: float, n: int, salt: str) -> list[float]:
    rnd = random.Random(f"{SEED}-{salt}")
    return sorted(rnd.uniform(0.1, max(total, 0.3)) for _ in range(n))


def differing(a: dict, b: dict) -> list[str]:
    return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))[:10]


def killed_then_rerun(make_repo, args: tuple[str, ...], finish: tuple[tuple[str, ...], ...], salt: str,
                      tmp: Path) -> None:
    """Run ``args`` to the end on one copy (the expected tree); on other copies kill it
    at random moments, run ``finish`` (the commands a user reruns), compare."""
    ref = make_repo(tmp / "ref")
    t0 = time.monotonic()
    assert run_to_end(*args, "--repo", str(ref)) in (0, 1)
    total = time.monotonic() - t0
    expected = tree_snapshot(ref)
    for i, delay in enumerate(points(total, KILLS, salt)):
        repo = make_repo(tmp / f"k{i}")
        proc = patforge(*args, "--repo", str(repo))
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        for command in finish:
            run_to_end(*command, "--repo", str(repo))
        got = tree_snapshot(repo)
        assert got == expected, f"{args} killed at {delay:.2f}s: differs in {differing(got, expected)}"
        state_is_clean(repo)


posix_kill = pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX; Windows uses TerminateProcess")


@pytest.mark.slow
@posix_kill
def test_new_killed_at_random_points(tmp_path, rendered_demo_once):
    base = rendered_demo_once  # conftest.py: never changed, copied for every run below

    def make(dst: Path) -> Path:
        shutil.copytree(base, dst, symlinks=True)
        return dst

    # A killed `new` is finished by running it again; when its entry already landed,
    # `new` refuses (naming the entry) and `render` completes the suite.
    killed_then_rerun(make, ("new", "fault_probe", "-c", "demo", "--executor", "py"),
                      (("new", "fault_probe", "-c", "demo", "--executor", "py"), ("render",)), "new", tmp_path)


@pytest.mark.slow
@posix_kill
def test_check_fix_killed_at_random_points(tmp_path):
    from patforge.commands.demo import copy_demo

    killed_then_rerun(lambda dst: copy_demo(dst), ("check", "--fix"), (("check", "--fix"),), "check", tmp_path)


@pytest.mark.slow
@posix_kill
def test_doctor_fix_killed_at_random_points(tmp_path):
    def make(dst: Path) -> Path:
        shutil.copytree(FIXTURES / "wild_repo", dst)
        git(dst, "init", "-q")
        commit_all(dst, "wild")
        return dst

    killed_then_rerun(make, ("doctor", "--fix"), (("doctor", "--fix"),), "doctor", tmp_path)


# -- a write that fails (disk full) at random points ---------------------------------------------

def small_repo(dst: Path) -> Path:
    from hostile_repo import build

    dst.mkdir(parents=True)
    repo = build(dst)
    git(repo, "init", "-q")
    commit_all(repo, "registry")
    return repo


@pytest.mark.slow
def test_a_write_failure_at_random_points_is_finished_by_the_rerun(tmp_path, cli, monkeypatch):
    from patforge.transaction import journal

    real_write = journal.atomic_write
    calls = {"n": 0, "fail_at": None}

    def failing_write(path, data, **kw):
        calls["n"] += 1
        if calls["n"] == calls["fail_at"]:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return real_write(path, data, **kw)

    monkeypatch.setattr(journal, "atomic_write", failing_write)
    ref = small_repo(tmp_path / "ref")
    assert cli("render", "--repo", str(ref)).code == 0
    writes = calls["n"]
    expected = tree_snapshot(ref)
    assert writes > 10
    rnd = random.Random(f"{SEED}-enospc")
    for k in sorted(rnd.sample(range(1, writes + 1), 5)):
        repo = small_repo(tmp_path / f"f{k}")
        calls.update(n=0, fail_at=k)
        r = cli("render", "--repo", str(repo))
        assert r.code == 2, r
        assert "No space left on device" in r.err and "run the command again" in r.err, r
        calls.update(n=0, fail_at=None)
        again = cli("render", "--repo", str(repo))
        assert again.code == 0, again
        got = tree_snapshot(repo)
        assert got == expected, f"write #{k} failed: differs in {differing(got, expected)}"
        state_is_clean(repo)


# -- a file changed by another process between planning and landing ---------------------------------

def test_update_refuses_a_file_changed_after_planning(tmp_path, cli, monkeypatch):
    from patforge.commands import update as update_mod

    repo = small_repo(tmp_path / "u")
    assert cli("render", "--repo", str(repo)).code == 0
    commit_all(repo, "rendered")
    tpl = tmp_path / "tpl"
    git(tmp_path, "clone", "-q", str(repo / ".patforge/templates.bundle"), str(tpl))
    for f in (tpl / "templates/executor").glob("*path*"):
        f.write_text(f.read_text(encoding="utf-8") + "# v2\n", encoding="utf-8")
    commit_all(tpl, "v2")
    git(tpl, "tag", "v2.0.0")
    executor = repo / "patterns/executors/alpha_executor.py"
    real = update_mod._refuse_concurrent_changes

    def edit_then_check(r, paths):
        executor.write_text(executor.read_text() + "# someone else\n")  # lands after planning
        return real(r, paths)

    monkeypatch.setattr(update_mod, "_refuse_concurrent_changes", edit_then_check)
    r = cli("update", "--repo", str(repo), "--template", str(tpl))
    assert r.code == 2, r
    assert "patterns/executors/alpha_executor.py changed on disk" in r.err
    assert executor.read_text().endswith("# someone else\n")  # the other edit is kept
    assert "# v2" not in executor.read_text()
