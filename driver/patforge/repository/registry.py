"""The registry model: ``PATTERN_INDEX.yaml``, its entries and their specs.

Loading never stops at the first problem. Every problem becomes a located
diagnostic; entries with problems that make work on them unsafe (unsafe names or
paths, duplicates, a spec that contradicts its entry) are kept out of
``Registry.patterns`` so that no command writes anything for them, and everything
sound goes on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from patforge.repository.config import Config, load_config
from patforge.diagnostics import Diagnostic, DiagnosticList, Severity, error, warning
from patforge.docids.rule import PATTERN_ID_RE, derive_doc_id, is_valid_doc_id
from patforge.errors import RegistryError, RepositoryError
from patforge.repository.layout import (PATH_FIELDS, ROOT_SUBDIRS, default_example_dir, default_test_path, executor_language, infer_root,
                             sidecar_path, write_targets)
from patforge.repository.paths import (PathProblem, check_inside, check_write_target, is_windows_reserved, length_problem,
                            name_problem, normalize_repo_path, resolve_inside)
from patforge.repository.entrypaths import (FileNameIndex, SidecarIndex, backslash_note, derive_paths,
                                 majority_language, spec_candidates)
from patforge.repository.collisions import find_collisions, find_duplicates
from patforge.spec.read import form_note, load_spec_file
from patforge.repository.yamlsrc import YamlDocument, YamlLoadError, load_yaml_file

REQUIRED_FIELDS = ("pattern_id", "name", "spec_path", "schema_path", "executor_path")
#: What an entry cannot be worked on without; schema_path / executor_path are derived
#: by convention when absent (entrypaths.py) and recorded by render.
ESSENTIAL_FIELDS = ("pattern_id", "name", "spec_path")
#: PAT-CHECK-001-011 wants all of these; render fills test_path/example_dir, Phase 1 doc_id.
COMPLIANCE_FIELDS = ("doc_id", "pattern_id", "name", "version", "status", "spec_path",
                     "schema_path", "executor_path", "test_path", "example_dir")


class Spec:
    """A parsed spec. Its node positions are parsed only when first asked for (a
    diagnostic's line, an edit): they take ~5x the memory of its data (450 MB for
    10,000 specs) and most runs never need one. ``drop_positions`` forgets them again."""

    __slots__ = ("path", "doc")

    def __init__(self, path: str, doc: YamlDocument) -> None:
        self.path, self.doc = path, doc

    @property
    def text(self) -> str:
        """The YAML part of the file (all of a plain spec)."""
        return self.doc.text

    @property
    def data(self) -> dict[str, Any]:
        return self.doc.data if isinstance(self.doc.data, dict) else {}

    def drop_positions(self) -> None:
        self.doc.forget_positions()


@dataclass
class Pattern:
    """One registry entry that is sound enough to work on."""

    index: int  # position in the registry's ``patterns`` list
    pattern_id: str
    name: str
    entry: dict[str, Any]
    root: str  # the pattern root its artifacts live under, e.g. "patterns"
    paths: dict[str, str]  # normalized path fields that are present
    spec: Spec | None = None
    #: a doc_id the repository already gives the pattern (spec, sidecar, ...) when the
    #: registry entry has none and every source agrees (docids/existing.py)
    found_doc_id: str | None = None
    #: path fields the entry lacks, derived by convention; render records them
    derived: dict[str, str] = field(default_factory=dict)

    @property
    def doc_id(self) -> str | None:
        value = self.entry.get("doc_id")
        return value if isinstance(value, str) else None

    def get(self, key: str, default: Any = None) -> Any:
        return self.entry.get(key, default)

    @property
    def version(self) -> str:
        v = self.entry.get("version")
        return str(v) if v is not None else "0.1.0"

    @property
    def status(self) -> str:
        return str(self.entry.get("status") or "draft")

    @property
    def category(self) -> str:
        return str(self.entry.get("category") or "")

    @property
    def spec_path(self) -> str:
        return self.paths["spec_path"]

    @property
    def schema_path(self) -> str:
        return self.paths["schema_path"]

    @property
    def executor_path(self) -> str:
        return self.paths["executor_path"]

    @property
    def test_path(self) -> str | None:
        return self.paths.get("test_path")

    @property
    def example_dir(self) -> str | None:
        return self.paths.get("example_dir")

    @property
    def executor_language(self) -> str | None:
        return executor_language(self.executor_path)

    @property
    def is_migrated(self) -> bool:
        return self.status == "migrated" or "migrated_from" in self.entry

    def default_example_dir(self) -> str:
        return default_example_dir(self.root, self.name)

    def default_test_path(self) -> str:
        return default_test_path(self.root, self.name, self.executor_language)

    def sidecar_path(self) -> str:
        return sidecar_path(self.schema_path)


@dataclass
class Registry:
    repo: Path
    path: str
    doc: YamlDocument
    config: Config
    patterns: list[Pattern]
    diagnostics: DiagnosticList
    roots: list[str]
    entries: list[Any]  # every raw entry, sound or not
    cache: Any = None  # a CompileCache while a render runs (cache.py)
    notes: list[str] = field(default_factory=list)  # what was inferred, said once per run
    #: entry index -> index of the entry with the same name that matches the spec
    duplicate_names: dict[int, int] = field(default_factory=dict)
    #: pattern name -> the doc_id conflict that keeps render from it (docids/existing.py)
    id_conflicts: dict[str, Diagnostic] = field(default_factory=dict)

    def __iter__(self) -> Iterator[Pattern]:
        return iter(self.patterns)

    def by_name(self, name: str) -> Pattern | None:
        return next((p for p in self.patterns if p.name == name), None)

    def doc_id_for(self, pattern: Pattern) -> str:
        """The registry's doc_id, or the one the configured rule derives."""
        return pattern.doc_id or pattern.found_doc_id or derive_doc_id(pattern.pattern_id,
                                                                       self.config.doc_id_rule)

    @property
    def has_errors(self) -> bool:
        return bool(self.diagnostics.errors)

    def abspath(self, rel: str) -> Path:
        return resolve_inside(self.repo, rel)


def find_repo_root(start: Path, config: Config | None = None) -> Path:
    """The folder holding the registry: ``start`` or its nearest parent that has one."""
    start = start.resolve()
    reg = (config or Config()).registry
    for candidate in (start, *start.parents):
        if (candidate / reg).is_file() or (candidate / "patforge.toml").is_file():
            return candidate
    return start


def load_registry(repo: Path, config: Config | None = None, *, load_specs: bool = True,
                  doc: YamlDocument | None = None, only: frozenset[str] | None = None,
                  positions: bool = True) -> Registry:
    """Load the registry and (optionally) every spec. Raises ``RegistryError`` only when
    the registry itself is unusable; everything else is a diagnostic. ``doc``: the
    registry file already parsed (what the caller just wrote), so it is not parsed again.

    ``only``: the names of the patterns the caller works on (``new``, ``--only``): the
    other entries stay raw data (``entries``), neither validated nor checked on disk,
    and ``roots`` come from every entry's spec_path. ``positions=False``: node
    positions are parsed only if a diagnostic or an edit needs them."""
    repo = Path(repo)
    if not repo.is_dir():
        raise RepositoryError(f"repository folder {repo} does not exist",
                              hint="pass --repo with the folder that holds patterns/")
    config = config or load_config(repo)
    reg_path = config.registry
    try:
        if doc is None:
            doc = load_yaml_file(resolve_inside(repo, reg_path), reg_path, positions=positions)
    except YamlLoadError as exc:
        raise RegistryError(f"cannot load the registry {reg_path}", diagnostics=[exc.diagnostic],
                            hint=exc.diagnostic.hint) from None
    except PathProblem as exc:
        raise RegistryError(f"cannot load the registry {reg_path}: {exc}", hint=exc.hint) from None
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("patterns"), list):
        d = doc.diag("the registry must be a mapping with a 'patterns:' list", "patterns",
                     hint="see docs/registry.md for the registry format", code="registry-shape")
        raise RegistryError(f"{reg_path} has no 'patterns:' list", diagnostics=[d])

    diags = DiagnosticList()
    entries: list[Any] = data["patterns"]
    candidates: list[Pattern] = []
    language = majority_language(entries, config.executor_language)
    sidecars = SidecarIndex(repo)
    for i, entry in enumerate(entries):
        if only is not None and not (isinstance(entry, dict) and entry.get("name") in only):
            continue
        pat = _load_entry(repo, doc, config, i, entry, diags, language, sidecars)
        if pat is not None:
            candidates.append(pat)

    losers: dict[int, int] = {}
    bad = find_duplicates(doc, entries, diags, repo, losers)
    bad |= find_collisions(doc, [p for p in candidates if p.index not in bad], diags)
    patterns = [p for p in candidates if p.index not in bad]

    found_roots = {p.root for p in patterns} if only is None else _raw_roots(entries)
    roots = sorted(found_roots | set(config.roots), key=lambda r: (r.count("/"), r))
    if not roots:
        roots = ["patterns"]

    registry = Registry(repo=repo, path=reg_path, doc=doc, config=config, patterns=patterns,
                        diagnostics=diags, roots=roots, entries=entries, duplicate_names=losers)
    note = backslash_note(entries)
    if note:
        registry.notes.append(note)
    if load_specs:
        load_all_specs(registry)
    return registry


def _raw_roots(entries: list[Any]) -> set[str]:
    """The pattern roots of entries that were not loaded (their spec_path as written)."""
    out = set()
    for e in entries:
        v = e.get("spec_path") if isinstance(e, dict) else None
        if isinstance(v, str) and v:
            v = v.replace("\\", "/")
            out.add(infer_root(v[2:] if v.startswith("./") else v) or "patterns")
    return out


def _load_entry(repo: Path, doc: YamlDocument, config: Config, i: int, entry: Any,
                diags: DiagnosticList, language: str, sidecars: SidecarIndex) -> Pattern | None:
    kp = ("patterns", i)
    if not isinstance(entry, dict):
        diags.add(doc.diag(f"registry entry #{i + 1} is not a mapping", *kp,
                           hint="each item under 'patterns:' must be a mapping of fields",
                           code="registry-entry"))
        return None
    label = entry.get("name") or entry.get("pattern_id") or f"#{i + 1}"
    ok = True
    for f in ESSENTIAL_FIELDS:
        if entry.get(f) in (None, ""):
            diags.add(doc.diag(f"entry {label!s} has no {f}", *kp, hint=f"add '{f}:' to the entry",
                               code="missing-field", pattern=str(label)))
            ok = False
    if not ok:
        return None
    pid, name = entry["pattern_id"], entry["name"]
    if not isinstance(pid, str) or not PATTERN_ID_RE.fullmatch(pid):
        diags.add(doc.diag(f"pattern_id {pid!r} is not uppercase letters/digits joined by single dashes",
                           *kp, "pattern_id", hint="use a pattern_id like PAT-ATOMIC-CREATE-001",
                           code="bad-pattern-id", pattern=str(label)))
        ok = False
    why = name_problem(name)
    if why is None and not config.name_regex.fullmatch(name):
        why = f"does not match {config.name_pattern}"
    if why is not None:
        diags.add(doc.diag(f"name {name!r} is not a safe identifier: it {why}", *kp, "name",
                           hint="use lowercase letters, digits and underscores, e.g. atomic_create "
                                "(names become file names and code identifiers)",
                           code="unsafe-name", pattern=str(label)))
        ok = False
    doc_id = entry.get("doc_id")
    if doc_id is not None and not is_valid_doc_id(doc_id):
        diags.add(doc.diag(f"doc_id {doc_id!r} breaks ID-SYS-101 (uppercase, digits, single dashes)",
                           *kp, "doc_id", hint="fix it by hand: patforge never re-mints an existing doc_id",
                           code="bad-doc-id", pattern=str(label)))
        ok = False
    paths: dict[str, str] = {}
    for f in PATH_FIELDS:
        value = entry.get(f)
        if value in (None, ""):
            continue
        try:
            # test_path may be a glob (PAT-CHECK-001-013); it is only ever matched, not written
            norm = normalize_repo_path(value, allow_glob=(f == "test_path"))
            check_inside(repo, norm)
        except PathProblem as exc:
            diags.add(doc.diag(f"{f} of {label}: {exc}", *kp, f, hint=exc.hint, code="unsafe-path",
                               pattern=str(label)))
            ok = False
            continue
        paths[f] = norm
    if not ok:
        return None
    root = infer_root(paths["spec_path"]) or infer_root(paths.get("schema_path", "")) or "patterns"
    pat = Pattern(index=i, pattern_id=pid, name=name, entry=entry, root=root, paths=paths)
    pat.derived = derive_paths(entry, pat.root, pat.name, language, sidecars)
    pat.paths.update(pat.derived)
    # Every path patforge may write for this pattern is checked now, before any command
    # writes anything: a symlinked folder that leads out of the repository, a path too
    # long for the file system (docs/reliability.md).
    for f, rel in write_targets(pat):
        try:
            if f in ("example_dir", "answers folder"):
                check_inside(repo, rel)  # folders
            else:
                check_write_target(repo, rel)  # files: also a link to another kind
        except PathProblem as exc:
            diags.add(doc.diag(f"{f} of {label}: {exc}", *kp, f if f in entry else "name", hint=exc.hint,
                               code="unsafe-path", pattern=str(label)))
            return None
        too_long = length_problem(repo, rel)
        if too_long is not None:
            message, is_error = too_long
            diags.add(doc.diag(f"{f} of {label}: {message}", *kp, f if f in entry else "name",
                               severity=None if is_error else Severity.WARNING, code="long-path",
                               hint="shorten the name or the folders, or enable long paths on Windows "
                                    "(LongPathsEnabled and git config core.longpaths true)",
                               pattern=str(label)))
            if is_error:
                return None
    return pat


def load_all_specs(registry: Registry) -> None:
    """Parse each pattern's spec; a broken spec is a diagnostic, never a stop."""
    for pat in registry.patterns:
        load_spec(registry, pat)


def load_spec(registry: Registry, pat: Pattern) -> Spec | None:
    rel = pat.spec_path
    try:
        doc = load_spec_file(registry.abspath(rel), rel, positions=False)
    except YamlLoadError as exc:
        d = exc.diagnostic
        if d.code == "file-missing":
            d = moved_spec_diagnostic(registry, pat) or d
        registry.diagnostics.add(Diagnostic(d.severity, f"spec of {pat.name}: {d.message}", d.path,
                                            d.line, d.column, d.hint, d.code, pat.name))
        return None
    except PathProblem as exc:
        registry.diagnostics.add(error(str(exc), path=rel, hint=exc.hint, code="unsafe-path",
                                       pattern=pat.name))
        return None
    if not isinstance(doc.data, dict):
        registry.diagnostics.add(doc.diag(f"spec of {pat.name} is not a mapping", hint=
                                          "a spec is a YAML mapping starting with pattern_id:",
                                          code="spec-shape", pattern=pat.name))
        return None
    for key, expected in (("pattern_id", pat.pattern_id), ("name", pat.name)):
        value = doc.data.get(key)
        if value is not None and value != expected:
            registry.diagnostics.add(doc.diag(
                f"spec says {key} {value!r} but its registry entry says {expected!r}", key,
                hint=f"make the spec's {key} match the registry (or fix the entry's spec_path)",
                code="spec-mismatch", pattern=pat.name))
            return None
    spec_doc_id = doc.data.get("doc_id")
    if spec_doc_id is not None and pat.doc_id is not None and spec_doc_id != pat.doc_id:
        registry.diagnostics.add(doc.diag(
            f"spec doc_id {spec_doc_id!r} differs from the registry's {pat.doc_id!r}", "doc_id",
            severity=Severity.WARNING, hint="decide which is right and fix the other by hand",
            code="doc-id-mismatch", pattern=pat.name))
    note = form_note(doc, pat.name)
    if note is not None:
        registry.diagnostics.add(note)
    pat.spec = Spec(path=rel, doc=doc)
    return pat.spec


def moved_spec_diagnostic(registry: Registry, pat: Pattern) -> Diagnostic | None:
    """A missing spec found elsewhere under the pattern roots: "found at X"."""
    if registry.__dict__.get("_file_names") is None:
        registry.__dict__["_file_names"] = FileNameIndex(registry.repo, registry.roots)
    found = spec_candidates(pat.spec_path, pat.name, registry.__dict__["_file_names"])
    if not found:
        return None
    m = registry.doc.mark("patterns", pat.index, "spec_path")
    if len(found) == 1:
        return error(f"spec_path {pat.spec_path} does not exist; found at {found[0]}", path=registry.path,
                     line=m.line if m else None, code="spec-moved", pattern=pat.name,
                     hint=f"`patforge doctor --fix` repoints spec_path to {found[0]} (a one-line edit, "
                          "shown as a diff first)")
    return error(f"spec_path {pat.spec_path} does not exist; found {len(found)} candidates: "
                 f"{', '.join(found)}", path=registry.path, line=m.line if m else None,
                 code="spec-moved", pattern=pat.name, hint="set spec_path to the right one by hand")


def summarize(diags: DiagnosticList) -> str:
    e, w = len(diags.errors), len(diags.warnings)
    return f"{e} error(s), {w} warning(s)"


__all__ = ["Pattern", "Registry", "Spec", "load_registry", "load_spec", "infer_root",
           "find_repo_root", "warning", "ROOT_SUBDIRS"]
