"""patforge as a separate process that a test kills: start it, run it to the end, wait
(without a fixed sleep) for the processes of a killed run to be gone, and check that a
run left no journal or temporary file. Shared by test_kill_safety.py and
test_fault_injection.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

# A guard against a true hang only: the killed run's pool workers watch their parent and
# exit within half a second of its death, so a correct run is seen gone at once; under any
# load short of a stalled machine this never runs out.
GONE_TIMEOUT = 300.0


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


def wait_until_gone(pids: Path, timeout: float = GONE_TIMEOUT) -> list[int]:
    """Wait until every pool worker recorded in ``pids`` has exited; return those still
    alive when ``timeout`` ran out (empty when all are gone). Polls instead of sleeping a
    fixed time, so a loaded machine makes it slower, never wrong."""
    deadline = time.monotonic() + timeout
    while (left := leftover_workers(pids)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def run_to_end(*args: str, pids: Path | None = None) -> int:
    return patforge(*args, pids=pids).wait(timeout=600)


def state_is_clean(repo: Path) -> None:
    state = repo / ".git" / "patforge"
    assert not (state / "journal.json").exists()
    assert not any((state / "tmp").glob("*")) if (state / "tmp").exists() else True
    assert not list(repo.rglob(".patforge-tmp-*")), "stray temp files in the tree"
