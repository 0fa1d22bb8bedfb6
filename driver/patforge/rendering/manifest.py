"""What the last full render left behind: per unit, hashes of its inputs and outputs.

One file in the state folder (``<git dir>/patforge/manifest.json``, never in the
tree) records, after a full ``render`` that ended with every unit generated,
up to date or hand-written:

* ``files``: every file the render read to decide what to do, and every file it
  manages, as ``[size, mtime_ns, digest]`` (``digest`` None: the file must be
  absent). Inputs are the registry, ``patforge.toml``, each spec, the template
  history; outputs are each unit's files and answers file; a hand-written unit's
  files are inputs too (render decides by their presence).
* ``dirs``: listings render consults (the answers folder, example folders of
  hand-written examples), as digests of the sorted names.
* ``units``: per (pattern, kind) unit its outcome and files (what a replay shows).
  Each unit's input hashes have their home in its answers file, its output hashes
  next to it; the manifest is a cache over the whole tree, not a second record.
* ``context``: what is not a file: patforge's own code, the options, the
  template source and the shipped template bundle.

Two users:

* ``render`` (``replay_if_unchanged``): when the context is the same and every
  recorded file has the same bytes (a stat; a hash only when the stat differs or
  is too recent to trust, as git does for its index), nothing can have changed,
  so the last report is replayed with every unit up to date: a stat pass over
  the files, no registry parse, no unit built, nothing imported from Copier.
  Any difference (a missing or edited output, a changed input) falls back to
  the full run, which notices it as before and rewrites the manifest.
* ``status`` and anything else that hashes files (``known_digest``): the digest of
  a file whose stat is unchanged since it was recorded, without reading it. The
  per-unit *classification* is not here: it has one home, which render and status
  share; the manifest only makes the no-op case and hashing cheap.

Losing the manifest only costs time: the next full render rebuilds it.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable
from patforge import __version__
from patforge.transaction.atomic import atomic_write
from patforge.rendering.manifest_shape import checked
from patforge.repository.bounded import ContentError, parse_json, read_regular
from patforge.repository.paths import PathProblem, resolve_inside
from patforge.transaction.state_shape import sealed, unseal
from patforge.rendering.statclock import RACY_NS, fs_clock_ns

MANIFEST = "manifest.json"
#: The manifest's read bound. It grows with the repository (~4.5 KB a pattern: every
#: file's stat and digest), so the 16 MiB bound of a repository file would disable the
#: no-op path past ~3,500 patterns (measured: 44.7 MB at 10,000). 512 MiB still refuses
#: a link to /dev/zero or a runaway file before it is held in memory.
MAX_MANIFEST_BYTES = 512 * 1024 * 1024
FORMAT = 2  # 2: inputs hashed on every replay, the body sealed, every entry shape-checked


def digest(data: bytes) -> str:
    """SHA-256, the digest the output hashes next to answers files use, so a caller can
    compare the two without reading a file whose stat is unchanged."""
    return hashlib.sha256(data).hexdigest()


def code_fingerprint() -> str:
    """patforge's version and its source files' stats: an upgrade or an edited driver
    invalidates every record."""

    root = Path(__file__).resolve().parents[1]  # the patforge package, not rendering/
    h = hashlib.blake2b(__version__.encode(), digest_size=16)
    for dirpath, dirnames, files in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".py", ".bundle", ".json")):
                st = os.stat(os.path.join(dirpath, name))
                h.update(f"{os.path.relpath(dirpath, root)}/{name}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()


def listing_digest(folder: Path | str) -> str | None:
    """Digest of every path under ``folder`` (names only), None if it does not exist:
    the names ``os.walk`` gives, top-down, sorted, each as ``<folder-relative dir>/<name>``
    (``./<name>`` at the top); links to folders are names, not walked."""
    folder = os.fspath(folder)
    if not os.path.isdir(folder):
        return None
    names: list[str] = []
    _listed(folder, ".", names)
    return digest("\n".join(names).encode("utf-8"))


def _listed(path: str, rel: str, names: list[str]) -> None:
    # os.scandir, not os.walk: a replayed no-op lists ~1,000 example folders at 1,000 patterns
    try:
        with os.scandir(path) as it:
            entries = list(it)
    except OSError:
        return  # as os.walk: a folder that cannot be listed adds nothing
    files, folders = [], []
    for e in entries:
        try:
            is_dir = e.is_dir()
        except OSError:
            is_dir = False
        (folders if is_dir else files).append(e.name)
    names += [f"{rel}/{f}" for f in sorted(files)]
    for name in sorted(folders):
        sub = os.path.join(path, name)
        if not os.path.islink(sub):
            _listed(sub, name if rel == "." else f"{rel}/{name}", names)


def manifest_path(state: Path) -> Path:
    return state / MANIFEST


@dataclass
class Manifest:
    context: dict[str, Any] = field(default_factory=dict)
    files: dict[str, list[Any]] = field(default_factory=dict)
    dirs: dict[str, str | None] = field(default_factory=dict)
    units: dict[str, dict[str, Any]] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)  # what a replay shows: template, mapping, diagnostics
    written_ns: int = 0
    #: Files whose *content* decides what render does (registry, specs, configuration,
    #: template history, mappings, what kinds read): hashed on every replay, because an
    #: edit can keep size and mtime (``touch -r``, ``cp -p``, rsync, tar).
    inputs: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, state: Path) -> "Manifest | None":
        """The manifest, or None when it is missing, damaged or not what patforge
        writes (every entry checked: a cache miss costs a full run, nothing more)."""

        try:
            data = parse_json(unseal(read_regular(manifest_path(state), MANIFEST, max_bytes=MAX_MANIFEST_BYTES)),
                              MANIFEST)
        except (ContentError, ValueError):
            return None
        body = checked(data, FORMAT)
        if body is None:
            return None
        return cls(body["context"], body["files"], body["dirs"], body["units"], body["report"],
                   body["written_ns"], body["inputs"])

    def save(self, state: Path) -> None:
        self.written_ns = fs_clock_ns(state, "manifest.clock")
        body = {"format": FORMAT, "written_ns": self.written_ns, "context": self.context,
                "files": self.files, "dirs": self.dirs, "units": self.units, "report": self.report,
                "inputs": sorted(set(self.inputs))}
        atomic_write(manifest_path(state), sealed(json.dumps(body, separators=(",", ":")).encode("utf-8")),
                     durable=False)

    # -- is a recorded file still what it was? ---------------------------------
    def file_unchanged(self, repo: Path, rel: str, *, by_content: bool = False) -> bool:
        """Whether ``rel`` still has its recorded bytes: by its stat when that is old
        enough to trust, else (or with ``by_content``) by its hash."""
        size, mtime, want = self.files[rel]
        path = os.path.join(repo, rel)  # a string, not a Path: 13,000 files at 1,000 patterns
        try:
            st = os.stat(path)
        except OSError:
            return want is None
        if want is None:
            return False
        if st.st_size != size:
            return False
        if not by_content and st.st_mtime_ns == mtime and mtime < self.written_ns - RACY_NS:
            return True
        return hashed(repo, rel) == want

    def known_digest(self, repo: Path, rel: str) -> str | None:
        """The recorded digest of ``rel`` if its stat says it has not changed since
        (None: unknown, or it may have changed; hash it)."""
        entry = self.files.get(rel)
        if not entry or entry[2] is None or entry[1] >= self.written_ns - RACY_NS:
            return None
        try:
            st = os.stat(os.path.join(repo, rel))
        except OSError:
            return None
        return entry[2] if (st.st_size, st.st_mtime_ns) == (entry[0], entry[1]) else None

    def changed_files(self, repo: Path, rels: Iterable[str] | None = None) -> list[str]:
        return [rel for rel in (self.files if rels is None else rels)
                if rel in self.files and not self.file_unchanged(repo, rel)]

    def dirs_unchanged(self, repo: Path) -> bool:
        return all(listing_digest(repo / rel) == want for rel, want in self.dirs.items())


class Recorder:
    """Collects stamps while a render runs: bytes it landed are hashed as they land
    (no second read), other files are hashed once (an output is reused from the
    previous manifest when its stat is unchanged; an input never is)."""

    def __init__(self, repo: Path, previous: Manifest | None) -> None:
        self.repo = repo
        self.previous = previous
        self.landed: dict[str, str | None] = {}  # rel -> digest of the bytes landed (None: deleted)
        self.manifest = Manifest()
        self.by_content: set[str] = set()  # stamped from their bytes (inputs)

    def landed_bytes(self, rel: str, data: bytes | None) -> None:
        self.landed[rel] = None if data is None else digest(data)

    def stamp(self, rel: str, *, by_content: bool = False) -> list[Any]:
        """``rel``'s [size, mtime_ns, digest]. ``by_content``: an input, whose digest a
        replay compares with its bytes: hashed now, never taken from the previous
        manifest by its stat (an edit that kept size and mtime would be recorded as the
        old content, and every later run would miss the replay)."""
        if rel in self.manifest.files and (not by_content or rel in self.by_content):
            return self.manifest.files[rel]
        if by_content:
            self.by_content.add(rel)
        path = self.repo / rel
        try:
            st = os.stat(path)
        except OSError:
            entry: list[Any] = [None, None, None]
        else:
            d = self.landed.get(rel)
            prev = self.previous.files.get(rel) if self.previous else None
            if d is None and not by_content and prev and prev[0] == st.st_size and prev[1] == st.st_mtime_ns \
                    and prev[2] is not None and prev[1] < self.previous.written_ns - RACY_NS:
                d = prev[2]
            if d is None:
                d = hashed(self.repo, rel)
            entry = [st.st_size, st.st_mtime_ns, d] if d is not None else [None, None, None]
        self.manifest.files[rel] = entry
        return entry


# -- render: replay a no-op ------------------------------------------------------

def unchanged(repo: Path, state: Path, context: dict[str, Any]) -> Manifest | None:
    """The manifest, if nothing it records has changed (same context, same bytes in
    every recorded file, same listings); None otherwise."""
    if (state / "journal.json").exists():
        return None  # an interrupted run must be completed by the full path
    m = Manifest.load(state)
    if m is None or m.context != context:
        return None
    inputs = set(m.inputs)
    for rel in m.files:
        if not m.file_unchanged(repo, rel, by_content=rel in inputs):
            return None
    return m if m.dirs_unchanged(repo) else None


def hashed(repo: Path, rel: str) -> str | None:
    """The digest of ``rel``'s bytes; None when it is not a regular file inside the
    repository of bounded size (a link to /dev/zero or out of the tree is never read)."""
    try:
        return digest(read_regular(resolve_inside(repo, rel), rel))
    except (ContentError, PathProblem):
        return None
