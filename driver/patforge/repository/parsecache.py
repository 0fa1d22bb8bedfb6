"""A parse cache for YAML read without positions: the data of each text, keyed by its digest.

PyYAML builds every object in Python even with libyaml's parser: a 1,000-pattern
``check`` spent about a third of its time constructing specs, sidecars and the
registry, which change rarely. ``json.loads`` of the same data is ~10x cheaper. The
cache answers ``yamlsrc._load`` (every positions-free parse) while it is
:func:`active`; ``check`` turns it on, ``status`` reads it without writing.

Safety (a cache file is input like any other, never trusted):

* an entry is keyed by the SHA-256 of the exact text parsed: an edit that keeps
  the file's size and mtime is a different key, never a stale hit;
* only data JSON represents exactly is stored (string keys; text, finite numbers,
  booleans, null, lists, mappings), and no text with an anchor (an alias is shared
  data and expands past its text);
* the cache is ``SHARDS`` files in ``<state folder>/parse-cache/``, each sealed
  (``state_shape.sealed``) and stamped with the format and the parser's fingerprint
  (PyYAML's version, ``yamlsrc.py``'s bytes): a damaged, edited, foreign or oversized
  shard is ignored as a whole; an entry that is not text, is larger than its source
  could give, or is not JSON is a miss (the text is parsed again);
* shards are written atomically; each holds at most ``MAX_SHARD_BYTES`` (oldest
  entries dropped first), and a run that read every pattern keeps only what it used.

The state folder is trusted as the journal and the compile cache are: created 0700
and refused when another user may write to it (``transaction/state.py``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import Any, Iterator

import yaml

from patforge.errors import RepositoryError

FOLDER = "parse-cache"
FORMAT = 1
SHARDS = 64
#: A shard over this many bytes is not read, and a save drops its oldest entries to
#: stay under it: the cache is bounded by ``SHARDS * MAX_SHARD_BYTES`` (1 GiB).
MAX_SHARD_BYTES = 16 * 1024 * 1024
#: Largest entry stored (a 10,000-pattern registry is ~5.5 MB of JSON).
MAX_ENTRY_BYTES = 12 * 1024 * 1024
#: What a lookup answers when the cache holds nothing usable for the text.
MISS = object()


def _fingerprint() -> str:
    """What decides a parse: PyYAML's version and patforge's loader."""
    here = Path(__file__).with_name("yamlsrc.py")
    try:
        source = here.read_bytes()
    except OSError:
        source = b""
    return hashlib.sha256(yaml.__version__.encode() + b"\0" + source).hexdigest()[:16]


def digest(text: str, kind: str = "") -> str:
    """The key of what ``text`` gives: its data, or (``kind``) a fact derived from it."""
    return hashlib.sha256(kind.encode("utf-8") + b"\0" + text.encode("utf-8", "surrogatepass")).hexdigest()


def _plain(value: Any, depth: int = 0) -> bool:
    """Whether JSON gives ``value`` back exactly (same types, same keys)."""
    if depth > 100:
        return False
    t = type(value)
    if t is str or t is bool or t is int or value is None:
        return True
    if t is float:
        return value == value and value not in (float("inf"), float("-inf"))
    if t is list:
        return all(_plain(v, depth + 1) for v in value)
    if t is dict:
        return all(type(k) is str and _plain(v, depth + 1) for k, v in value.items())
    return False


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a YAML value patforge stores")


def _finite(literal: str) -> float:
    value = float(literal)
    if value != value or value in (float("inf"), float("-inf")):  # 1e999 reads as infinity
        raise ValueError(f"{literal} is not a finite number")
    return value


class ParseCache:
    """The shards of one repository's cache, read on first use; ``writable`` caches
    save what they learned (:meth:`save`)."""

    def __init__(self, folder: Path | None, *, writable: bool = False) -> None:
        self.folder = folder
        self.writable = writable and folder is not None
        self.code = _fingerprint()
        self._shards: dict[int, dict[str, str]] = {}
        self._dirty: set[int] = set()
        self._used: set[str] = set()

    # -- reading -------------------------------------------------------------------
    def _shard(self, n: int) -> dict[str, str]:
        shard = self._shards.get(n)
        if shard is None:
            shard = self._shards[n] = self._read(n)
        return shard

    def _read(self, n: int) -> dict[str, str]:
        # why: start-up time: loaded only when a shard is read, not when the module is imported
        from patforge.repository.bounded import ContentError, parse_json, read_regular
        from patforge.transaction.state_shape import unseal

        if self.folder is None:
            return {}
        path = self.folder / f"{n:02d}.json"
        if not path.is_file():
            return {}
        try:
            data = parse_json(unseal(read_regular(path, path.name, max_bytes=MAX_SHARD_BYTES)), path.name)
        except (ContentError, ValueError):
            return {}  # damaged, edited, oversized, not ours: as if absent
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("code") != self.code \
                or not isinstance(data.get("entries"), dict):
            return {}
        return {k: v for k, v in data["entries"].items() if isinstance(v, str) and len(k) == 64}

    def lookup(self, text: str, kind: str = "") -> Any:
        """The data ``text`` parses to (fresh objects, the caller may change them), or
        ``MISS``; with ``kind``, what :meth:`store` recorded under it (the caller checks its shape)."""
        key = digest(text, kind)
        n = int(key[:8], 16) % SHARDS
        entry = self._shard(n).get(key)
        if entry is None or len(entry) > 8 * len(text) + 256:  # more than its text can give
            return MISS
        try:  # JSON gives back only what store() accepted: no type check needed past these
            value = json.loads(entry, parse_constant=_reject_constant, parse_float=_finite)
        except (ValueError, RecursionError):
            value = MISS
        if value is MISS:
            self._shards[n].pop(key, None)
            self._dirty.add(n)
            return MISS
        self._used.add(key)
        return value

    # -- learning ------------------------------------------------------------------
    def store(self, text: str, value: Any, kind: str = "") -> None:
        """Remember what ``text`` parsed to, or (``kind``) a fact derived from it;
        nothing when JSON cannot hold it exactly."""
        if not self.writable or not _plain(value):
            return
        try:
            entry = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
            entry.encode("utf-8")  # a lone surrogate cannot be written
        except (ValueError, UnicodeEncodeError, RecursionError):
            return
        if len(entry) > MAX_ENTRY_BYTES or len(entry) > 8 * len(text) + 256:
            return
        key = digest(text, kind)
        n = int(key[:8], 16) % SHARDS
        shard = self._shard(n)
        if shard.get(key) != entry:
            shard[key] = entry
            self._dirty.add(n)
        self._used.add(key)

    def save(self, *, prune: bool = False) -> None:
        """Write the shards that changed (atomically). ``prune``: the run read every
        pattern, so entries it did not use are dropped (the cache never outgrows the
        repository); each shard stays under ``MAX_SHARD_BYTES``, oldest entries first out."""
        if not self.writable:
            return
        # why: start-up time: loaded only when a cache is saved, not when the module is imported
        from patforge.transaction.atomic import atomic_write
        from patforge.transaction.state_shape import sealed

        todo = set(self._dirty)
        if prune:
            todo |= {n for n, s in self._shards.items() if any(k not in self._used for k in s)}
            if len(self._shards) < SHARDS:  # shards never opened hold nothing this run used
                todo |= {n for n in range(SHARDS) if n not in self._shards
                         and self.folder is not None and (self.folder / f"{n:02d}.json").exists()}
        for n in sorted(todo):
            entries = self._shards.get(n, {})
            if prune:
                entries = {k: v for k, v in entries.items() if k in self._used}
            size = sum(len(k) + len(v) + 8 for k, v in entries.items())
            while entries and size > MAX_SHARD_BYTES - 4096:
                old = next(iter(entries))  # the oldest first
                size -= len(old) + len(entries.pop(old)) + 8
            body = json.dumps({"format": FORMAT, "code": self.code, "entries": entries},
                              ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            try:
                atomic_write(self.folder / f"{n:02d}.json", sealed(body), durable=False)  # type: ignore[operator]
            except OSError:
                return  # a cache that cannot be written costs time, nothing more
        self._dirty.clear()


_ACTIVE: list[ParseCache] = []


def current() -> ParseCache | None:
    """The cache positions-free YAML parses consult now (None: parse every time)."""
    return _ACTIVE[-1] if _ACTIVE else None


@contextlib.contextmanager
def active(cache: ParseCache | None) -> Iterator[ParseCache | None]:
    """Parse through ``cache`` inside the block (``None``: no cache)."""
    if cache is None:
        yield None
        return
    _ACTIVE.append(cache)
    try:
        yield cache
    finally:
        _ACTIVE.remove(cache)


def open_for(repo: Path, *, writable: bool) -> ParseCache:
    """``repo``'s cache. Read-only (``status``): nothing is created, not even the state
    folder. Writable (``check``): the state folder and the cache's folder are created."""
    # why: start-up time: loaded only when a cache opens, not when the module is imported
    from patforge.transaction.state import state_dir, state_location

    try:
        folder = (state_dir(repo) if writable else state_location(repo)) / FOLDER
    except (RepositoryError, OSError):  # a state folder patforge refuses: no cache, the run goes on
        return ParseCache(None)
    if writable:
        try:
            folder.mkdir(mode=0o700, exist_ok=True)
        except OSError:
            return ParseCache(None)
    return ParseCache(folder, writable=writable and os.access(folder, os.W_OK))


__all__ = ["MISS", "ParseCache", "active", "current", "digest", "open_for"]
