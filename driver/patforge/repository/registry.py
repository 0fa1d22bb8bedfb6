"""The registry model: ``PATTERN_INDEX.yaml``, its entries and their specs.

Loading never stops at the first problem. Every problem becomes a located
diagnostic; entries with problems that make work on them unsafe (unsafe names or
paths, duplicates, a spec that contradicts its entry) are kept out of
``Registry.patterns`` so that no command writes anything for them, and everything
sound goes on.
"""

from __future__ import annotations

import dataclasses

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from patforge.repository.config import Config, load_config
from patforge.diagnostics import Diagnostic, DiagnosticList, Severity, error, warning
from patforge.docids.rule import PATTERN_ID_RE, derive_doc_id, is_valid_doc_id, per_file_stem, stem_of, suggest_id
from patforge.errors import RegexError, RegistryError, RepositoryError
from patforge.repository.layout import (PATH_FIELDS, ROOT_SUBDIRS, default_example_dir, default_test_path, executor_language, infer_root,
                             sidecar_path, write_targets)
from patforge.repository.paths import (PathProblem, check_inside, check_write_target, is_windows_reserved, length_problem,
                            name_problem, normalize_repo_path, resolve_inside)
from patforge.repository.entrypaths import SidecarIndex, SpecFinder, backslash_note, derive_paths, majority_language
from patforge.repository.entryclash import find_collisions, find_duplicates
from patforge.repository.entryfocus import EntryIndex, widen
from patforge.spec.place import found_note, spec_elsewhere, unregistered_note, unregistered_spec
from patforge.spec.read import form_note, load_spec_file
from patforge.repository.yamlsrc import YamlDocument, YamlLoadError, load_yaml_file
from patforge.validation.messages import shown

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
    def spec_file(self) -> str:
        """The file the spec was read from: spec_path, or where it was found (specplace.py)."""
        return self.spec.path if self.spec is not None else self.spec_path

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
    #: pattern name -> where its spec was read, when not at spec_path (specplace.py)
    spec_found: dict[str, str] = field(default_factory=dict)

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
                  positions: bool = True, focus: Callable[[list[Any]], set[int] | None] | None = None) -> Registry:
    """Load the registry and (optionally) every spec. Raises ``RegistryError`` only when
    the registry itself is unusable; everything else is a diagnostic. ``doc``: the
    registry file already parsed (what the caller just wrote), so it is not parsed again.

    ``only``: the names of the patterns the caller works on (``new``, ``--only``): the
    other entries stay raw data (``entries``), neither validated nor checked on disk,
    and ``roots`` come from every entry's spec_path. ``positions=False``: node
    positions are parsed only if a diagnostic or an edit needs them.

    ``focus``: given the raw entries, the indexes of those the caller judges (None:
    all). Only they, and the entries that could clash with them (``entryfocus``), are
    validated: the focused entries get exactly the diagnostics a whole load gives
    them; ``roots`` come from every entry's spec_path as with ``only``."""
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
        if exc.diagnostic.code == "file-missing":  # the diagnostic says which file; check makes it a finding
            d = dataclasses.replace(exc.diagnostic, hint="run `patforge init` to start a pattern repository "
                                    "here (it never overwrites a file), or pass --repo with the folder that "
                                    "holds patterns/")
            raise RegistryError(f"no registry in {repo}", diagnostics=[d]) from None
        raise RegistryError(f"cannot load the registry {reg_path}", diagnostics=[exc.diagnostic],
                            hint=exc.diagnostic.hint) from None
    except PathProblem as exc:
        raise RegistryError(f"cannot load the registry {reg_path}: {exc}", hint=exc.hint) from None
    data = doc.data
    if isinstance(data, dict) and "patterns" in data and data["patterns"] is None:
        data["patterns"] = []  # a bare `patterns:` is an empty registry (`patforge new` fills it)
    if not isinstance(data, dict) or not isinstance(data.get("patterns"), list):
        d = doc.diag("the registry must be a mapping with a 'patterns:' list", "patterns",
                     hint="write `patterns: []` to start empty, or see docs/registry.md (`patforge docs registry`) "
                          "for the registry format", code="registry-shape")
        raise RegistryError(f"{reg_path} has no 'patterns:' list", diagnostics=[d])

    diags = DiagnosticList()
    entries: list[Any] = data["patterns"]
    candidates: list[Pattern] = []
    language = majority_language(entries, config.executor_language)
    sidecars = SidecarIndex(repo)
    finder = SpecFinder.for_repo(repo, sorted(_raw_roots(entries) | set(config.roots)))
    taken = {str(e["spec_path"]).replace("\\", "/").removeprefix("./") for e in entries
             if isinstance(e, dict) and e.get("spec_path")}

    def load(i: int, into: DiagnosticList) -> Pattern | None:
        entry = entries[i]
        guess = (unregistered_spec(finder, entry, taken)
                 if isinstance(entry, dict) and entry.get("spec_path") in (None, "") else [])
        return _load_entry(repo, doc, config, i, entry, into, language, sidecars,
                           guess[0] if len(guess) == 1 else None)

    chosen = focus(entries) if focus is not None else None
    if chosen is None:
        for i, entry in enumerate(entries):
            if only is not None and not (isinstance(entry, dict) and entry.get("name") in only):
                continue
            pat = load(i, diags)
            if pat is not None:
                candidates.append(pat)
    else:
        candidates = _load_focused(entries, chosen, load, diags)

    losers: dict[int, int] = {}
    bad = find_duplicates(doc, entries, diags, repo, losers)
    bad |= find_collisions(doc, [p for p in candidates if p.index not in bad], diags)
    patterns = [p for p in candidates if p.index not in bad]

    found_roots = {p.root for p in patterns} if only is None and chosen is None else _raw_roots(entries)
    roots = sorted(found_roots | set(config.roots), key=lambda r: (r.count("/"), r))
    if not roots:
        roots = ["patterns"]

    registry = Registry(repo=repo, path=reg_path, doc=doc, config=config, patterns=patterns,
                        diagnostics=diags, roots=roots, entries=entries, duplicate_names=losers)
    registry.notes += [n for n in (backslash_note(entries), unregistered_note(patterns)) if n]
    if load_specs:
        load_all_specs(registry)
        registry.notes += [n for n in (found_note(registry),) if n]
    return registry


def _load_focused(entries: list[Any], chosen: set[int], load: Callable[[int, DiagnosticList], Pattern | None],
                  diags: DiagnosticList) -> list[Pattern]:
    """The chosen entries and every entry that could clash with them, loaded (their
    diagnostics in entry order, as a whole load adds them)."""
    loaded: dict[int, tuple[Pattern | None, DiagnosticList]] = {}

    def targets(i: int) -> list[str]:
        own = DiagnosticList()
        pat = load(i, own)
        loaded[i] = (pat, own)
        return [] if pat is None else [rel for f, rel in write_targets(pat) if f != "answers folder"]

    widen(chosen, EntryIndex(entries), targets)
    out = []
    for i in sorted(loaded):
        pat, own = loaded[i]
        diags.extend(own)
        if pat is not None:
            out.append(pat)
    return out


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
                diags: DiagnosticList, language: str, sidecars: SidecarIndex,
                spec_guess: str | None = None) -> Pattern | None:
    kp = ("patterns", i)
    if not isinstance(entry, dict):
        diags.add(doc.diag(f"registry entry #{i + 1} is not a mapping", *kp,
                           hint="each item under 'patterns:' must be a mapping of fields",
                           code="registry-entry"))
        return None
    label = entry.get("name") or entry.get("pattern_id") or f"#{i + 1}"
    ok = True
    for f in ESSENTIAL_FIELDS:
        if entry.get(f) in (None, "") and not (f == "spec_path" and spec_guess):
            diags.add(doc.diag(f"entry {label!s} has no {f}", *kp, hint=f"add '{f}:' to the entry",
                               code="missing-field", pattern=str(label)))
            ok = False
    if not ok:
        return None
    pid, name = entry["pattern_id"], entry["name"]
    if not isinstance(pid, str) or not PATTERN_ID_RE.fullmatch(pid):
        better = suggest_id(pid)
        diags.add(doc.diag(f"pattern_id {pid} of {name if isinstance(name, str) else f'entry #{i + 1}'} is not "
                           "uppercase letters and digits joined by single dashes",
                           *kp, "pattern_id", hint=f"use {better} (in the entry and its spec)" if better else
                           "use a pattern_id like PAT-ATOMIC-CREATE-001", code="bad-pattern-id",
                           pattern=str(label)))
        return None  # one fix per entry: its doc_id and paths wait for this one
    why = name_problem(name)
    try:
        if why is None and not config.name_regex.fullmatch(name):
            why = f"does not match {config.name_pattern}"
    except RegexError as exc:  # patforge.toml's name_pattern backtracks past its bound
        why = f"cannot be checked against name_pattern in patforge.toml ({exc.message})"
    if why is not None:
        diags.add(doc.diag(f"name {shown(name)} is not a safe identifier: it {why}", *kp, "name",
                           hint="use lowercase letters, digits and underscores, e.g. atomic_create "
                                "(names become file names and code identifiers)",
                           code="unsafe-name", pattern=str(label)))
        ok = False
    doc_id = entry.get("doc_id")
    if doc_id is not None and not is_valid_doc_id(doc_id):
        better = suggest_id(doc_id)
        diags.add(doc.diag(f"doc_id {doc_id} of {label} breaks ID-SYS-101 (uppercase letters and digits joined by single "
                           "dashes)", *kp, "doc_id", hint=(f"correct it by hand to {better}" if better else
                                                           "correct it by hand") +
                           " (patforge never re-mints an existing doc_id)", code="bad-doc-id", pattern=str(label)))
        ok = False
    paths: dict[str, str] = {"spec_path": spec_guess} if spec_guess and not entry.get("spec_path") else {}
    for f in PATH_FIELDS:
        value = entry.get(f)
        if value in (None, ""):
            continue
        code = "unsafe-path"  # malformed (check: -013); unsafe-target: leads outside (PATFORGE-REGISTRY)
        try:
            # test_path may be a glob (PAT-CHECK-001-013); it is only ever matched, not written
            norm = normalize_repo_path(value, allow_glob=(f == "test_path"))
            code = "unsafe-target"
            check_inside(repo, norm)
        except PathProblem as exc:
            diags.add(doc.diag(f"{f} of {label}: {exc}", *kp, f, hint=exc.hint, code=code,
                               pattern=str(label)))
            ok = False
            continue
        paths[f] = norm
    if not ok:
        return None
    root = infer_root(paths["spec_path"]) or infer_root(paths.get("schema_path", "")) or "patterns"
    pat = Pattern(index=i, pattern_id=pid, name=name, entry=entry, root=root, paths=paths)
    pat.derived = derive_paths(entry, pat.root, pat.name, language, sidecars)
    if "spec_path" not in entry or entry.get("spec_path") in (None, ""):
        pat.derived["spec_path"] = paths["spec_path"]  # the one spec naming its pattern_id: recorded by render
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
                               code="unsafe-target", pattern=str(label)))
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
        doc = _read_spec(registry, pat)
    except YamlLoadError as exc:
        d = exc.diagnostic
        registry.diagnostics.add(Diagnostic(d.severity, f"spec of {pat.name}: {d.message}", d.path,
                                            d.line, d.column, d.hint, d.code, pat.name))
        return None
    except PathProblem as exc:
        registry.diagnostics.add(error(str(exc), path=rel, hint=exc.hint, code="unsafe-target",
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
                f"spec says {key} {value} but its registry entry says {expected}", key,
                hint=f"make the spec's {key} match the registry (or fix the entry's spec_path)",
                code="spec-mismatch", pattern=pat.name))
            registry.spec_found.pop(pat.name, None)
            return None
    spec_doc_id = doc.data.get("doc_id")
    if spec_doc_id is not None and pat.doc_id is not None and spec_doc_id != pat.doc_id \
            and not _per_file_of(spec_doc_id, pat.doc_id):
        registry.diagnostics.add(doc.diag(
            f"spec doc_id {spec_doc_id} differs from the registry's {pat.doc_id}", "doc_id",
            severity=Severity.WARNING, hint="decide which is right and fix the other by hand",
            code="doc-id-mismatch", pattern=pat.name))
    note = form_note(doc, pat.name)
    if note is not None:
        registry.diagnostics.add(note)
    pat.spec = Spec(path=doc.path, doc=doc)
    return pat.spec


def _read_spec(registry: Registry, pat: Pattern) -> YamlDocument:
    """The spec at spec_path; if there is no such file, the one found by its file name or
    pattern_id (specplace.py). Raises ``YamlLoadError`` / ``PathProblem``."""
    rel = pat.spec_path
    try:
        return load_spec_file(registry.abspath(rel), rel, positions=False)
    except YamlLoadError as exc:
        if exc.diagnostic.code != "file-missing":
            raise
        found, problem = spec_elsewhere(registry, pat)
        if found is None:
            if problem is not None:
                raise YamlLoadError(problem) from None
            raise
    doc = load_spec_file(registry.abspath(found), found, positions=False)
    registry.spec_found[pat.name] = found
    return doc


def _per_file_of(doc_id: Any, pattern_doc_id: str) -> bool:
    """Whether ``doc_id`` is a per-file id of the pattern's (said once, existing_ids.py)."""
    found = per_file_stem(doc_id) if isinstance(doc_id, str) else None
    return found is not None and found[0] == stem_of(pattern_doc_id)


def summarize(diags: DiagnosticList) -> str:
    e, w = len(diags.errors), len(diags.warnings)
    return f"{e} error(s), {w} warning(s)"


__all__ = ["Pattern", "Registry", "Spec", "load_registry", "load_spec", "infer_root",
           "find_repo_root", "warning", "ROOT_SUBDIRS"]
