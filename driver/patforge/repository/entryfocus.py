"""Which registry entries a run that works on a few must still validate.

``check FILE`` and ``status --only`` judge a few entries, yet an entry's verdict also
depends on the others: two entries that would write the same file (or a file where
the other needs a folder) are both refused (``entryclash.find_collisions``), and
which message each gets depends on every entry of that chain. Duplicate names, ids
and doc_ids are found over the raw entries, which costs nothing.

:class:`EntryIndex` is the cheap index of every entry (its name and its path fields
as written, no file system call); :func:`widen` grows the focus until no entry
outside it can touch a file or folder of one inside it. It over-approximates (an
entry it pulls in is validated, nothing more): any entry whose path fields are
absent (they are derived by convention or from a sidecar), whose name occurs in a
focused entry's path, or whose path equals, holds or lies inside one. Validating
that closed set gives the focused entries exactly the diagnostics a whole-registry
load gives them.
"""

from __future__ import annotations

import bisect
from typing import Any, Callable, Iterable

from patforge.repository.layout import PATH_FIELDS, REQUIRED_PATH_FIELDS, sidecar_path


def _raw(value: str) -> str:
    rel = value.strip().replace("\\", "/")
    while rel.startswith("./"):
        rel = rel[2:]
    return rel.rstrip("/").casefold()


class EntryIndex:
    """Names and written paths of every entry (case-folded), and the folders holding them."""

    def __init__(self, entries: list[Any]) -> None:
        self.names: list[tuple[str, int]] = []
        self.paths: dict[str, set[int]] = {}  # a written path -> entries
        self.derived: set[int] = set()  # entries some of whose paths are derived, not written
        for i, e in enumerate(entries):
            if not isinstance(e, dict):
                continue
            if isinstance(e.get("name"), str):
                self.names.append((e["name"].casefold(), i))
            if any(not isinstance(e.get(f), str) or not e.get(f).strip() for f in REQUIRED_PATH_FIELDS):
                self.derived.add(i)
            for f in PATH_FIELDS:
                v = e.get(f)
                if not isinstance(v, str) or not v.strip():
                    continue
                rels = [_raw(v)] + ([_raw(sidecar_path(v.strip()))] if f == "schema_path" else [])
                for rel in rels:
                    self.paths.setdefault(rel, set()).add(i)
        self.ordered = sorted(self.paths)  # the paths inside a folder stand together

    def touching(self, target: str) -> set[int]:
        """Entries whose name or written paths may meet ``target`` (a file or folder)."""
        t = target.casefold().rstrip("/")
        out = set(self.paths.get(t, ()))
        inside = t + "/"
        k = bisect.bisect_left(self.ordered, inside)
        while k < len(self.ordered) and self.ordered[k].startswith(inside):
            out |= self.paths[self.ordered[k]]
            k += 1
        parts = t.split("/")
        for n in range(1, len(parts)):
            out |= self.paths.get("/".join(parts[:n]), set())
        out.update(i for name, i in self.names if name and name in t)
        return out


def widen(focus: Iterable[int], index: EntryIndex, targets: Callable[[int], list[str]]) -> set[int]:
    """``focus`` grown until closed: ``targets(i)`` lists what entry ``i`` may write
    (empty when the entry is refused before its paths are read)."""
    done: set[int] = set()
    todo = set(focus) | index.derived
    while todo:
        i = todo.pop()
        done.add(i)
        for t in targets(i):
            todo |= index.touching(t) - done
    return done


__all__ = ["EntryIndex", "widen"]
