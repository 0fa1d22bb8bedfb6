"""doc_ids already in the repository win over minting.

Before render derives a doc_id from a pattern_id it looks for the one the pattern
already has, in every place a person may have written it:

* the registry entry's ``doc_id`` (the registry, when present);
* the spec's top-level (or front-matter) ``doc_id``;
* the schema sidecar ``<schema>.id.yaml``;
* the schema's embedded top-level ``doc_id``;
* a repository ``doc_id_mapping.json`` (``patterns/registry/`` or the root);
* an executor header ``DOC_LINK:`` / ``DOC_ID:``.

Files patforge rendered itself (it has their answers file) are its own output, not
a person's decision, and are not asked. Where the registry entry has a doc_id, it is
the pattern's doc_id: files that say otherwise are left to ``check``, which names
them (a person decides; patforge never changes a present doc_id), and render
completes the missing units with the registry's. Per-file ids
(``<stem>-SCHEMA|EXECUTOR|SPEC|PATTERN-NNN`` beside the registry's ``<stem>-NNN``) are
a convention, said once per run. Only where the entry has no doc_id and the claims
disagree is it a conflict: one diagnostic lists each source with its value and
suggests the doc_id most sources (or the repository's rule) agree on; nothing is
minted or rendered for that pattern, and the others go on.

With no ``doc_id_rule`` in patforge.toml the rule new doc_ids follow
(``DOC-<REST>``, ``DOC-PAT-<REST>``, ...) is inferred from the majority of the
well-formed doc_ids already present; the note says which and from how many.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from patforge.repository.bounded import ContentError, parse_json, read_regular
from patforge.diagnostics import Diagnostic, error
from patforge.docids.rule import DOC_ID_RE, derive_doc_id, doc_id_instance_pattern, is_valid_doc_id
from patforge.docids.doclink import find_doc_link
from patforge.repository.paths import PathProblem, resolve_inside
import yaml

_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAPPING_FILES = ("patterns/registry/doc_id_mapping.json", "doc_id_mapping.json")
_DOC_ID_HEADER = re.compile(r"^\s*(?:#|//|--|;|<#|/\*|\*|\"\"\"|''')?\s*DOC_ID:\s*(\S+?)\s*(?:#>|\*/)?\s*$")
_HEADER_LINES = 60
#: A per-file id: the pattern's doc_id stem, the file's role, a number.
_PER_FILE = re.compile(r"^(?P<stem>[A-Z0-9]+(?:-[A-Z0-9]+)*)-(?P<role>SCHEMA|EXECUTOR|SPEC|PATTERN)-[0-9]+$")


def per_file_stem(doc_id: str) -> tuple[str, str] | None:
    """(stem, role) of a per-file id such as ``DOC-PAT-AGENTS-SCHEMA-022``; None otherwise
    (the stem must keep at least two groups: ``DOC-SCHEMA-001`` is an ordinary id)."""
    m = _PER_FILE.fullmatch(doc_id)
    if m is None or "-" not in m.group("stem"):
        return None
    return m.group("stem"), m.group("role")


def stem_of(doc_id: str) -> str:
    """``DOC-PAT-AGENTS-739`` -> ``DOC-PAT-AGENTS`` (the id without its trailing number)."""
    head, _, tail = doc_id.rpartition("-")
    return head if head and tail.isdigit() else doc_id


@dataclass(frozen=True)
class IdClaim:
    source: str  # "registry entry", "spec", "schema sidecar", "schema", "doc_id_mapping.json", "executor header"
    path: str
    line: int | None
    doc_id: str

    def describe(self) -> str:
        loc = f"{self.path}:{self.line}" if self.line else self.path
        return f"{self.source} ({loc}) says {self.doc_id}"


def find_doc_id_header(text: str) -> tuple[str, int] | None:
    """``DOC_ID: X`` in a header comment of the first lines: (X, 1-based line)."""
    for i, line in enumerate(text.removeprefix("\ufeff").splitlines()[:_HEADER_LINES], start=1):
        m = _DOC_ID_HEADER.match(line)
        if m:
            return m.group(1), i
    return None


def _json_key_line(text: str, key: str) -> int | None:
    m = re.search(r'"' + re.escape(key) + r'"\s*:', text)
    return text.count("\n", 0, m.start()) + 1 if m else None


def read_mapping(registry: Any) -> dict[str, IdClaim]:
    """pattern_id / name -> claim, from the first ``doc_id_mapping.json`` found. Accepted:
    a list of ``{pattern_id|name, doc_id}``, such a list under any one key, or a mapping of
    pattern_id (or name) -> doc_id."""
    for rel in MAPPING_FILES:
        path = registry.repo / rel
        if not path.is_file():
            continue
        try:  # the reading layer: regular, inside, bounded in size and depth, strict text
            raw = _read(registry.repo, rel)
            text = raw.decode("utf-8-sig")
            data = parse_json(raw, rel)
        except (ContentError, PathProblem, UnicodeDecodeError) as exc:
            why = str(exc).removeprefix(f"{rel}: ").removeprefix(f"{rel}:")
            registry.diagnostics.add(error(f"{rel} is not readable JSON ({why}); its doc_ids are not used",
                                           path=rel, hint="fix the JSON", code="doc-id-mapping"))
            return {}
        rows: list[Any] = []
        if isinstance(data, dict):
            lists = [v for v in data.values() if isinstance(v, list)]
            if len(lists) == 1:
                rows = lists[0]
            else:
                rows = [{"pattern_id": k, "doc_id": v} for k, v in data.items() if isinstance(v, str)]
        elif isinstance(data, list):
            rows = data
        out: dict[str, IdClaim] = {}
        for row in rows:
            if not isinstance(row, dict) or not isinstance(row.get("doc_id"), str):
                continue
            for key in ("pattern_id", "name"):
                if isinstance(row.get(key), str):
                    out.setdefault(row[key], IdClaim("doc_id_mapping.json", rel,
                                                     _line_of(text, row[key]), row["doc_id"]))
        return out
    return {}


def _read(repo: Path, rel: str) -> bytes:
    """A repository file through the reading layer (boundedread.py): ``ContentError`` or
    ``PathProblem`` when it is not a regular file inside the repository of bounded size."""
    return read_regular(resolve_inside(repo, rel), rel)


def _line_of(text: str, value: str) -> int | None:
    i = text.find(json.dumps(value))
    return text.count("\n", 0, i) + 1 if i >= 0 else None


def _rendered(registry: Any, p: Any, rel: str) -> bool:
    """Whether patforge rendered ``rel`` for ``p`` (the kind whose layout holds it has an
    answers file): its own output, not a person's claim."""
    from patforge import kinds  # kinds.schema imports this module

    for kind in kinds.KINDS:
        if kind.scope == kinds.REPOSITORY:
            continue
        if rel in kind.layout(registry, p).values():
            return (registry.repo / kind.answers_file(p)).is_file()
    return False


def claims_for(registry: Any, p: Any, mapping: dict[str, IdClaim]) -> list[IdClaim]:
    """Every well-formed doc_id the repository already gives pattern ``p``."""
    out: list[IdClaim] = []
    e = p.entry
    if isinstance(e.get("doc_id"), str) and is_valid_doc_id(e["doc_id"]):
        m = registry.doc.mark("patterns", p.index, "doc_id")
        out.append(IdClaim("registry entry", registry.path, m.line if m else None, e["doc_id"]))
    if p.spec is not None and isinstance(p.spec.data.get("doc_id"), str):
        # its line is looked up only for a conflict (_located): specs keep no positions
        out.append(IdClaim("spec", p.spec_file, None, p.spec.data["doc_id"]))
    side = p.sidecar_path()
    if not _rendered(registry, p, side):
        try:  # the fast loader: a 1,000-pattern check reads every sidecar again anyway
            text = _read(registry.repo, side).decode("utf-8-sig")
            data = yaml.load(text, Loader=_FAST_LOADER)
        except (ContentError, PathProblem, UnicodeDecodeError, yaml.YAMLError, RecursionError):
            data = None  # absent; or unreadable, which check reports
        if isinstance(data, dict) and isinstance(data.get("doc_id"), str):
            m = re.search(r"^doc_id\s*:", text, re.M)
            out.append(IdClaim("schema sidecar", side, text.count("\n", 0, m.start()) + 1 if m else None,
                               data["doc_id"]))
    if not _rendered(registry, p, p.schema_path):
        path = registry.repo / p.schema_path  # validated by the registry loader
        if path.is_file():
            try:
                raw = _read(registry.repo, p.schema_path)
                text, data = raw.decode("utf-8-sig"), parse_json(raw, p.schema_path)
            except (ContentError, PathProblem, UnicodeDecodeError):
                data, text = None, ""
            if isinstance(data, dict) and isinstance(data.get("doc_id"), str):
                out.append(IdClaim("schema", p.schema_path, _json_key_line(text, "doc_id"), data["doc_id"]))
    for key in (p.pattern_id, p.name):
        if key in mapping:
            out.append(mapping[key])
            break
    if not _rendered(registry, p, p.executor_path):
        path = registry.repo / p.executor_path
        if path.is_file():
            try:
                text = _read(registry.repo, p.executor_path).decode("utf-8", errors="replace")
            except (ContentError, PathProblem):
                text = ""
            link = find_doc_link(text)
            if link is not None:
                out.append(IdClaim("executor DOC_LINK header", p.executor_path, link.line, link.doc_id))
            header = find_doc_id_header(text)
            if header is not None:
                out.append(IdClaim("executor DOC_ID header", p.executor_path, header[1], header[0]))
    return [c for c in out if DOC_ID_RE.fullmatch(c.doc_id)]


def _located(claim: IdClaim, p: Any) -> IdClaim:
    """The claim with its line: a spec's is found by parsing its positions again."""
    if claim.source != "spec" or claim.line is not None or p.spec is None:
        return claim
    m = p.spec.doc.mark("doc_id")
    return dataclasses.replace(claim, line=m.line if m else None)


def rule_of(doc_id: str, pattern_id: str) -> str | None:
    """The rule that turns ``pattern_id`` into ``doc_id``, e.g. ``DOC-PAT-<REST>``."""
    rest = pattern_id[4:] if pattern_id.startswith("PAT-") else pattern_id
    if doc_id == pattern_id:
        return "<PATTERN_ID>"
    if doc_id.endswith("-" + rest) and len(doc_id) > len(rest):
        return doc_id[:-len(rest)] + "<REST>"
    if doc_id.endswith("-" + pattern_id):
        return doc_id[:-len(pattern_id)] + "<PATTERN_ID>"
    return None


@dataclass
class ExistingIds:
    conflicts: dict[str, Diagnostic]  # pattern name -> the one conflict
    reused: dict[str, IdClaim]  # pattern name -> the agreeing claim used (no registry doc_id yet)
    note: str | None  # which doc_id rule was inferred, from how many ids
    #: pattern name -> the per-file ids its files carry beside the registry's doc_id
    per_file: dict[str, list[IdClaim]] = dataclasses.field(default_factory=dict)

    @property
    def notes(self) -> list[str]:
        return [n for n in (self.note, per_file_note(self.per_file)) if n]


def apply_existing_ids(registry: Any, patterns: list[Any]) -> ExistingIds:
    """Set ``found_doc_id`` on patterns whose sources agree, infer the doc_id rule, and
    return the conflicts (the caller decides whether to hold those patterns out)."""
    mapping = read_mapping(registry)
    pending: dict[str, tuple[Any, list[IdClaim]]] = {}
    reused: dict[str, IdClaim] = {}
    per_file: dict[str, list[IdClaim]] = {}
    ids: list[tuple[str, str]] = []  # (doc_id, pattern_id) for the rule
    for p in patterns:
        claims = claims_for(registry, p, mapping)
        values = sorted({c.doc_id for c in claims})
        if p.doc_id is not None and is_valid_doc_id(p.doc_id):
            # the registry settles it; files that disagree are check's to name
            ids.append((p.doc_id, p.pattern_id))
            stem = stem_of(p.doc_id)
            mine = [c for c in claims if (per_file_stem(c.doc_id) or ("",))[0] == stem]
            if mine:
                per_file[p.name] = mine
            continue
        if len(values) > 1:
            pending[p.name] = (p, claims)
            continue
        if values:
            ids.append((values[0], p.pattern_id))
            if p.doc_id is None:
                p.found_doc_id = values[0]
                reused[p.name] = claims[0]
    note = infer_rule(registry, ids)
    conflicts = {name: _conflict(registry, p, claims) for name, (p, claims) in pending.items()}
    return ExistingIds(conflicts, reused, note, per_file)


def _conflict(registry: Any, p: Any, claims: list[IdClaim]) -> Diagnostic:
    values = sorted({c.doc_id for c in claims})
    sources = "; ".join(_located(c, p).describe() for c in claims)
    m = registry.doc.mark("patterns", p.index)
    best = suggest(claims, derive_doc_id(p.pattern_id, registry.config.doc_id_rule))
    return error(
        f"{p.name}: the registry entry has no doc_id and the repository gives it {len(values)} different "
        f"doc_ids: {sources}; nothing is minted or rendered for it", path=registry.path, line=m.line if m else None,
        hint=f"decide which doc_id is right ({f'suggested: {best[0]}, {best[1]}' if best else ' or '.join(values)}), "
             "add it to the registry entry and correct the other source(s) by hand, then render again"
        if best or not _all_per_file(values) else
        f"these are per-file ids of {per_file_stem(values[0])[0]}: add the pattern's own doc_id to the registry "
        "entry by hand (patforge mints none beside them), then render again",
        code="doc-id-conflict", pattern=p.name)


def _all_per_file(values: list[str]) -> bool:
    return len({(per_file_stem(v) or (None,))[0] for v in values} - {None}) == 1 and all(
        per_file_stem(v) for v in values)


def suggest(claims: list[IdClaim], derived: str) -> tuple[str, str] | None:
    """The doc_id to suggest for a conflict, and why: the one most sources agree on,
    else the one the repository's doc_id rule derives; None when nothing stands out."""
    counts = Counter(c.doc_id for c in claims)
    stems = {(per_file_stem(d) or (None,))[0] for d in counts}
    if len(stems) == 1 and None not in stems:  # per-file ids only: the pattern's own is none of them
        return None
    ranked = counts.most_common()
    if len(ranked) > 1 and ranked[0][1] > ranked[1][1]:
        value = ranked[0][0]
        who = [c.source for c in claims if c.doc_id == value]
        return value, f"{' and '.join(dict.fromkeys(who))} agree"
    if derived in counts:
        return derived, "it follows the repository's doc_id rule"
    return None


def per_file_note(per_file: dict[str, list[IdClaim]]) -> str | None:
    """One note for every pattern whose files carry per-file ids."""
    if not per_file:
        return None
    names = sorted(per_file)
    first = per_file[names[0]][0]
    shown = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
    return (f"{len(names)} pattern(s) carry per-file ids beside the registry's doc_id (its stem + -SCHEMA-, "
            f"-EXECUTOR-, -SPEC- or -PATTERN-NNN, e.g. {first.doc_id}): {shown}; rendered with the registry's "
            "doc_id; `patforge check` names each such file")


def infer_rule(registry: Any, ids: list[tuple[str, str]]) -> str | None:
    """The note naming the doc_id rule the ids follow (and ``registry.config`` set to it);
    None when the rule is explicit or no id follows one. ``ids``: (doc_id, pattern_id)."""
    config = registry.config
    seen = {pid for _, pid in ids}
    for e in registry.entries:  # entries not loaded this run still count
        if isinstance(e, dict) and isinstance(e.get("doc_id"), str) and isinstance(e.get("pattern_id"), str) \
                and e["pattern_id"] not in seen and is_valid_doc_id(e["doc_id"]):
            ids.append((e["doc_id"], e["pattern_id"]))
    rules = Counter(r for r in (rule_of(d, pid) for d, pid in ids) if r is not None)
    if getattr(config, "doc_id_rule_explicit", False):
        return None
    if not rules:
        return None
    rule, n = sorted(rules.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    if rule != config.doc_id_rule:
        registry.config = dataclasses.replace(config, doc_id_rule=rule)
    return (f"doc_id rule {rule} inferred from {n} of {len(ids)} well-formed doc_id(s) in the repository "
            "(set doc_id_rule in patforge.toml to choose another)")


def instance_pattern_for(rule: str, doc_id: str) -> str:
    """The instances' doc_id ``pattern`` under ``rule``, widened when this pattern's own
    (reused) doc_id does not follow the rule: its examples must still validate."""
    pattern = doc_id_instance_pattern(rule)
    if re.search(pattern, doc_id):
        return pattern
    generic = doc_id_instance_pattern("DOC-<REST>")
    return generic if re.search(generic, doc_id) else r"^[A-Z0-9]+(-[A-Z0-9]+)*$"
