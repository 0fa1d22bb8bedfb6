"""The checks: small functions, one per rule group, each yielding ``Finding``s.

A check yields only what is wrong (FAIL for a MUST rule, WARN for a SHOULD rule) or
what it could not judge (SKIP, with the reason); ``evaluate`` adds one PASS for every
(rule, pattern) pair a check judged and found nothing wrong with. Every finding names
the pattern root it was judged against.
"""

from __future__ import annotations

import re
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, Callable, Iterable, Iterator

import jsonschema

from patforge.config import Config
from patforge.diagnostics import Diagnostic, Severity
from patforge.docids import derive_doc_id, is_valid_doc_id
from patforge.errors import GitError
from patforge.gitutil import git_available, run_git
from patforge.instances import validate_instance
from patforge.paths import PathProblem, normalize_repo_path
from patforge.registry import (COMPLIANCE_FIELDS, PATH_FIELDS, ROOT_SUBDIRS, Pattern, Registry, infer_root,
                               load_spec)
from patforge.units import answers_path
from patforge.yamlsrc import YamlDocument, YamlLoadError, load_yaml_text

from patforge.check.resolve import (DocIdSource, ExamplesIndex, Files, SchemaIndex, Sidecar, comment_problem,
                                    doc_link, doc_link_language, embedded_json_doc_id, example_source,
                                    read_examples_index, read_sidecar, sidecar_path)
from patforge.check.rules import FAIL, MUST, PASS, RULES, RULES_BY_ID, SKIP, WARN, Finding

DOMAIN_SPEC_SCHEMA = "schema/pattern_spec.v1.json"
_KIND_DIRS = {"spec_path": "specs", "schema_path": "schemas", "executor_path": "executors",
              "test_path": "tests", "example_dir": "examples"}
_CROSS_DIRS = {"cross_pattern", "cross-pattern", "cross", "integration", "e2e", "suite", "suites"}
_CROSS_NAMES = ("test_cross_", "test_integration_", "test_e2e_", "test_registry", "test_all_patterns",
                "test_pattern_registry", "test_doc_id")
_CROSS_MARKER = re.compile(r"TEST_SCOPE:\s*cross|pytest\.mark\.cross_pattern", re.I)
_TEST_FILE = re.compile(r"^test_|[._-]tests?\.[A-Za-z0-9]+$", re.I)
_DRIVE = re.compile(r"^[A-Za-z]:")
_ABS_PATH = re.compile(
    r"""(?:(?<![\w$.~:/\\\])}])[A-Za-z]:[\\/]|\\\\[\w.$-]+\\|(?<![\w$.~:/\\\])}>-])/(?=[\w.-]))[^\s'"`<>|,;)]*""")
_ARTIFACT_PATH = re.compile(r"(?:^|[\\/])(?:specs|schemas|tests)(?:[\\/]|$)|\.pattern\.ya?ml$|\.schema\.json$",
                            re.I)
_MAX_PER_FILE = 5

_REGISTRY_CODES = {"registry-entry", "bad-pattern-id", "unsafe-name", "spec-mismatch"}


# -- what the checks share -------------------------------------------------------------

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
    """A pattern's artifacts, resolved once and shared by the checks."""

    p: Pattern
    spec_doc: YamlDocument | None = None
    spec_problem: Diagnostic | str | None = None
    schema_data: Any = None
    schema_error: str | None = None
    schema_line: int | None = None
    embedded: DocIdSource | None = None
    sidecar: Sidecar | None = None
    index_entry: tuple[str, int | None] | None = None
    executor_link: Any = None
    example_dir: str = ""
    examples: list[str] = field(default_factory=list)
    examples_index: ExamplesIndex | None = None
    example_sources: dict[str, list[DocIdSource]] = field(default_factory=dict)
    named_tests: list[str] = field(default_factory=list)
    test_path_files: list[str] = field(default_factory=list)
    test_files: list[str] = field(default_factory=list)
    test_links: dict[str, Any] = field(default_factory=dict)
    schema_problem: str | None = None  # why schema_data is not a valid JSON Schema (None: it is, or no data)


class Ctx:
    def __init__(self, repo, config: Config, files: Files, registry: Registry | None,
                 registry_problem: Diagnostic | None) -> None:
        self.repo = repo
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
        self.tests_by_root: dict[str, dict[str, list[str]]] = {}
        self.suites: dict[str, Suite] = {}
        self.spec_validator: Any = None
        self.spec_schema_note: Finding | None = None
        self.schema_index: SchemaIndex | None = None
        self.baseline: dict[str, tuple[Any, Any]] | None = None
        self.baseline_why = ""
        self.commit: str | None = None

    # -- helpers used by every check
    def entry_line(self, item: Item, key: str | None = None) -> int | None:
        if self.reg_doc is None:
            return None
        m = (self.reg_doc.mark("patterns", item.index, key) if key else None) or \
            self.reg_doc.node_mark("patterns", item.index)
        return m.line if m else None

    def expected(self, item: Item) -> tuple[str | None, str]:
        """The registry's doc_id when usable, else (None, why not)."""
        e = item.entry if isinstance(item.entry, dict) else {}
        value = e.get("doc_id")
        if value in (None, ""):
            return None, "the registry entry has no doc_id (PAT-CHECK-001-011)"
        if not is_valid_doc_id(value):
            return None, f"the registry's doc_id {value!r} is malformed (PAT-CHECK-001-012)"
        return value, ""

    def derived(self, item: Item) -> str | None:
        pid = item.entry.get("pattern_id") if isinstance(item.entry, dict) else None
        return derive_doc_id(pid, self.config.doc_id_rule) if isinstance(pid, str) else None


def bad(rule: str, item: Item | None, message: str, *, path: str | None = None, line: int | None = None,
        hint: str | None = None, root: str | None = None) -> Finding:
    """A rule that does not hold: FAIL for MUST, WARN for SHOULD."""
    status = FAIL if RULES_BY_ID[rule].level == MUST else WARN
    return Finding(rule, status, item.label if item else None, root or (item.root if item else None),
                   path, line, message, hint)


def skip(rule: str, item: Item | None, why: str, *, path: str | None = None, root: str | None = None) -> Finding:
    return Finding(rule, SKIP, item.label if item else None, root or (item.root if item else None),
                   path, None, f"not judged: {why}")


def _fix_hint(what: str) -> str:
    return f"`patforge check --fix` {what}"


_GLOB_TOKENS = (("*", "PFGLOBSTAR"), ("?", "PFGLOBQ"), ("[", "PFGLOBOPEN"), ("]", "PFGLOBCLOSE"))


def normalize_path_field(field_name: str, value: Any) -> str:
    """``normalize_repo_path``, except that test_path may be a glob (PAT-CHECK-001-013):
    the registry loader rejects ``*?[]`` as characters Windows forbids in file names."""
    if field_name == "test_path" and isinstance(value, str) and any(c in value for c, _ in _GLOB_TOKENS):
        for c, token in _GLOB_TOKENS:
            value = value.replace(c, token)
        norm = normalize_repo_path(value)
        for c, token in _GLOB_TOKENS:
            norm = norm.replace(token, c)
        return norm
    return normalize_repo_path(value)


def _root_of(entry: dict[str, Any]) -> str:
    for f in ("spec_path", "schema_path"):
        v = entry.get(f)
        if isinstance(v, str):
            try:
                r = infer_root(normalize_repo_path(v))
            except PathProblem:
                continue
            if r:
                return r
    return "patterns"


def root_accepted(ctx: Ctx, root: str) -> bool:
    return root == "patterns" or root.startswith("patterns/") or root in ctx.config.roots \
        or root == ctx.primary_root


# -- building the picture ---------------------------------------------------------------

def build_items(ctx: Ctx) -> None:
    reg = ctx.registry
    if reg is None:
        ctx.roots = sorted({ctx.primary_root, *ctx.config.roots}, key=lambda r: (r.count("/"), r))
        return
    sound = {p.index: p for p in reg.patterns}
    entries = reg.entries
    starts = [(ctx.reg_doc.node_mark("patterns", i) or None) for i in range(len(entries))]
    start_lines = [m.line if m else 0 for m in starts]
    by_entry: dict[int, list[Diagnostic]] = {}
    for d in reg.diagnostics:
        if d.path == reg.path and d.line is not None:
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
            pat, why = _rescue(ctx, i, e, diags)
        item = Item(i, label, entry, pat.root if pat else root, pat, why, diags)
        ctx.items.append(item)
        if isinstance(e.get("name"), str):
            ctx.names.setdefault(e["name"], item.root)
        if isinstance(e.get("pattern_id"), str):
            ctx.pattern_ids.add(e["pattern_id"])
        if e.get("doc_id") not in (None, ""):
            ctx.doc_id_users.setdefault(_hashable(e["doc_id"]), []).append(item)
        for key in ("pattern_id", "name"):
            if e.get(key) not in (None, ""):
                ctx.key_users.setdefault((key, _hashable(e[key])), []).append(item)
    roots = {ctx.primary_root, *reg.roots, *(it.root for it in ctx.items if root_accepted(ctx, it.root))}
    ctx.roots = sorted(roots, key=lambda r: (r.count("/"), r))
    # spec diagnostics (YAML errors, mismatches) belong to their pattern
    for it in ctx.items:
        if it.pattern is not None:
            it.diags += [d for d in reg.diagnostics if d.path == it.pattern.spec_path]


def _hashable(value: Any) -> Any:
    try:
        hash(value)
        return value
    except TypeError:
        return repr(value)


def _rescue(ctx: Ctx, i: int, e: dict[str, Any], diags: list[Diagnostic]) -> tuple[Pattern | None, str]:
    """An entry the registry keeps out only because its doc_id is malformed is still
    read (read-only) so its artifacts can be compared; anything else is not."""
    if not e:
        return None, "the registry entry is not a mapping"
    errors = [d for d in diags if d.severity is Severity.ERROR]
    if not errors:
        if any(e.get(f) in (None, "") for f in ("pattern_id", "name", "spec_path", "schema_path", "executor_path")):
            return None, "the entry lacks pattern_id, name, spec_path, schema_path or executor_path"
        return None, "the entry has errors (see PATFORGE-REGISTRY)"
    tp = e.get("test_path")
    glob_only = isinstance(tp, str) and any(c in tp for c, _ in _GLOB_TOKENS)
    tolerated = [d for d in errors if d.code == "bad-doc-id" or (
        d.code == "unsafe-path" and glob_only and d.message.startswith("test_path "))]
    if len(tolerated) != len(errors):
        first = next(d for d in errors if d not in tolerated)
        return None, f"the registry entry has errors ({first.message})"
    paths: dict[str, str] = {}
    for f in PATH_FIELDS:
        v = e.get(f)
        if v not in (None, ""):
            try:
                paths[f] = normalize_path_field(f, v)
            except PathProblem as exc:
                return None, f"{f}: {exc}"
    root = infer_root(paths["spec_path"]) or infer_root(paths["schema_path"]) or "patterns"
    pat = Pattern(index=i, pattern_id=e["pattern_id"], name=e["name"], entry=e, root=root, paths=paths)
    if ctx.registry is not None:
        load_spec(ctx.registry, pat)
    return pat, ""


def index_tests(ctx: Ctx) -> None:
    names = set(ctx.names)
    for root in ctx.roots:
        found: dict[str, list[str]] = {}
        for rel in ctx.files.walk_files(f"{root}/tests"):
            base = PurePosixPath(rel).name
            owner, strict = test_owner(base, names)
            if owner and strict and ctx.names.get(owner) == root:
                found.setdefault(owner, []).append(rel)
        ctx.tests_by_root[root] = found


def test_owner(basename: str, names: set[str]) -> tuple[str | None, bool]:
    """The pattern a test file is named after (longest name wins) and whether it has
    the exact ``test_<name>_*`` form (False: ``test_<name>.py``, ``<name>.Tests.ps1``)."""
    if basename.endswith((".pyc", ".pyo")):
        return None, False
    if basename.startswith("test_"):
        rest, best, strict = basename[5:], None, False
        for m in re.finditer(r"[_.]", rest):
            if rest[:m.start()] in names:
                best, strict = rest[:m.start()], m.group() == "_"
        return best, strict
    if _TEST_FILE.search(basename):
        best = None
        for m in re.finditer(r"[_.-]", basename):
            if basename[:m.start()] in names:
                best = basename[:m.start()]
        return best, False
    return None, False


def resolve_suite(ctx: Ctx, item: Item) -> Suite:
    p = item.pattern
    assert p is not None
    f = ctx.files
    s = Suite(p)
    # spec
    if p.spec is not None:
        f.seed_yaml(p.spec_path, p.spec.doc)
        s.spec_doc = p.spec.doc
    elif f.is_file(p.spec_path):
        doc = f.yaml(p.spec_path)
        if isinstance(doc, Diagnostic):
            s.spec_problem = doc
        elif not isinstance(doc.data, dict):
            s.spec_problem = "the spec is not a YAML mapping"
        else:
            s.spec_doc = doc
    # schema
    if f.is_file(p.schema_path):
        data, err = f.json(p.schema_path)
        if err is not None:
            s.schema_error = f"not valid JSON: {err}"
            m = re.search(r"line (\d+)", err)
            s.schema_line = int(m.group(1)) if m else None
        elif not isinstance(data, dict):
            s.schema_error = "the schema is not a JSON object"
        else:
            s.schema_data = data
            s.schema_problem = _schema_problem(data)
            s.embedded = embedded_json_doc_id(f, p.schema_path, "schema")
    s.sidecar = read_sidecar(f, p.schema_path)
    if ctx.schema_index is not None:
        s.index_entry = ctx.schema_index.entries.get(p.schema_path)
    # executor
    if f.is_file(p.executor_path):
        s.executor_link = doc_link(f, p.executor_path)
    # examples
    s.example_dir = p.example_dir or p.default_example_dir()
    if f.is_dir(s.example_dir):
        s.examples = [f"{s.example_dir}/{n}" for n in f.list_files(s.example_dir) if n.lower().endswith(".json")]
        s.examples_index = read_examples_index(f, s.example_dir)
        for rel in s.examples:
            s.example_sources[rel] = example_source(f, rel, s.examples_index)
    # tests
    s.named_tests = list(ctx.tests_by_root.get(p.root, {}).get(p.name, []))
    tp = p.test_path
    if tp:
        s.test_path_files = f.glob(tp) if any(c in tp for c in "*?[") else ([tp] if f.is_file(tp) else [])
    s.test_files = sorted(set(s.named_tests) | set(s.test_path_files))
    for rel in s.test_files:
        s.test_links[rel] = doc_link(f, rel)
    return s


def suite_sources(ctx: Ctx, item: Item, s: Suite) -> list[DocIdSource]:
    """Every artifact's doc_id claim, registry first (for -070, -071, ID-SYS-101)."""
    p = s.p
    e = item.entry
    out = [DocIdSource("registry entry", ctx.reg_path, _str_or_none(e.get("doc_id")),
                       ctx.entry_line(item, "doc_id" if "doc_id" in e else None))]
    if s.spec_doc is not None:
        out.append(DocIdSource("spec", p.spec_path, _str_or_none(s.spec_doc.data.get("doc_id")),
                               _yaml_line(s.spec_doc, "doc_id")))
    if ctx.files.is_file(p.schema_path):
        schema_claims = []
        if s.embedded is not None and s.embedded.doc_id is not None:
            schema_claims.append(s.embedded)
        side = s.sidecar.source() if s.sidecar else None
        if side is not None:
            schema_claims.append(side)
        if s.index_entry is not None:
            schema_claims.append(DocIdSource("schema index entry", ctx.schema_index.path, s.index_entry[0],
                                             s.index_entry[1]))
        out += schema_claims or [DocIdSource("schema", p.schema_path, None)]
    if ctx.files.is_file(p.executor_path):
        link = s.executor_link
        out.append(DocIdSource("executor", p.executor_path, link.doc_id if link else None,
                               link.line if link else None))
    for rel in s.test_files:
        link = s.test_links[rel]
        out.append(DocIdSource("test", rel, link.doc_id if link else None, link.line if link else None))
    for rel in s.examples:
        claims = s.example_sources[rel]
        if ctx.files.json(rel)[1] is not None and all(c.doc_id is None for c in claims):
            continue  # not JSON at all: PATFORGE-EXAMPLE-VALID says so
        out += claims
    return out


def _str_or_none(v: Any) -> str | None:
    """A doc_id as text; a YAML number or list is shown with its type, so it never
    passes for a well-formed doc_id (a doc_id is a string)."""
    if v is None or v == "":
        return None
    return v if isinstance(v, str) else f"{v!r} ({type(v).__name__}, not a string)"


def _yaml_line(doc: YamlDocument | None, *kp: Any) -> int | None:
    if doc is None:
        return None
    m = doc.mark(*kp)
    return m.line if m else None


def _first_key_line(doc: YamlDocument) -> int | None:
    if isinstance(doc.data, dict) and doc.data:
        return _yaml_line(doc, next(iter(doc.data)))
    return 1


# -- repository and roots -----------------------------------------------------------------

def check_layout(ctx: Ctx) -> Iterator[Finding]:
    if not ctx.files.is_dir("patterns"):
        yield bad("PAT-CHECK-001-001", None, "there is no patterns/ folder at the repository root",
                  path="patterns", root="patterns",
                  hint="create patterns/ with registry/ specs/ schemas/ executors/ examples/ tests/ "
                       "(or pass --repo with the folder that holds it)")
    for root in ctx.roots:
        wanted = [d for d in ROOT_SUBDIRS if d != "registry" or root == ctx.primary_root]
        missing = [d for d in wanted if not ctx.files.is_dir(f"{root}/{d}")]
        if missing:
            extra = "" if root == ctx.primary_root else \
                " (registry/ is not required in an extra root: the registry lives in " \
                f"{ctx.primary_root}/registry/)"
            yield bad("PAT-CHECK-001-002", None,
                      f"pattern root {root}/ lacks {', '.join(d + '/' for d in missing)}{extra}",
                      path=root, root=root,
                      hint=f"create {', '.join(f'{root}/{d}/' for d in missing)} (add a .gitkeep: git "
                           "does not keep empty folders); `patforge render` creates the ones it fills")


def check_registry_file(ctx: Ctx) -> Iterator[Finding]:
    d = ctx.registry_problem
    if d is not None:
        yield bad("PAT-CHECK-001-010", None, f"the registry cannot be used: {d.message}", path=d.path or ctx.reg_path,
                  line=d.line, root=ctx.primary_root, hint=d.hint)


# -- registry entries ---------------------------------------------------------------------------

def check_entry(ctx: Ctx, item: Item) -> Iterator[Finding]:
    yield from _entry_fields(ctx, item)
    yield from _entry_doc_id(ctx, item)
    yield from _entry_paths(ctx, item)
    yield from _entry_sanity(ctx, item)


def _entry_fields(ctx: Ctx, item: Item) -> Iterator[Finding]:
    rule = "PAT-CHECK-001-011"
    e = item.entry
    if not isinstance(e, dict):
        yield bad(rule, item, f"registry entry #{item.index + 1} is not a mapping, so it has none of the fields",
                  path=ctx.reg_path, line=ctx.entry_line(item), hint="make the item a mapping of fields")
        return
    line = ctx.entry_line(item)
    kind = "migrated entry" if item.migrated else "entry"
    p = item.pattern
    for f in COMPLIANCE_FIELDS:
        if e.get(f) not in (None, ""):
            continue
        if f == "doc_id":
            derived = ctx.derived(item)
            hint = (_fix_hint(f"adds doc_id: {derived} (derived from pattern_id by the rule "
                              f"{ctx.config.doc_id_rule!r})") if derived and p is not None
                    else "add a doc_id by hand")
            msg = f"{kind} lacks doc_id"
        elif f in ("test_path", "example_dir"):
            what = "create and record it"
            existing = None
            if p is not None:
                existing = (p.default_test_path() if f == "test_path" else p.default_example_dir())
                if f == "test_path" and not ctx.files.is_file(existing):
                    named = ctx.tests_by_root.get(p.root, {}).get(p.name, [])
                    existing = named[0] if len(named) == 1 else None
                elif f == "example_dir" and not ctx.files.is_dir(existing):
                    existing = None
            if existing:
                msg = f"{kind} lacks {f} although {existing} exists"
                hint = _fix_hint(f"records {f}: {existing} in the entry")
            else:
                msg = f"{kind} lacks {f}; run `patforge render` to {what}"
                hint = f"`patforge render` creates the {'test file' if f == 'test_path' else 'examples'} " \
                       f"and records {f} (or add {f}: by hand if it exists elsewhere)"
        else:
            msg = f"{kind} lacks {f}"
            hint = f"add '{f}:' to the entry"
        yield bad(rule, item, msg, path=ctx.reg_path, line=line, hint=hint)


def _entry_doc_id(ctx: Ctx, item: Item) -> Iterator[Finding]:
    e = item.entry if isinstance(item.entry, dict) else {}
    value = e.get("doc_id")
    if value in (None, ""):
        yield skip("PAT-CHECK-001-012", item, "the entry has no doc_id (PAT-CHECK-001-011)", path=ctx.reg_path)
    elif not is_valid_doc_id(value):
        yield bad("PAT-CHECK-001-012", item,
                  f"doc_id {value!r} breaks ID-SYS-101 (uppercase letters and digits in groups joined by "
                  "single dashes)", path=ctx.reg_path, line=ctx.entry_line(item, "doc_id"),
                  hint="correct it by hand (and every artifact that repeats it): patforge never changes a "
                       "doc_id that is present")
    # -014: one doc_id, one suite
    rule = "PAT-CHECK-001-014"
    if value in (None, "") or not isinstance(value, (str, int)):
        return
    others = [it for it in ctx.doc_id_users.get(_hashable(value), []) if it is not item]
    for other in others:
        yield bad(rule, item, f"doc_id {value} is also the doc_id of entry {other.label} (line "
                  f"{ctx.entry_line(other) or '?'}); one doc_id names one pattern suite",
                  path=ctx.reg_path, line=ctx.entry_line(item, "doc_id"),
                  hint="give one of the two entries its own doc_id by hand (and its artifacts); patforge "
                       "skips both entries until then")


def _entry_paths(ctx: Ctx, item: Item) -> Iterator[Finding]:
    rule = "PAT-CHECK-001-013"
    e = item.entry
    if not isinstance(e, dict):
        yield skip(rule, item, "the entry is not a mapping", path=ctx.reg_path)
        return
    root = item.root
    if not root_accepted(ctx, root):
        yield bad(rule, item, f"the entry's paths sit in {root}/, which is not patterns/, not below it and not a "
                  "root declared in patforge.toml", path=ctx.reg_path, line=ctx.entry_line(item),
                  hint=f'move the artifacts under patterns/, or declare roots = ["{root}"] in patforge.toml')
    for f in PATH_FIELDS:
        sub = _KIND_DIRS[f]
        base = f"{root}/{sub}/"
        value = e.get(f)
        line = ctx.entry_line(item, f if f in e else None)
        if value in (None, ""):
            kind = "migrated entry" if item.migrated else "entry"
            if f in ("test_path", "example_dir"):
                yield bad(rule, item, f"{kind} lacks {f}, so read literally it is not "
                          f"{'an existing file or glob' if f == 'test_path' else 'a directory'} under {base} "
                          f"(run `patforge render` to create and record it)", path=ctx.reg_path, line=line,
                          hint=("the known tension for migrated patterns: " if item.migrated else "")
                          + f"-011 and -013 both fail until {f} is recorded; `patforge render` creates the "
                            f"{'test file' if f == 'test_path' else 'examples'} and records it")
            else:
                yield bad(rule, item, f"entry lacks {f}, so it cannot be under {base}", path=ctx.reg_path,
                          line=line, hint=f"add {f}: {base}...")
            continue
        try:
            norm = normalize_path_field(f, value)
        except PathProblem as exc:
            yield bad(rule, item, f"{f} {value!r}: {exc}", path=ctx.reg_path, line=line, hint=exc.hint)
            continue
        if not norm.startswith(base):
            yield bad(rule, item, f"{f} {norm} is not under {base} (judged against root {root})",
                      path=ctx.reg_path, line=line,
                      hint=f"move the file under {base} and update {f}" if f != "spec_path" else
                      "keep every artifact of a pattern in one root's sub-folders")
            continue
        if f == "test_path":
            globbed = any(c in norm for c in "*?[")
            if globbed and not ctx.files.glob(norm):
                yield bad(rule, item, f"test_path glob {norm} matches no file", path=ctx.reg_path, line=line,
                          hint="create the tests or correct the glob")
            elif not globbed and not ctx.files.is_file(norm):
                yield bad(rule, item, f"test_path {norm} does not exist", path=ctx.reg_path, line=line,
                          hint="create it (`patforge render` does) or correct test_path")
        elif f == "example_dir" and not ctx.files.is_dir(norm):
            yield bad(rule, item, f"example_dir {norm} is not a directory", path=ctx.reg_path, line=line,
                      hint="create it with at least one example (`patforge render` does) or correct example_dir")


def _entry_sanity(ctx: Ctx, item: Item) -> Iterator[Finding]:
    rule = "PATFORGE-REGISTRY"
    for d in item.diags:
        if d.code in _REGISTRY_CODES and d.severity is Severity.ERROR:
            yield bad(rule, item, d.message, path=d.path, line=d.line, hint=d.hint)
    e = item.entry if isinstance(item.entry, dict) else {}
    for key in ("pattern_id", "name"):
        value = e.get(key)
        if value in (None, ""):
            continue
        others = [it for it in ctx.key_users.get((key, _hashable(value)), []) if it is not item]
        if others:
            where = ", ".join(f"#{it.index + 1} (line {ctx.entry_line(it) or '?'})" for it in others)
            yield bad(rule, item, f"{key} {value!r} is also used by entry {where}", path=ctx.reg_path,
                      line=ctx.entry_line(item, key),
                      hint=f"give each entry its own {key}; patforge skips all of them until then")


# -- specs -------------------------------------------------------------------------------------

def check_spec(ctx: Ctx, item: Item, s: Suite) -> Iterator[Finding]:
    p = s.p
    rel = p.spec_path
    f = ctx.files
    exists = f.is_file(rel)
    # -020
    rule = "PAT-CHECK-001-020"
    if not exists:
        yield bad(rule, item, f"spec_path {rel} does not exist", path=ctx.reg_path,
                  line=ctx.entry_line(item, "spec_path"), hint="create the spec or correct spec_path")
    else:
        if not rel.startswith(f"{p.root}/specs/"):
            yield bad(rule, item, f"spec {rel} is not under {p.root}/specs/", path=rel,
                      hint=f"move it to {p.root}/specs/{p.name}.pattern.yaml and update spec_path")
        if PurePosixPath(rel).name != f"{p.name}.pattern.yaml":
            yield bad(rule, item, f"spec file is named {PurePosixPath(rel).name}, not {p.name}.pattern.yaml",
                      path=rel, hint=f"rename it to {p.name}.pattern.yaml and update spec_path")
    # -021
    rule = "PAT-CHECK-001-021"
    doc = s.spec_doc
    if not exists:
        yield skip(rule, item, "the spec does not exist (PAT-CHECK-001-020)", path=rel)
    elif doc is None:
        prob = s.spec_problem
        if isinstance(prob, Diagnostic):
            yield bad(rule, item, f"the spec cannot be read: {prob.message}", path=rel, line=prob.line,
                      hint=prob.hint)
        else:
            yield bad(rule, item, f"the spec cannot be read: {prob}", path=rel, line=1,
                      hint="a spec is a YAML mapping starting with pattern_id:")
    else:
        data = doc.data
        missing = [k for k in ("doc_id", "pattern_id", "name", "version", "role", "schema_ref", "executor_ref")
                   if data.get(k) in (None, "")]
        if missing:
            fixable = [k for k in missing if k in ("doc_id", "role", "schema_ref", "executor_ref")]
            manual = [k for k in missing if k not in fixable]
            hints = []
            if fixable:
                hints.append(_fix_hint(f"inserts {', '.join(fixable)} next to doc_id (role: spec, the entry's "
                                       "schema_path and executor_path)"))
            if manual:
                hints.append(f"add {', '.join(manual)} by hand")
            yield bad(rule, item, f"the spec lacks top-level {', '.join(missing)}", path=rel,
                      line=_first_key_line(doc), hint="; ".join(hints))
        role = data.get("role")
        if role not in (None, "") and role != "spec":
            yield bad(rule, item, f"the spec's role is {role!r}; a spec file's role is 'spec'", path=rel,
                      line=_yaml_line(doc, "role"), hint="set role: spec by hand")
    # -022
    rule = "PAT-CHECK-001-022"
    if doc is None:
        yield skip(rule, item, "no readable spec", path=rel)
    else:
        value = _str_or_none(doc.data.get("doc_id"))
        if value is None:
            yield skip(rule, item, "the spec has no doc_id (PAT-CHECK-001-021)", path=rel)
        else:
            yield from compare(ctx, rule, item, DocIdSource("spec", rel, value, _yaml_line(doc, "doc_id")))
    # -023
    rule = "PAT-CHECK-001-023"
    if doc is None:
        yield skip(rule, item, "no readable spec", path=rel)
    else:
        for key, want in (("schema_ref", p.schema_path), ("executor_ref", p.executor_path)):
            v = doc.data.get(key)
            if isinstance(v, str) and (v.startswith(("/", "\\", "~")) or _DRIVE.match(v)):
                yield bad(rule, item, f"{key} is an absolute path ({v}); it only works on one machine",
                          path=rel, line=_yaml_line(doc, key),
                          hint=f"use the repository-relative path: {key}: {want}")
    # domain schema
    rule = "PATFORGE-SPEC-SCHEMA"
    if ctx.spec_validator is not None:
        if doc is None:
            yield skip(rule, item, "no readable spec", path=rel)
        else:
            errors = sorted(ctx.spec_validator.iter_errors(_jsonable(doc.data)), key=lambda e: list(e.path))
            for err in errors[:_MAX_PER_FILE]:
                kp = list(err.absolute_path)
                line = None
                while line is None and kp:
                    line = _yaml_line(doc, *kp)
                    kp.pop()
                where = "/".join(map(str, err.absolute_path)) or "(top level)"
                yield bad(rule, item, f"{where}: {err.message} (against {DOMAIN_SPEC_SCHEMA})", path=rel,
                          line=line or _first_key_line(doc),
                          hint="a person decides: correct the spec, or the repository's copy of the spec schema")
            if len(errors) > _MAX_PER_FILE:
                yield bad(rule, item, f"... and {len(errors) - _MAX_PER_FILE} more problem(s) against "
                          f"{DOMAIN_SPEC_SCHEMA}", path=rel)


def _jsonable(value: Any) -> Any:
    """YAML dates and other scalars as JSON would see them (strings)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def compare(ctx: Ctx, rule: str, item: Item, src: DocIdSource) -> Iterator[Finding]:
    """-022/-033/-042/-052/-062: a present doc_id is well-formed and equals the registry's."""
    path, line = src.where()
    expected, why = ctx.expected(item)
    if not is_valid_doc_id(src.doc_id):
        yield bad(rule, item, f"{src.kind} doc_id {src.doc_id!r} is not well-formed (ID-SYS-101: uppercase "
                  "letters and digits joined by single dashes)", path=path, line=line,
                  hint=f"correct it by hand{f' to the registry doc_id {expected}' if expected else ''}: "
                       "patforge never changes a doc_id that is present")
    elif expected is None:
        yield skip(rule, item, f"{src.kind} says {src.doc_id}, but {why}", path=path)
    elif src.doc_id != expected:
        yield bad(rule, item, f"{src.kind} says doc_id {src.doc_id}, the registry says {expected}", path=path,
                  line=line, hint="decide which one is right and correct the other by hand: patforge never "
                                  "changes a doc_id that is present")


# -- schemas -------------------------------------------------------------------------------

_META_VALIDATORS: dict[type, Any] = {}


def _schema_problem(schema: dict[str, Any]) -> str | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
    meta = _META_VALIDATORS.get(cls)
    if meta is None:
        meta = _META_VALIDATORS[cls] = cls(cls.META_SCHEMA)
    err = jsonschema.exceptions.best_match(meta.iter_errors(schema))
    if err is None:
        return None
    where = "/".join(map(str, err.absolute_path)) or "(top level)"
    return f"{where}: {err.message}"


def schema_usable(s: Suite) -> bool:
    return s.schema_data is not None and s.schema_problem is None


def check_schema(ctx: Ctx, item: Item, s: Suite) -> Iterator[Finding]:
    p = s.p
    rel = p.schema_path
    exists = ctx.files.is_file(rel)
    expected, _ = ctx.expected(item)
    doc_id_for_hints = expected or ctx.derived(item) or "DOC-..."
    # -030
    rule = "PAT-CHECK-001-030"
    if not exists:
        yield bad(rule, item, f"schema_path {rel} does not exist", path=ctx.reg_path,
                  line=ctx.entry_line(item, "schema_path"),
                  hint="`patforge render` compiles it from the spec (or correct schema_path)")
    else:
        if not rel.startswith(f"{p.root}/schemas/"):
            yield bad(rule, item, f"schema {rel} is not under {p.root}/schemas/", path=rel,
                      hint=f"move it to {p.root}/schemas/{p.name}.schema.json and update schema_path")
        if PurePosixPath(rel).name != f"{p.name}.schema.json":
            yield bad(rule, item, f"schema file is named {PurePosixPath(rel).name}, not {p.name}.schema.json",
                      path=rel, hint=f"rename it to {p.name}.schema.json and update schema_path")
    # validity
    rule = "PATFORGE-SCHEMA-VALID"
    if not exists:
        yield skip(rule, item, "the schema does not exist (PAT-CHECK-001-030)", path=rel)
    elif s.schema_error:
        yield bad(rule, item, f"the schema is {s.schema_error}" if s.schema_error.startswith("not ")
                  else s.schema_error, path=rel, line=s.schema_line, hint="fix the JSON by hand")
    else:
        prob = s.schema_problem
        if prob:
            yield bad(rule, item, f"the schema is not a valid JSON Schema: {prob}", path=rel,
                      hint="fix the schema by hand (or delete it and let `patforge render` compile it)")
    # -031
    rule = "PAT-CHECK-001-031"
    side_ok = s.sidecar is not None and s.sidecar.source() is not None
    if not exists:
        yield skip(rule, item, "the schema does not exist (PAT-CHECK-001-030)", path=rel)
    elif s.schema_data is None:
        yield skip(rule, item, "the schema is not a JSON object (PATFORGE-SCHEMA-VALID)", path=rel)
    elif s.embedded is None or s.embedded.doc_id is None:
        linked = f"it is linked by its sidecar {s.sidecar.path}" if side_ok else (
            f"it is linked by {ctx.schema_index.path}" if s.index_entry else "nothing else links it either "
            "(PAT-CHECK-001-032)")
        yield bad(rule, item, f"the schema has no top-level doc_id; {linked}", path=rel, line=1,
                  hint=f'a person decides: embed "doc_id": "{doc_id_for_hints}" at the top level if this schema '
                       "may change, or keep the sidecar (patforge never edits a hand-written schema)")
    # -032
    rule = "PAT-CHECK-001-032"
    sc = s.sidecar
    if sc is not None:
        if sc.problem is not None:
            d = sc.problem
            yield bad(rule, item, f"sidecar {sc.path} cannot be read: "
                      f"{d.message if isinstance(d, Diagnostic) else d}", path=sc.path,
                      line=d.line if isinstance(d, Diagnostic) else 1,
                      hint=(d.hint if isinstance(d, Diagnostic) else None) or "fix it by hand, or delete it "
                      "and run `patforge check --fix`")
        else:
            if sc.doc_id in (None, ""):
                yield bad(rule, item, f"sidecar {sc.path} has no doc_id", path=sc.path, line=1,
                          hint=f"add doc_id: {doc_id_for_hints}")
            if sc.schema_path in (None, ""):
                yield bad(rule, item, f"sidecar {sc.path} has no schema_path", path=sc.path, line=1,
                          hint=f"add schema_path: {rel}")
            elif str(sc.schema_path).replace("\\", "/") != rel:
                yield bad(rule, item, f"sidecar {sc.path} names schema_path {sc.schema_path}, not {rel}",
                          path=sc.path, line=_yaml_line(sc.doc, "schema_path"),
                          hint=f"set schema_path: {rel} in the sidecar")
    if not exists:
        yield skip(rule, item, "the schema does not exist (PAT-CHECK-001-030)", path=rel)
    elif (s.embedded is None or s.embedded.doc_id is None) and not side_ok and s.index_entry is None:
        yield bad(rule, item, f"the schema has no embedded doc_id and no sidecar {sidecar_path(rel)} gives its "
                  "doc_id", path=rel, line=1, hint=_fix_hint(f"writes the sidecar {sidecar_path(rel)}")
                  if sc is None else f"fix the sidecar {sc.path} by hand")
    # -033
    rule = "PAT-CHECK-001-033"
    claims = [c for c in (s.embedded, sc.source() if sc else None) if c is not None and c.doc_id is not None]
    if s.index_entry is not None:
        claims.append(DocIdSource("schema index entry", ctx.schema_index.path, s.index_entry[0], s.index_entry[1]))
    if not claims:
        yield skip(rule, item, "no doc_id for the schema (PAT-CHECK-001-032)", path=rel)
    for c in claims:
        yield from compare(ctx, rule, item, c)


# -- executors ---------------------------------------------------------------------------------

def check_executor(ctx: Ctx, item: Item, s: Suite) -> Iterator[Finding]:
    p = s.p
    rel = p.executor_path
    f = ctx.files
    exists = f.is_file(rel)
    name = PurePosixPath(rel)
    expected, _ = ctx.expected(item)
    doc_id = expected or ctx.derived(item) or "DOC-..."
    rule = "PAT-CHECK-001-040"
    if not exists:
        yield bad(rule, item, f"executor_path {rel} does not exist", path=ctx.reg_path,
                  line=ctx.entry_line(item, "executor_path"),
                  hint="`patforge render` creates it (or correct executor_path)")
    else:
        if not rel.startswith(f"{p.root}/executors/"):
            yield bad(rule, item, f"executor {rel} is not under {p.root}/executors/", path=rel,
                      hint=f"move it to {p.root}/executors/ and update executor_path")
        if name.stem != f"{p.name}_executor" or not name.suffix:
            yield bad(rule, item, f"executor file is named {name.name}, not {p.name}_executor.<ext>", path=rel,
                      hint=f"rename it to {p.name}_executor{name.suffix or '.ps1'} and update executor_path")
    # -041 / -042
    yield from _doc_link_rules(ctx, item, "PAT-CHECK-001-041", "PAT-CHECK-001-042", "executor",
                               [rel] if exists else [], {rel: s.executor_link}, doc_id,
                               answers=answers_path(p.name, "executor"),
                               missing_why="the executor does not exist (PAT-CHECK-001-040)")
    # -043
    rule = "PAT-CHECK-001-043"
    if not exists:
        yield skip(rule, item, "the executor does not exist (PAT-CHECK-001-040)", path=rel)
        return
    text = f.text(rel) or ""
    shown = 0
    for n, line in enumerate(text.splitlines(), start=1):
        if n == 1 and line.startswith("#!"):
            continue
        for m in _ABS_PATH.finditer(line):
            cand = m.group().rstrip(".")
            if _ARTIFACT_PATH.search(cand):
                if shown < _MAX_PER_FILE:
                    yield bad(rule, item, f"hard-coded absolute path {cand}", path=rel, line=n,
                              hint="build the path from the executor's own location ($PSScriptRoot / "
                                   "Path(__file__).parent) or take it as a parameter")
                shown += 1
    if shown > _MAX_PER_FILE:
        yield bad(rule, item, f"... and {shown - _MAX_PER_FILE} more hard-coded absolute path(s)", path=rel)


def _doc_link_rules(ctx: Ctx, item: Item, rule_has: str, rule_eq: str, kind: str, rels: list[str],
                    links: dict[str, Any], doc_id: str, *, answers: str | None, missing_why: str
                    ) -> Iterator[Finding]:
    if not rels:
        yield skip(rule_has, item, missing_why)
        yield skip(rule_eq, item, missing_why)
        return
    for rel in rels:
        link = links.get(rel)
        ext = PurePosixPath(rel).suffix
        if link is None:
            if answers and ctx.files.is_file(answers) and kind == "executor":
                hint = f"it was rendered by patforge: `patforge update` restores the header (or add `# DOC_LINK: " \
                       f"{doc_id}` by hand)"
            elif doc_link_language(ext):
                hint = _fix_hint(f"inserts `# DOC_LINK: {doc_id}` as a header comment (after a shebang, "
                                 "#Requires or coding line)")
            else:
                hint = f"add a header comment `DOC_LINK: {doc_id}` in the file's comment syntax in its first lines"
            yield bad(rule_has, item, f"{kind} {rel} has no DOC_LINK header", path=rel, line=1, hint=hint)
            yield skip(rule_eq, item, f"{kind} {rel} has no DOC_LINK ({rule_has})", path=rel)
            continue
        prob = comment_problem(ctx.files.text(rel) or "", link, ext)
        if prob:
            yield bad(rule_has, item, f"{kind} {rel}: {prob}", path=rel, line=link.line,
                      hint="rewrite the line as a comment of the file's language")
        yield from compare(ctx, rule_eq, item, DocIdSource(kind, rel, link.doc_id, link.line))


# -- examples ----------------------------------------------------------------------------------

def check_examples(ctx: Ctx, item: Item, s: Suite) -> Iterator[Finding]:
    p = s.p
    folder = s.example_dir
    recorded = p.example_dir is not None
    f = ctx.files
    expected, _ = ctx.expected(item)
    doc_id = expected or ctx.derived(item) or "DOC-..."
    rule = "PAT-CHECK-001-050"
    ok_dir = f.is_dir(folder)
    if not ok_dir:
        if recorded:
            yield bad(rule, item, f"example_dir {folder} does not exist", path=ctx.reg_path,
                      line=ctx.entry_line(item, "example_dir"),
                      hint="`patforge render` creates the examples (or correct example_dir)")
        else:
            yield bad(rule, item, f"the entry has no example_dir and {folder} does not exist; run `patforge "
                      "render` to create and record it", path=ctx.reg_path, line=ctx.entry_line(item),
                      hint="`patforge render` generates instance_minimal/full/test.json and records example_dir")
    else:
        if not folder.startswith(f"{p.root}/examples/"):
            yield bad(rule, item, f"example_dir {folder} is not under {p.root}/examples/", path=folder,
                      hint=f"move it to {p.root}/examples/{p.name}/ and update example_dir")
        if not s.examples:
            yield bad(rule, item, f"example_dir {folder} holds no .json example", path=folder,
                      hint="add instance_minimal.json (`patforge render` generates it)")
    no_examples = "no examples (PAT-CHECK-001-050)"
    # -051
    rule = "PAT-CHECK-001-051"
    idx = s.examples_index
    if idx is not None and idx.problem is not None:
        d = idx.problem
        yield bad(rule, item, f"{idx.path} cannot be read: {d.message if isinstance(d, Diagnostic) else d}",
                  path=idx.path, line=d.line if isinstance(d, Diagnostic) else 1,
                  hint=(d.hint if isinstance(d, Diagnostic) else None) or "fix it by hand")
    if idx is not None and idx.listed:
        present = {PurePosixPath(r).name for r in s.examples}
        for name, (_, line) in sorted(idx.listed.items()):
            if name not in present:
                yield bad(rule, item, f"{idx.path} lists {name}, which is not in {folder}", path=idx.path,
                          line=line, hint=f"remove {name} from the index, or restore the example")
    if not s.examples:
        yield skip(rule, item, no_examples, path=folder)
    for rel in s.examples:
        if ctx.files.json(rel)[1] is not None and all(src.doc_id is None for src in s.example_sources[rel]):
            yield skip(rule, item, f"example {PurePosixPath(rel).name} is not valid JSON (PATFORGE-EXAMPLE-VALID)",
                       path=rel)
        elif all(src.doc_id is None for src in s.example_sources[rel]):
            yield bad(rule, item, f"example {PurePosixPath(rel).name} has no doc_id and "
                      f"{folder}/examples.id.yaml does not list it", path=rel, line=1,
                      hint=f'embed "doc_id": "{doc_id}" in it, or list it under examples: in '
                           f"{folder}/examples.id.yaml (which `patforge render` writes for hand-written examples)")
    # -052
    rule = "PAT-CHECK-001-052"
    if not s.examples:
        yield skip(rule, item, no_examples, path=folder)
    for rel in s.examples:
        for src in s.example_sources[rel]:
            if src.doc_id is None:
                yield skip(rule, item, f"example {PurePosixPath(rel).name} has no doc_id (PAT-CHECK-001-051)",
                           path=rel)
            else:
                yield from compare(ctx, rule, item, src)
    # instances against the schema
    rule = "PATFORGE-EXAMPLE-VALID"
    if not s.examples:
        yield skip(rule, item, no_examples, path=folder)
        return
    usable = schema_usable(s)
    for rel in s.examples:
        data, err = f.json(rel)
        if err is not None:
            m = re.search(r"line (\d+)", err)
            yield bad(rule, item, f"example {PurePosixPath(rel).name} is not valid JSON: {err}", path=rel,
                      line=int(m.group(1)) if m else None, hint="fix the JSON by hand")
            continue
        if not usable:
            yield skip(rule, item, f"no usable schema at {p.schema_path} to validate against", path=rel)
            continue
        problems = validate_instance(s.schema_data, data)
        if problems:
            more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
            yield bad(rule, item, f"example {PurePosixPath(rel).name} does not validate against "
                      f"{p.schema_path}: {'; '.join(problems[:3])}{more}", path=rel, line=1,
                      hint="a person decides: fix the example or the schema (patforge never edits either)")


# -- tests -------------------------------------------------------------------------------------

def check_tests(ctx: Ctx, item: Item, s: Suite) -> Iterator[Finding]:
    p = s.p
    expected, _ = ctx.expected(item)
    doc_id = expected or ctx.derived(item) or "DOC-..."
    tests_dir = f"{p.root}/tests"
    rule = "PAT-CHECK-001-060"
    if not s.named_tests:
        kind = "migrated pattern" if item.migrated else "pattern"
        if s.test_path_files:
            msg = (f"test_path {p.test_path} exists, but no file under {tests_dir}/ is named "
                   f"test_{p.name}_*")
            hint = f"rename the test file to test_{p.name}_<what>.<ext>"
        else:
            msg = f"no file under {tests_dir}/ is named test_{p.name}_* ({kind} without tests)"
            hint = f"run `patforge render` to create {p.default_test_path()} and record test_path"
        yield bad(rule, item, msg, path=tests_dir, hint=hint)
    yield from _doc_link_rules(ctx, item, "PAT-CHECK-001-061", "PAT-CHECK-001-062", "test", s.test_files,
                               s.test_links, doc_id, answers=None,
                               missing_why="the pattern has no test file (PAT-CHECK-001-060)")


def check_test_scopes(ctx: Ctx, root: str) -> Iterator[Finding]:
    """-063, once per root: every test file is pattern-level or cross-pattern, visibly."""
    rule = "PAT-CHECK-001-063"
    if ctx.registry is None:
        yield skip(rule, None, "without a registry there are no pattern names to tell tests apart by",
                   path=f"{root}/tests", root=root)
        return
    names = set(ctx.names)
    base = f"{root}/tests/"
    for rel in ctx.files.walk_files(f"{root}/tests"):
        name = PurePosixPath(rel).name
        if not _TEST_FILE.search(name) or name.endswith((".pyc", ".pyo")):
            continue  # helpers, data, __init__.py, conftest.py, .gitkeep
        folders = set(PurePosixPath(rel[len(base):]).parts[:-1])
        if folders & _CROSS_DIRS or name.lower().startswith(_CROSS_NAMES):
            continue
        owner, _ = test_owner(name, names)
        if owner is not None:
            if ctx.names.get(owner) != root:
                yield bad(rule, None, f"{rel} is named after pattern {owner}, whose root is "
                          f"{ctx.names.get(owner)}/, so it does not count as that pattern's test", path=rel,
                          root=root, hint=f"move it to {ctx.names.get(owner)}/tests/, or mark it cross-pattern")
            continue
        head = "\n".join((ctx.files.text(rel) or "").splitlines()[:60])
        if _CROSS_MARKER.search(head):
            continue
        yield bad(rule, None, f"{rel} is neither named after a pattern (test_<name>_*) nor marked cross-pattern",
                  path=rel, root=root,
                  hint="rename it test_<pattern name>_..., move it into tests/cross_pattern/, or add a "
                       "`TEST_SCOPE: cross-pattern` header comment")


# -- cross-artifact ------------------------------------------------------------------------------

def check_cross(ctx: Ctx, item: Item, s: Suite | None) -> Iterator[Finding]:
    e = item.entry if isinstance(item.entry, dict) else {}
    if s is None:
        why = item.why_not or "the entry cannot be read"
        reg = _str_or_none(e.get("doc_id"))
        if reg is not None and not is_valid_doc_id(reg):
            yield bad("ID-SYS-101", item, f"registry entry doc_id {reg!r} is malformed", path=ctx.reg_path,
                      line=ctx.entry_line(item, "doc_id"), hint="correct it by hand")
        for rule in ("PAT-CHECK-001-070", "PAT-CHECK-001-071", "PAT-CHECK-001-072"):
            yield skip(rule, item, why, path=ctx.reg_path)
        return
    sources = suite_sources(ctx, item, s)
    yield from _same_doc_id(ctx, item, sources)
    # ID-SYS-101
    for src in sources:
        if src.doc_id is not None and not is_valid_doc_id(src.doc_id):
            path, line = src.where()
            yield bad("ID-SYS-101", item, f"{src.describe()} has doc_id {src.doc_id!r}, which is not uppercase "
                      "letters and digits joined by single dashes", path=path, line=line,
                      hint="correct it by hand: patforge never changes a doc_id that is present")
    # -071
    rule = "PAT-CHECK-001-071"
    pid = e.get("pattern_id")
    identity = isinstance(pid, str) and derive_doc_id(pid, ctx.config.doc_id_rule) == pid
    if not identity:
        want = ctx.expected(item)[0] or ctx.derived(item)
        for src in sources:
            if src.doc_id in ctx.pattern_ids:
                path, line = src.where()
                yield bad(rule, item, f"{src.describe()} uses the pattern_id {src.doc_id} as its doc_id; "
                          "pattern_id is only a label, artifacts are joined by doc_id", path=path, line=line,
                          hint=f"use the doc_id {want}" if want else "use the suite's doc_id")
    yield from _stable(ctx, item)


def _same_doc_id(ctx: Ctx, item: Item, sources: list[DocIdSource]) -> Iterator[Finding]:
    rule = "PAT-CHECK-001-070"
    present = [src.doc_id for src in sources if src.doc_id is not None]
    expected, _ = ctx.expected(item)
    if not present:
        derived = ctx.derived(item)
        yield bad(rule, item, "no artifact of the suite carries a doc_id, so nothing links them",
                  path=ctx.reg_path, line=ctx.entry_line(item),
                  hint=_fix_hint(f"assigns {derived} (derived from pattern_id)") if derived else
                  "add a doc_id to the registry entry")
        return
    if expected is not None:
        ref, basis = expected, "the registry's"
    else:
        counts = Counter(present)
        valid = [d for d in counts if is_valid_doc_id(d)] or list(counts)
        ref = sorted(valid, key=lambda d: (-counts[d], d))[0]
        basis = f"held by {counts[ref]} of {len(sources)} artifacts"
    for src in sources:
        path, line = src.where()
        if src.doc_id is None:
            yield bad(rule, item, f"{src.describe()} resolves to no doc_id, so it is not linked to the suite "
                      f"{ref}", path=path, line=line, hint=_unlinked_hint(src, ref))
        elif src.doc_id != ref:
            yield bad(rule, item, f"{src.describe()} says {src.doc_id}, but the suite's doc_id is {ref} "
                      f"({basis})", path=path, line=line,
                      hint="decide which doc_id is right and correct the others by hand: patforge never "
                           "changes a doc_id that is present")


def _unlinked_hint(src: DocIdSource, ref: str) -> str:
    return {
        "registry entry": _fix_hint(f"adds doc_id: {ref} when the other artifacts agree with the derived one; "
                                    f"otherwise add doc_id: {ref} by hand"),
        "spec": _fix_hint("inserts the registry's doc_id into the spec"),
        "schema": _fix_hint("writes the schema sidecar"),
        "executor": _fix_hint("inserts the DOC_LINK header"),
        "test": _fix_hint("inserts the DOC_LINK header (.py and .ps1 files; others by hand)"),
        "example": f'embed "doc_id": "{ref}" or list the file in its folder\'s examples.id.yaml',
    }.get(src.kind, "link it by hand")


def _stable(ctx: Ctx, item: Item) -> Iterator[Finding]:
    rule = "PAT-CHECK-001-072"
    if ctx.baseline is None:
        yield skip(rule, item, f"no baseline: {ctx.baseline_why}", path=ctx.reg_path)
        return
    e = item.entry
    pid, cur, version = e.get("pattern_id"), _str_or_none(e.get("doc_id")), e.get("version")
    base = ctx.baseline.get(pid) if isinstance(pid, str) else None
    if base is None or base[0] is None or cur is None:
        return  # new pattern, or no doc_id to keep stable yet
    old_id, old_version = base
    old_major, new_major = _major(old_version), _major(version)
    breaking = old_major is not None and new_major is not None and new_major > old_major
    line = ctx.entry_line(item, "doc_id")
    if cur != old_id and not breaking:
        yield bad(rule, item, f"doc_id changed from {old_id} (git HEAD) to {cur} although the version "
                  f"stayed at major {new_major if new_major is not None else '?'} ({old_version} -> {version}); "
                  "a routine edit keeps the doc_id", path=ctx.reg_path, line=line,
                  hint=f"restore {old_id} everywhere, or, if this is a breaking change, also raise the major "
                       "version")
    elif cur == old_id and breaking:
        yield bad(rule, item, f"version went from {old_version} to {version} (a breaking change) but doc_id "
                  f"stayed {cur}; a breaking change mints a new doc_id", path=ctx.reg_path, line=line,
                  hint="a person decides: if old instances no longer validate, mint a new doc_id for every "
                       "artifact; otherwise ignore this warning (it is judged against git HEAD only)")


def _major(version: Any) -> int | None:
    m = re.match(r"^\s*v?(\d+)", str(version)) if version is not None else None
    return int(m.group(1)) if m else None


def load_baseline(ctx: Ctx) -> None:
    """The registry as committed at git HEAD (read-only git), for -072; and the commit."""
    if not git_available():
        ctx.baseline_why = "git is not installed"
        return
    try:
        head = run_git(ctx.repo, "rev-parse", "--verify", "-q", "HEAD", check=False)
        if head.returncode != 0:
            ctx.baseline_why = "not a git repository, or no commit yet"
            return
        ctx.commit = head.stdout.strip() or None
        res = run_git(ctx.repo, "show", f"HEAD:./{ctx.reg_path}", check=False)
    except (GitError, OSError) as exc:
        ctx.baseline_why = f"git failed: {exc}"
        return
    if res.returncode != 0:
        ctx.baseline_why = f"{ctx.reg_path} is not committed at git HEAD"
        return
    try:
        doc = load_yaml_text(res.stdout, f"HEAD:{ctx.reg_path}")
    except YamlLoadError:
        ctx.baseline_why = f"{ctx.reg_path} at git HEAD is not valid YAML"
        return
    pats = doc.data.get("patterns") if isinstance(doc.data, dict) else None
    ctx.baseline = {}
    for e in pats if isinstance(pats, list) else []:
        if isinstance(e, dict) and isinstance(e.get("pattern_id"), str):
            ctx.baseline[e["pattern_id"]] = (_str_or_none(e.get("doc_id")), e.get("version"))


def load_spec_validator(ctx: Ctx) -> None:
    rel = DOMAIN_SPEC_SCHEMA
    rule = "PATFORGE-SPEC-SCHEMA"
    if not ctx.files.is_file(rel):
        ctx.spec_schema_note = Finding(rule, SKIP, None, None, rel, None,
                                       f"not judged: the repository has no {rel}")
        return
    data, err = ctx.files.json(rel)
    prob = err or (None if isinstance(data, dict) else "not a JSON object")
    if prob is None:
        prob = _schema_problem(data)
    if prob:
        ctx.spec_schema_note = Finding(rule, WARN, None, None, rel, None,
                                       f"{rel} is not a usable JSON Schema ({prob}); specs are not validated",
                                       "restore it (`patforge render` writes it in phase 4)")
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cls = jsonschema.validators.validator_for(data, default=jsonschema.Draft7Validator)
    ctx.spec_validator = cls(data)


#: -080..-082 hold by construction (this command, this report, --output); their PASS records say how.
SELF_MESSAGES = {
    "PAT-CHECK-001-080": "`patforge check` validates every rule above in one command (also as the "
                         "pre-commit hook patforge-check)",
    "PAT-CHECK-001-081": "this report: PASS/FAIL/WARN per rule ID, totals and a verdict",
    "PAT-CHECK-001-082": "`patforge check --format json --output FILE` writes this report atomically as the "
                         "audit-trail file",
}


# -- the whole run --------------------------------------------------------------------------------

PATTERN_CHECKS: tuple[Callable[[Ctx, Item, Suite], Iterable[Finding]], ...] = (
    check_spec, check_schema, check_executor, check_examples, check_tests)


def evaluate(ctx: Ctx) -> list[Finding]:
    """Run every check; add PASS for each judged pair without findings."""
    findings: list[Finding] = []
    from patforge.check.docmap_rule import RULE as DOCMAP_RULE, check_doc_id_mapping
    from patforge.docmap import mapping_path

    findings += check_layout(ctx)
    findings += check_registry_file(ctx)
    findings += check_doc_id_mapping(ctx)
    pairs: list[tuple[str, str | None, str | None, str | None, int | None]] = []
    # repository and root scope
    for rule in RULES:
        if rule.scope == "repo":
            if rule.id == "PAT-CHECK-001-001":
                pairs.append((rule.id, None, "patterns", "patterns", None))
            elif rule.id == "PAT-CHECK-001-010":
                pairs.append((rule.id, None, ctx.primary_root, ctx.reg_path, None))
            elif rule.id in SELF_MESSAGES:
                pairs.append((rule.id, None, None, ctx.reg_path, None))
            elif rule.id == DOCMAP_RULE:
                pairs.append((rule.id, None, ctx.primary_root, mapping_path(ctx.reg_path), None))
        elif rule.scope == "root":
            for root in ctx.roots:
                pairs.append((rule.id, None, root, root if rule.id == "PAT-CHECK-001-002" else f"{root}/tests",
                              None))
    for root in ctx.roots:
        findings += check_test_scopes(ctx, root)
    if ctx.spec_schema_note is not None:
        findings.append(ctx.spec_schema_note)
    # entries and patterns
    for item in ctx.items:
        findings += check_entry(ctx, item)
        s = ctx.suites.get(item.label)
        for rule in RULES:
            if rule.scope not in ("entry", "pattern"):
                continue
            if rule.id == "PATFORGE-SPEC-SCHEMA" and ctx.spec_validator is None:
                continue
            pairs.append((rule.id, item.label, item.root, *_subject(ctx, rule.subject, item, s)))
        if s is None:
            for rule in RULES:
                if rule.scope == "pattern" and rule.id not in ("ID-SYS-101", "PAT-CHECK-001-070",
                                                               "PAT-CHECK-001-071", "PAT-CHECK-001-072"):
                    if rule.id == "PATFORGE-SPEC-SCHEMA" and ctx.spec_validator is None:
                        continue
                    findings.append(skip(rule.id, item, item.why_not or "the entry cannot be read",
                                         path=ctx.reg_path))
            findings += check_cross(ctx, item, None)
            continue
        for check in PATTERN_CHECKS:
            findings += check(ctx, item, s)
        findings += check_cross(ctx, item, s)
    judged = {(f.rule, f.pattern, f.root if f.pattern is None else None) for f in findings}
    for rule_id, pattern, root, path, line in pairs:
        key = (rule_id, pattern, root if pattern is None else None)
        if key not in judged:
            msg = SELF_MESSAGES.get(rule_id, "ok")
            findings.append(Finding(rule_id, PASS, pattern, root, path, line, msg))
    return findings


def _subject(ctx: Ctx, subject: str, item: Item, s: Suite | None) -> tuple[str | None, int | None]:
    p = item.pattern
    if p is None or subject == "registry":
        return ctx.reg_path, ctx.entry_line(item)
    if subject == "spec":
        return p.spec_path, None
    if subject == "schema":
        return p.schema_path, None
    if subject == "executor":
        return p.executor_path, None
    if subject == "examples":
        return (s.example_dir if s else p.default_example_dir()), None
    if subject == "tests":
        return ((s.test_files[0] if s and s.test_files else f"{p.root}/tests"), None)
    return ctx.reg_path, ctx.entry_line(item)
