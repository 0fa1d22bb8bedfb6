"""The repository as ``patforge check`` sees it: registry entries, the files found, git HEAD.

Loading is :func:`patforge.check.load.load_model`; this module holds what it builds:

* :class:`Item`, one registry entry (also one too broken for ``render``, which check
  still reports on);
* :class:`Suite`, a pattern's artifacts, one part per artifact kind (what that kind's
  check part located, see ``kinds/<kind>.py``);
* :class:`RepoModel`, everything the judges share: config, files, registry, entries,
  roots, indexes, the registry at git HEAD (for PAT-CHECK-001-072).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from patforge.repository.config import Config
from patforge.diagnostics import Diagnostic, Severity
from patforge.docids.rule import derive_doc_id, is_valid_doc_id
from patforge.errors import GitError
from patforge.repository.paths import PathProblem, normalize_repo_path
from patforge.repository.files import RepoFiles
from patforge.repository.layout import infer_root
from patforge.repository.registry import PATH_FIELDS, REQUIRED_FIELDS, Pattern, Registry, load_spec
from patforge.repository.yamlsrc import YamlDocument, YamlLoadError, load_yaml_text

from patforge.check.resolve import claimed_id
from patforge.validation.messages import shown

if TYPE_CHECKING:
    from patforge.kinds.base import Kind
    from patforge.kinds.judge import ArtifactJudge


@dataclass
class Item:
    """One registry entry as the checker sees it."""

    index: int
    label: str  # the pattern name shown in reports (name, else pattern_id, else #n)
    entry: Any
    root: str
    pattern: Pattern | None  # None: too broken to read its artifacts
    why_not: str = ""  # why ``pattern`` is None
    diags: list[Diagnostic] = field(default_factory=list)  # registry diagnostics about it

    @property
    def migrated(self) -> bool:
        e = self.entry if isinstance(self.entry, dict) else {}
        return e.get("status") == "migrated" or "migrated_from" in e


@dataclass
class Suite:
    """A pattern's artifacts, located once and shared by the judges: ``parts`` maps an
    artifact kind to what its judge's ``locate`` found (the kind module's own type)."""

    p: Pattern
    parts: dict[str, Any] = field(default_factory=dict)

    def part(self, kind: str) -> Any:
        return self.parts.get(kind)


class RepoModel:
    """What every judge reads: built once per run by ``load_model``."""

    def __init__(self, repo: Path, config: Config, files: RepoFiles, registry: Registry | None,
                 registry_problem: Diagnostic | None, judges: list[ArtifactJudge] | None = None,
                 kinds: list[Kind] | None = None) -> None:
        self.repo = repo
        #: every kind's check part (``kinds.checked()``), in kind order: each locates its files
        self.judges: list[ArtifactJudge] = list(judges or [])
        #: the per-pattern kinds (``kinds.per_pattern()``): their files are released after judging
        self.kinds: list[Kind] = list(kinds or [])
        self.config = config
        self.files = files
        self.registry = registry
        self.registry_problem = registry_problem
        self.reg_path = config.registry
        self.reg_doc: YamlDocument | None = registry.doc if registry else None
        self.primary_root = infer_root(config.registry) or "patterns"
        self.items: list[Item] = []
        self.roots: list[str] = []
        self.names: dict[str, str] = {}  # every known pattern name -> its root
        self.pattern_ids: set[str] = set()
        self.doc_id_users: dict[Any, list[Item]] = {}  # registry doc_id -> entries that use it
        self.key_users: dict[tuple[str, Any], list[Item]] = {}  # (pattern_id|name, value) -> entries
        self.suites: dict[str, Suite] = {}  # item label -> its artifacts, located on first use (suite_for)
        self.shared: dict[str, Any] = {}  # artifact kind -> what its judge read once for the repository
        self.baseline: dict[str, tuple[Any, Any]] | None = None
        self.baseline_why = ""
        self.commit: str | None = None
        self.selected: set[str] | None = None  # labels to judge (None: every entry): check FILE...
        self.selection: Any = None  # the incremental Selection behind ``selected``
        #: pattern label ("(repository)" for the repository's files) -> kind -> its ``UnitState``, as
        #: `patforge status` classifies it (check/rendered.py); empty when nothing was rendered
        self.drift: dict[str, dict[str, Any]] = {}
        self.wanted: set[str] | None = None  # --rule: the rules reported (None: all)
        self._starts: list[int | None] | None = None  # each registry entry's first line (_entry_starts)

    # -- helpers used by every check
    def judge_of(self, subject: str) -> ArtifactJudge | None:
        """The check part of the kind a rule's subject names (None: no kind's)."""
        return next((j for j in self.judges if j.kind == subject), None)

    def judge_for_field(self, path_field: str) -> ArtifactJudge | None:
        """The check part whose artifact the registry field ``path_field`` records."""
        return next((j for j in self.judges if j.path_field == path_field), None)

    def entry_line(self, item: Item, key: str | None = None) -> int | None:
        if self.reg_doc is None:
            return None
        m = self.reg_doc.mark("patterns", item.index, key) if key else None
        if m is not None:
            return m.line
        starts = self._entry_starts()
        return starts[item.index] if item.index < len(starts) else None

    def _entry_starts(self) -> list[int | None]:
        """Each entry's first line (every PASS of an entry rule names it): kept in the parse
        cache under the registry text's digest, so the registry's positions are parsed only
        when a finding needs another line."""
        if self._starts is None:
            # why: start-up time: loaded only when a line is asked, not when the module is imported
            from patforge.repository import parsecache

            doc, n = self.reg_doc, len(self.registry.entries) if self.registry is not None else 0
            cache = parsecache.current()
            got = cache.lookup(doc.text, "entry-lines") if cache is not None else parsecache.MISS
            if isinstance(got, list) and len(got) == n and all(
                    v is None or (type(v) is int and v > 0) for v in got):
                self._starts = got
            else:
                self._starts = [m.line if (m := doc.node_mark("patterns", i)) else None for i in range(n)]
                if cache is not None:
                    cache.store(doc.text, self._starts, "entry-lines")
        return self._starts

    def suite_for(self, item: Item) -> Suite | None:
        """The entry's artifacts, located by every judge (None: the entry cannot be read)."""
        if item.pattern is None or (self.selected is not None and item.label not in self.selected):
            return None
        s = self.suites.get(item.label)
        if s is None:
            s = self.suites[item.label] = Suite(item.pattern, {j.kind: j.locate(self, item.pattern)
                                                                for j in self.judges})
        return s

    def release(self, item: Item) -> None:
        """Forget a judged entry's artifacts and the files read for them: a 10,000-pattern
        check holds one pattern's files at a time, not the repository's."""
        self.suites.pop(item.label, None)
        p = item.pattern
        if p is None or self.registry is None:
            return
        rels = set(p.paths.values()) | {p.sidecar_path()}
        for kind in self.kinds:
            rels.update(kind.layout(self.registry, p).values())
            rels.add(kind.answers_file(p))
        rels.discard(self.reg_path)
        self.files.forget(rels)

    def expected(self, item: Item) -> tuple[str | None, str]:
        """The registry's doc_id when usable, else (None, why not)."""
        e = item.entry if isinstance(item.entry, dict) else {}
        value = e.get("doc_id")
        if value in (None, ""):
            return None, "the registry entry has no doc_id (PAT-CHECK-001-011)"
        if not is_valid_doc_id(value):
            return None, f"the registry's doc_id {shown(value)} is malformed (PAT-CHECK-001-012)"
        return value, ""

    def derived(self, item: Item) -> str | None:
        pid = item.entry.get("pattern_id") if isinstance(item.entry, dict) else None
        return derive_doc_id(pid, self.config.doc_id_rule) if isinstance(pid, str) else None


#: The path fields an entry's pattern root is read from, in order.
ROOT_FIELDS = ("spec_path", "schema_path")
#: The path field that may be a glob (PAT-CHECK-001-013).
GLOB_FIELD = "test_path"
_GLOB_TOKENS = (("*", "PFGLOBSTAR"), ("?", "PFGLOBQ"), ("[", "PFGLOBOPEN"), ("]", "PFGLOBCLOSE"))


def normalize_path_field(field_name: str, value: Any) -> str:
    """``normalize_repo_path``, except that test_path may be a glob (PAT-CHECK-001-013):
    the registry loader rejects ``*?[]`` as characters Windows forbids in file names."""
    if field_name == GLOB_FIELD and isinstance(value, str) and any(c in value for c, _ in _GLOB_TOKENS):
        for c, token in _GLOB_TOKENS:
            value = value.replace(c, token)
        norm = normalize_repo_path(value)
        for c, token in _GLOB_TOKENS:
            norm = norm.replace(token, c)
        return norm
    return normalize_repo_path(value)


def _root_of(entry: dict[str, Any]) -> str:
    for f in ROOT_FIELDS:
        v = entry.get(f)
        if isinstance(v, str):
            try:
                r = infer_root(normalize_repo_path(v))
            except PathProblem:
                continue
            if r:
                return r
    return "patterns"


def root_accepted(model: RepoModel, root: str) -> bool:
    return root == "patterns" or root.startswith("patterns/") or root in model.config.roots \
        or root == model.primary_root


def build_items(model: RepoModel) -> None:
    reg = model.registry
    if reg is None:
        model.roots = sorted({model.primary_root, *model.config.roots}, key=lambda r: (r.count("/"), r))
        return
    sound = {p.index: p for p in reg.patterns}
    entries = reg.entries
    located = [d for d in reg.diagnostics if d.path == reg.path and d.line is not None]
    # each entry's first line, only when a diagnostic needs it (positions cost a parse)
    starts = [(model.reg_doc.node_mark("patterns", i) or None) for i in range(len(entries))] if located else []
    start_lines = [m.line if m else 0 for m in starts]
    by_entry: dict[int, list[Diagnostic]] = {}
    for d in located:
        i = max((k for k, s in enumerate(start_lines) if s and s <= d.line), default=None)
        if i is not None:
            by_entry.setdefault(i, []).append(d)
    labels = Counter()
    for i, entry in enumerate(entries):
        e = entry if isinstance(entry, dict) else {}
        base = e.get("name") or e.get("pattern_id") or f"#{i + 1}"
        base = str(base)
        labels[base] += 1
        label = base if labels[base] == 1 else f"{base} (entry #{i + 1})"
        root = _root_of(e)
        diags = by_entry.get(i, [])
        pat = sound.get(i)
        why = ""
        if pat is None:
            pat, why = _rescue(model, i, e, diags)
        item = Item(i, label, entry, pat.root if pat else root, pat, why, diags)
        model.items.append(item)
        if isinstance(e.get("name"), str):
            model.names.setdefault(e["name"], item.root)
        if isinstance(e.get("pattern_id"), str):
            model.pattern_ids.add(e["pattern_id"])
        if e.get("doc_id") not in (None, ""):
            model.doc_id_users.setdefault(hashable(e["doc_id"]), []).append(item)
        for key in ("pattern_id", "name"):
            if e.get(key) not in (None, ""):
                model.key_users.setdefault((key, hashable(e[key])), []).append(item)
    roots = {model.primary_root, *reg.roots, *(it.root for it in model.items if root_accepted(model, it.root))}
    model.roots = sorted(roots, key=lambda r: (r.count("/"), r))
    # spec diagnostics (YAML errors, mismatches) belong to their pattern
    for it in model.items:
        if it.pattern is not None:
            it.diags += [d for d in reg.diagnostics if d.path in (it.pattern.spec_path, it.pattern.spec_file)]


def hashable(value: Any) -> Any:
    try:
        hash(value)
        return value
    except TypeError:
        return repr(value)


def _rescue(model: RepoModel, i: int, e: dict[str, Any], diags: list[Diagnostic]) -> tuple[Pattern | None, str]:
    """An entry the registry keeps out only because its doc_id is malformed is still
    read (read-only) so its artifacts can be compared; anything else is not."""
    if not e:
        return None, "the registry entry is not a mapping"
    errors = [d for d in diags if d.severity is Severity.ERROR]
    if not errors:
        if any(e.get(f) in (None, "") for f in REQUIRED_FIELDS):
            return None, "the entry lacks pattern_id, name, spec_path, schema_path or executor_path"
        return None, "the entry has errors (see PATFORGE-REGISTRY)"
    tp = e.get(GLOB_FIELD)
    glob_only = isinstance(tp, str) and any(c in tp for c, _ in _GLOB_TOKENS)
    tolerated = [d for d in errors if d.code == "bad-doc-id" or (
        d.code == "unsafe-path" and glob_only and d.message.startswith(f"{GLOB_FIELD} "))]
    if len(tolerated) != len(errors):
        first = next(d for d in errors if d not in tolerated)
        return None, first.message + (f" -- {first.hint}" if first.hint else "")
    paths: dict[str, str] = {}
    for f in PATH_FIELDS:
        v = e.get(f)
        if v not in (None, ""):
            try:
                paths[f] = normalize_path_field(f, v)
            except PathProblem as exc:
                return None, f"{f}: {exc}"
    root = next((r for r in (infer_root(paths[f]) for f in ROOT_FIELDS) if r), "patterns")
    pat = Pattern(index=i, pattern_id=e["pattern_id"], name=e["name"], entry=e, root=root, paths=paths)
    if model.registry is not None:
        load_spec(model.registry, pat)
    return pat, ""


def load_baseline(model: RepoModel) -> None:
    """The registry as committed at git HEAD (read-only git), for -072; and the commit."""
    # why: start-up time: every command loads the kinds, and so this module; git (subprocess) only check needs
    from patforge.vcs.git import git_available, run_git

    if not git_available():
        model.baseline_why = "git is not installed"
        return
    try:
        head = run_git(model.repo, "rev-parse", "--verify", "-q", "HEAD", check=False)
        if head.returncode != 0:
            model.baseline_why = "not a git repository, or no commit yet"
            return
        model.commit = head.stdout.strip() or None
        res = run_git(model.repo, "show", f"HEAD:./{model.reg_path}", check=False)
    except (GitError, OSError) as exc:
        model.baseline_why = f"git failed: {exc}"
        return
    if res.returncode != 0:
        model.baseline_why = f"{model.reg_path} is not committed at git HEAD"
        return
    try:
        reg = model.registry
        # unchanged since the commit (the usual case): the registry already parsed
        doc = reg.doc if reg is not None and reg.doc.text == res.stdout.lstrip("\ufeff") else \
            load_yaml_text(res.stdout, f"HEAD:{model.reg_path}", positions=False)
    except YamlLoadError:
        model.baseline_why = f"{model.reg_path} at git HEAD is not valid YAML"
        return
    pats = doc.data.get("patterns") if isinstance(doc.data, dict) else None
    model.baseline = {}
    for e in pats if isinstance(pats, list) else []:
        if isinstance(e, dict) and isinstance(e.get("pattern_id"), str):
            model.baseline[e["pattern_id"]] = (claimed_id(e.get("doc_id")), e.get("version"))
