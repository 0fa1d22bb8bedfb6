"""A cache of compiled schemas and generated instances, so a no-op rerun does not
compile 1,000 specs again.

Entries are keyed by a hash of everything the result depends on: the spec's bytes,
the pattern's ids, the doc_id rule, and the source of the compiler and instance
generator themselves (so a patforge upgrade invalidates it). The cache lives in
patforge's state folder (never in the tree); losing it only costs time.

One file per entry (``compile-cache/<key>.json``), read when the entry is asked for and
written when it is made: a run holds no schema it is not using (one file for the whole
cache held every schema and instance of a 10,000-pattern render in memory, ~200 MB,
and rewrote all of it when one entry changed). Each file is untrusted input: sealed,
bounded, a regular file, naming its own key and the code that wrote it; anything else
is a miss, and the entry is made and written again.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from patforge.diagnostics import Diagnostic
from patforge.transaction.atomic import atomic_write
from patforge.transaction.state_shape import sealed
from patforge.spec import compiler, dialect, vocabulary
from patforge.examplegen import instances, leafvalues, regexgen, schemamerge, schemawalk, walkshapes, walktypes
from patforge.validation import bounded_schema as boundedschema, regexes

#: The folder of entry files in the state folder.
CACHE_DIR = "compile-cache"
#: What earlier versions kept (one file for every entry): removed when the cache is saved.
LEGACY_FILE = "compile-cache.json"
#: One entry is a schema or three instances of one pattern: ~5 KB; a spec is at most a
#: few MB (repository.bounded), so an entry file larger than this was not written by patforge.
MAX_ENTRY_BYTES = 64 << 20
_KEY = re.compile(r"[0-9a-f]{64}")


def _code_fingerprint() -> str:
    h = hashlib.sha256()
    for mod in (compiler, dialect, instances, schemawalk, walkshapes, walktypes, schemamerge,
                leafvalues, regexgen, regexes, boundedschema, vocabulary):
        h.update(Path(mod.__file__).read_bytes())
    return h.hexdigest()[:16]


def key(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def diag_to_dict(d: Diagnostic) -> dict[str, Any]:
    return d.to_dict()


@dataclass
class CompileCache:
    """The entries of one folder, read one at a time. ``path`` is where entries are
    written (None: nothing is written, e.g. a dry run or ``status``); ``folder`` is where
    they are read from (None: every lookup is a miss)."""

    path: Path | None
    folder: Path | None = None
    used: set[str] = field(default_factory=set)
    code: str = ""

    @classmethod
    def load(cls, state: Path | None) -> "CompileCache":
        """The cache in the state folder ``state`` (nothing is read or created yet)."""
        folder = state / CACHE_DIR if state else None
        return cls(path=folder, folder=folder, code=_code_fingerprint())

    def _file(self, k: str) -> Path | None:
        if self.folder is None or not _KEY.fullmatch(k):
            return None
        return self.folder / f"{k}.json"

    def get(self, k: str, shape: Callable[[Any], Any] | None = None) -> Any:
        """The entry for ``k`` read through ``shape`` (which raises ``ValueError`` or
        ``TypeError`` for an entry it cannot use); None on a miss. A file that is not
        exactly what :meth:`put` writes, or an entry of the wrong shape, is a miss: it
        is recomputed and written again."""
        # why: start-up time: loaded only when this function runs, not when the module is imported
        from patforge.repository.bounded import ContentError, parse_json, read_regular
        from patforge.transaction.state_shape import unseal

        file = self._file(k)
        if file is None or os.path.islink(file) or (self.folder is not None and os.path.islink(self.folder)):
            return None  # never read through a link: it may lead out of the state folder
        try:  # sealed: a damaged or edited file is a miss
            data = parse_json(unseal(read_regular(file, file.name, max_bytes=MAX_ENTRY_BYTES)), file.name)
        except (ContentError, ValueError):
            return None
        if not (isinstance(data, dict) and data.get("code") == self.code and data.get("key") == k
                and "value" in data):
            return None
        value = data["value"]
        if shape is not None:
            try:
                value = shape(value)
            except (ValueError, TypeError, KeyError):
                return None
        self.used.add(k)
        return value

    def put(self, k: str, value: Any) -> None:
        """Write the entry for ``k`` (atomically: a reader sees the old file or the new)."""
        self.used.add(k)
        file = None if self.path is None else self._file(k)
        if file is None or not self._writable_folder():
            return
        body = json.dumps({"code": self.code, "key": k, "value": value}).encode("utf-8")
        try:
            atomic_write(file, sealed(body), durable=False)
        except OSError:
            pass  # losing an entry only costs time

    def _writable_folder(self) -> bool:
        """The entry folder exists as a real folder of its own (a link or a file put
        in its place is removed first: nothing is written through it)."""
        assert self.path is not None
        try:
            st = os.lstat(self.path)
        except FileNotFoundError:
            st = None
        except OSError:
            return False
        try:
            if st is not None and not stat.S_ISDIR(st.st_mode):
                os.unlink(self.path)  # a link or a file: never written through
                st = None
            if st is None:
                self.path.mkdir(mode=0o700)
        except OSError:
            return False
        return True

    def save(self, *, prune: bool = True) -> None:
        """Remove the entries this run did not use (when it saw every pattern), so the
        cache never grows past the registry; and the single file earlier versions kept."""
        if self.path is None or not prune:
            return
        legacy = self.path.parent / LEGACY_FILE
        try:
            if os.path.lexists(legacy):
                os.unlink(legacy)
            if os.path.islink(self.path) or not self.path.is_dir():
                return
            with os.scandir(self.path) as it:
                stale = [e.name for e in it if not e.is_dir(follow_symlinks=False)
                         and e.name.removesuffix(".json") not in self.used]
            for name in stale:
                os.unlink(self.path / name)
        except OSError:
            pass
