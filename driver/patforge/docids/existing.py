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
a person's decision, and are not asked. Each kind answers for its own files
(``Kind.claims``); the registry entry and the mapping file are read here. If every claim agrees, that doc_id is used
(and recorded in the registry by Phase 1, not minted). If they disagree, the pattern
gets one conflict that lists each source with its value; nothing is minted or
rendered for it, and the others go on.

With no ``doc_id_rule`` in patforge.toml the rule new doc_ids follow
(``DOC-<REST>``, ``DOC-PAT-<REST>``, ...) is inferred from the majority of the
well-formed doc_ids already present; the note says which and from how many.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from patforge import kinds
from patforge.diagnostics import Diagnostic, error
from patforge.docids.claims import IdClaim
from patforge.docids.rule import DOC_ID_RE, is_valid_doc_id, pattern_rest

MAPPING_FILES = ("patterns/registry/doc_id_mapping.json", "doc_id_mapping.json")
def read_mapping(registry: Any) -> dict[str, IdClaim]:
    """pattern_id / name -> claim, from the first ``doc_id_mapping.json`` found. Accepted:
    a list of ``{pattern_id|name, doc_id}``, such a list under any one key, or a mapping of
    pattern_id (or name) -> doc_id."""
    for rel in MAPPING_FILES:
        path = registry.repo / rel
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8-sig")
            data = json.loads(text)
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            registry.diagnostics.add(error(f"{rel} is not readable JSON ({exc}); its doc_ids are not used",
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


def _line_of(text: str, value: str) -> int | None:
    i = text.find(json.dumps(value))
    return text.count("\n", 0, i) + 1 if i >= 0 else None


def claims_for(registry: Any, p: Any, mapping: dict[str, IdClaim]) -> list[IdClaim]:
    """Every well-formed doc_id the repository already gives pattern ``p``: the registry
    entry's, each kind's hand-written files' (``Kind.claims``), the mapping file's."""
    out: list[IdClaim] = []
    e = p.entry
    if isinstance(e.get("doc_id"), str) and is_valid_doc_id(e["doc_id"]):
        m = registry.doc.mark("patterns", p.index, "doc_id")
        out.append(IdClaim("registry entry", registry.path, m.line if m else None, e["doc_id"]))
    for kind in kinds.KINDS:
        if kind.scope != kinds.REPOSITORY:
            out += kind.claims(registry, p)
    for key in (p.pattern_id, p.name):
        if key in mapping:
            out.append(mapping[key])
            break
    return [c for c in out if DOC_ID_RE.fullmatch(c.doc_id)]


def _located(claim: IdClaim, p: Any) -> IdClaim:
    """The claim with its line: a spec's is found by parsing its positions again."""
    if claim.path != p.spec_path or claim.line is not None or p.spec is None:
        return claim
    m = p.spec.doc.mark("doc_id")
    return dataclasses.replace(claim, line=m.line if m else None)


def rule_of(doc_id: str, pattern_id: str) -> str | None:
    """The rule that turns ``pattern_id`` into ``doc_id``, e.g. ``DOC-PAT-<REST>``."""
    rest = pattern_rest(pattern_id)
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


def apply_existing_ids(registry: Any, patterns: list[Any]) -> ExistingIds:
    """Set ``found_doc_id`` on patterns whose sources agree, infer the doc_id rule, and
    return the conflicts (the caller decides whether to hold those patterns out)."""
    mapping = read_mapping(registry)
    conflicts: dict[str, Diagnostic] = {}
    reused: dict[str, IdClaim] = {}
    ids: list[tuple[str, str]] = []  # (doc_id, pattern_id) for the rule
    for p in patterns:
        claims = claims_for(registry, p, mapping)
        values = sorted({c.doc_id for c in claims})
        if len(values) > 1:
            sources = "; ".join(_located(c, p).describe() for c in claims)
            m = registry.doc.mark("patterns", p.index)
            conflicts[p.name] = error(
                f"{p.name}: the repository gives it {len(values)} different doc_ids: {sources}; "
                "nothing is minted or rendered for it", path=registry.path, line=m.line if m else None,
                hint=f"decide which doc_id is right ({' or '.join(values)}) and correct the other "
                     "source(s) by hand, then render again", code="doc-id-conflict", pattern=p.name)
            continue
        if values:
            ids.append((values[0], p.pattern_id))
            if p.doc_id is None:
                p.found_doc_id = values[0]
                reused[p.name] = claims[0]
    note = infer_rule(registry, ids)
    return ExistingIds(conflicts, reused, note)


def reuse_existing_ids(registry: Any) -> None:
    """After ``load_registry(load_specs=True)``: every pattern's agreeing doc_id reused,
    the conflicts recorded on the registry (``id_conflicts``), the inferred rule noted."""
    found = apply_existing_ids(registry, registry.patterns)
    registry.id_conflicts = found.conflicts
    if found.note:
        registry.notes.append(found.note)


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
