"""When a file's stat can stand for its content: the racy window and the file system's clock.

State files that remember files by ``[size, mtime_ns]`` (the render manifest, the
answers files' source index) trust a stat only when the file was last modified well
before the state file was written: a second edit within the file system's timestamp
granularity would keep size and mtime (git's "racily clean" index entries). The
write time is taken from the file system (a probe file's mtime), not the process's
clock: the two can differ.
"""

from __future__ import annotations

import os
from pathlib import Path

#: A file modified this close (ns) to the state file's own write is hashed or read,
#: not trusted by its stat.
RACY_NS = 2_000_000_000


def fs_clock_ns(state: Path, name: str) -> int:
    """The file system's clock now: the mtime of a probe file ``name`` made in ``state``."""
    probe = state / name
    probe.write_bytes(b"")
    try:
        return os.stat(probe).st_mtime_ns
    finally:
        probe.unlink(missing_ok=True)


def trusted_stat(recorded_mtime_ns: int, written_ns: int) -> bool:
    """Whether a stat recorded with this mtime, in a state file written at
    ``written_ns``, is old enough to stand for the file's content."""
    return recorded_mtime_ns < written_ns - RACY_NS
