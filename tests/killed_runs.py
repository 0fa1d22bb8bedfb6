"""patforge as a separate process that a test kills: start it, run it to the end, wait
(without a fixed sleep) for the processes of a killed run to be gone, and check that a
run left no journal or temporary file. Shared by test_kill_safety.py and
test_fault_injection.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

def patforge(*args: str, cwd: Path | None = None, pids: Path | None = None) -> subprocess.Popen:
    env = {**os.environ, **({"PATFORGE_WORKER_PID_DIR": str(pids)} if pids else {})}
    return subprocess.Popen([sys.executable, "-m", "patforge", *args], cwd=cwd, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (an exited one that waits to be reaped does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")  # where there is one: a zombie has exited
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def leftover_workers(pids: Path) -> list[int]:
    recorded = [int(f.name) for f in pids.iterdir()] if pids.is_dir() else []
    return [pid for pid in recorded if alive(pid)]


def run_to_end(*args: str, pids: Path | None = None) -> int:
    return patforge(*args, pids=pids).wait(timeout=600)


def state_is_clean(repo: Path) -> None:
    state = repo / ".git" / "patforge"
    assert not (state / "journal.json").exists()
    assert not any((state / "tmp").glob("*")) if (state / "tmp").exists() else True
    assert not list(repo.rglob(".patforge-tmp-*")), "stray temp files in the tree"
