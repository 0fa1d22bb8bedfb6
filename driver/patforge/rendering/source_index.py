"""What each answers file records as its template source, kept across runs by stat.

The template trust check (``template_source.recorded_sources``) reads the head of
every answers file: five per pattern, 50,000 files at 10,000 patterns, where
``patforge new`` renders five. This index keeps, per answers file, its size, its
mtime and the ``_src_path`` it recorded, in the state folder
(``answers-sources.json``, sealed like the manifest). A file is taken from the index
only when its stat is what the index recorded and old enough to trust (the
manifest's racy window: a second edit within the file system's timestamp
granularity keeps size and mtime); any other file is read, and the index rewritten.

The index is untrusted input like every state file: a damaged, forged or foreign
file is ignored as a whole (a full read, nothing more). It names no path that is
opened: only the answers files found by listing the folder are looked up in it. And
it decides nothing about which template renders: that is always the shipped bundle
or the one the user named (``resolve_source``); what answers files record only
makes a run refuse or warn.
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from patforge.rendering.statclock import fs_clock_ns, trusted_stat
from patforge.repository.bounded import ContentError, parse_json, read_regular
from patforge.transaction.atomic import atomic_write
from patforge.transaction.state_shape import BadShape, sealed, unseal

INDEX = "answers-sources.json"
FORMAT = 1
#: What an answers file's head says about its source (the first lines Copier writes).
SRC_LINE = re.compile(r"^_src_path: (.+)$", re.M)
#: The bytes read of an answers file: ``_src_path`` is on its third line.
HEAD = 400


def head_source(path: str | Path, shown: str) -> str | None:
    """The ``_src_path`` the answers file at ``path`` records (None: none, or not a
    regular file: a FIFO named *.yml must not block the run)."""
    try:
        head = read_regular(Path(path), shown, head=HEAD).decode("utf-8", "replace")
    except ContentError:
        return None
    m = SRC_LINE.search(head)
    return m.group(1).strip().strip("'\"") if m else None


@dataclass
class SourceIndex:
    #: rel -> [size, mtime_ns, source or None]
    files: dict[str, list[Any]] = field(default_factory=dict)
    written_ns: int = 0

    def known(self, rel: str, st: os.stat_result) -> tuple[bool, str | None]:
        """(whether the index knows ``rel`` at this stat, the source it recorded)."""
        entry = self.files.get(rel)
        if entry is None or not stat.S_ISREG(st.st_mode) or entry[0] != st.st_size \
                or entry[1] != st.st_mtime_ns or not trusted_stat(entry[1], self.written_ns):
            return False, None
        return True, entry[2]


def load(state: Path) -> SourceIndex | None:
    """The index in ``state``, or None when it is missing, damaged or not what patforge writes."""
    try:
        data = parse_json(unseal(read_regular(state / INDEX, INDEX)), INDEX)
        return _checked(data)
    except (ContentError, BadShape, ValueError, TypeError, KeyError):
        return None


def _checked(data: Any) -> SourceIndex | None:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    written, sources, files = data["written_ns"], data["sources"], data["files"]
    if not _whole(written) or not isinstance(sources, list) or not isinstance(files, dict) \
            or not all(isinstance(s, str) for s in sources):
        return None
    out: dict[str, list[Any]] = {}
    for rel, entry in files.items():
        if not isinstance(entry, list) or len(entry) != 3 or not all(_whole(v) for v in entry) \
                or not -1 <= entry[2] < len(sources):
            return None
        out[rel] = [entry[0], entry[1], sources[entry[2]] if entry[2] >= 0 else None]
    return SourceIndex(out, written)


def _whole(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def save(state: Path, files: dict[str, list[Any]]) -> None:
    """Write the index (rel -> [size, mtime_ns, source or None]) atomically; a failure
    only costs the next run a full read."""
    sources = sorted({e[2] for e in files.values() if e[2] is not None})
    number = {s: i for i, s in enumerate(sources)}
    try:
        written = fs_clock_ns(state, "answers-sources.clock")
        body = {"format": FORMAT, "written_ns": written, "sources": sources,
                "files": {rel: [e[0], e[1], number[e[2]] if e[2] is not None else -1]
                          for rel, e in sorted(files.items())}}
        atomic_write(state / INDEX, sealed(json.dumps(body, separators=(",", ":")).encode("utf-8")),
                     durable=False)
    except OSError:
        pass
