"""A cache of compiled schemas and generated instances, so a no-op rerun does not
compile 1,000 specs again.

Entries are keyed by a hash of everything the result depends on: the spec's bytes,
the pattern's ids, the doc_id rule, and the source of the compiler and instance
generator themselves (so a patforge upgrade invalidates it). The cache lives in
patforge's state folder (never in the tree); losing it only costs time.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from patforge.diagnostics import Diagnostic
from patforge.transaction.atomic import atomic_write
from patforge.transaction.state_shape import sealed
from patforge.spec import compiler, dialect, vocabulary
from patforge.examplegen import instances, leafvalues, regexgen, schemamerge, schemawalk, walkshapes, walktypes
from patforge.validation import bounded_schema as boundedschema, regexes

CACHE_FILE = "compile-cache.json"
#: The cache holds a schema and three instances per pattern: ~5 KB each.
MAX_CACHE_BYTES = 1 << 30


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
    path: Path | None
    entries: dict[str, Any] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    dirty: bool = False
    code: str = ""

    @classmethod
    def load(cls, state: Path | None) -> "CompileCache":
        # why: start-up time: loaded only when this function runs, not when the module is imported
        from patforge.repository.bounded import ContentError, parse_json, read_regular
        from patforge.transaction.state_shape import unseal

        cache = cls(path=(state / CACHE_FILE) if state else None, code=_code_fingerprint())
        if cache.path is not None and cache.path.is_file():
            try:  # sealed: a damaged or edited file is a miss as a whole
                data = parse_json(unseal(read_regular(cache.path, CACHE_FILE, max_bytes=MAX_CACHE_BYTES)),
                                  CACHE_FILE)
            except (ContentError, ValueError):
                return cache
            if isinstance(data, dict) and data.get("code") == cache.code and isinstance(data.get("entries"), dict):
                cache.entries = data["entries"]
        return cache

    def get(self, k: str, shape: Callable[[Any], Any] | None = None) -> Any:
        """The entry for ``k`` read through ``shape`` (which raises ``ValueError`` or
        ``TypeError`` for an entry it cannot use); None on a miss. An entry of the
        wrong shape is a miss, dropped: it is recomputed and written again."""
        if k not in self.entries:
            return None
        value = self.entries[k]
        if shape is not None:
            try:
                value = shape(value)
            except (ValueError, TypeError, KeyError):
                del self.entries[k]
                self.dirty = True
                return None
        self.used.add(k)
        return value

    def put(self, k: str, value: Any) -> None:
        self.entries[k] = value
        self.used.add(k)
        self.dirty = True

    def save(self, *, prune: bool = True) -> None:
        """Keep only what this run used (when it saw every pattern), so the cache never
        grows past the registry."""
        if self.path is None or (not self.dirty and (not prune or len(self.used) == len(self.entries))):
            return
        kept = {k: v for k, v in self.entries.items() if k in self.used} if prune else self.entries
        try:
            atomic_write(self.path, sealed(json.dumps({"code": self.code, "entries": kept}).encode("utf-8")),
                         durable=False)
        except OSError:
            pass
