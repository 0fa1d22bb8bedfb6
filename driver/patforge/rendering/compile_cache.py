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
from typing import Any

from patforge.diagnostics import Diagnostic, Severity
from patforge.transaction.atomic import atomic_write
from patforge.spec import compiler, dialect
from patforge.examplegen import instances, leafvalues, regexgen, schemamerge, schemawalk, walkshapes, walktypes

CACHE_FILE = "compile-cache.json"


def _code_fingerprint() -> str:

    h = hashlib.sha256()
    for mod in (compiler, dialect, instances, schemawalk, walkshapes, walktypes, schemamerge,
                leafvalues, regexgen):
        h.update(Path(mod.__file__).read_bytes())
    return h.hexdigest()[:16]


def key(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def diag_to_dict(d: Diagnostic) -> dict[str, Any]:
    return d.to_dict()


def diag_from_dict(d: dict[str, Any]) -> Diagnostic:
    return Diagnostic(Severity(d["severity"]), d["message"], d.get("path"), d.get("line"), d.get("column"),
                      d.get("hint"), d.get("code"), d.get("pattern"))


@dataclass
class CompileCache:
    path: Path | None
    entries: dict[str, Any] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    dirty: bool = False
    code: str = ""

    @classmethod
    def load(cls, state: Path | None) -> "CompileCache":
        cache = cls(path=(state / CACHE_FILE) if state else None, code=_code_fingerprint())
        if cache.path is not None and cache.path.is_file():
            try:
                data = json.loads(cache.path.read_text(encoding="utf-8"))
                if data.get("code") == cache.code:
                    cache.entries = data.get("entries", {})
            except (ValueError, OSError):
                pass
        return cache

    def get(self, k: str) -> Any:
        if k in self.entries:
            self.used.add(k)
            return self.entries[k]
        return None

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
            atomic_write(self.path, json.dumps({"code": self.code, "entries": kept}).encode("utf-8"),
                         durable=False)
        except OSError:
            pass
