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
(``Kind.claims``); the registry entry and the mapping file are read here. Where the
registry entry has a doc_id, it is the pattern's doc_id: files that say otherwise are
left to ``check``, which names them (a person decides; patforge never changes a present
doc_id), and render completes the missing units with the registry's. Per-file ids
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
from collections import Counter
from dataclasses import dataclass
from typing import Any

from patforge.repository.bounded import ContentError, parse_json
from patforge import kinds
from patforge.diagnostics import Diagnostic, error
from patforge.docids.claims import IdClaim, read_inside
from patforge.docids.rule import (DOC_ID_RE, derive_doc_id, is_valid_doc_id, pattern_rest,  # noqa: F401 - per_file_stem
                                  per_file_stem, stem_of)  # re-exported: its old home
from patforge.repository.paths import PathProblem

MAPPING_FILES = ("patterns/registry/doc_id_mapping.json", "doc_id_mapping.json")


def read_mapping(registry: Any) -> dict[str, IdClaim]:
    """pattern_id / name -> claim, from the first ``doc_id_mapping.json`` found. Accepted:
    a list of ``{pattern_id|name, doc_id}``, such a list under any one key, or a mapping of
    pattern_id (or name) -> doc_id."""
    for rel in MAPPING_FILES:
        path = registry.repo / rel
        if not path.is_file():
            continue
        try:  # the reading layer: regular, inside, bounded in size and depth, strict text
            raw = read_inside(registry.repo, rel)
            raw.decode("utf-8-sig")
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
                if isinstance(row.get(key), str):  # its line when a message needs it (_located)
                    out.setdefault(row[key], IdClaim("doc_id_mapping.json", rel, None, row["doc_id"]))
        return out
    return {}


def _mapping_line(registry: Any, rel: str, p: Any) -> int | None:
    """The line of the mapping row that claims for ``p`` (read again: only a conflict asks)."""
    try:
        text = read_inside(registry.repo, rel).decode("utf-8-sig")
    except (ContentError, PathProblem, UnicodeDecodeError):
        return None
    mapping = read_mapping(registry)
    key = next((k for k in (p.pattern_id, p.name) if k in mapping), None)
    return _line_of(text, key) if key is not None else None


def _line_of(text: str, value: str) -> int | None:
    i = text.find(json.dumps(value))
    return text.count("\n", 0, i) + 1 if i >= 0 else None


def claims_for(registry: Any, p: Any, mapping: dict[str, IdClaim]) -> list[IdClaim]:
    """Every well-formed doc_id the repository already gives pattern ``p``: the registry
    entry's, each kind's hand-written files' (``Kind.claims``), the mapping file's."""
    out: list[IdClaim] = []
    e = p.entry
    if isinstance(e.get("doc_id"), str) and is_valid_doc_id(e["doc_id"]):
        # its line is found when a message needs it (_located): positions cost a parse of the registry
        out.append(IdClaim("registry entry", registry.path, None, e["doc_id"]))
    for kind in kinds.KINDS:
        if kind.scope != kinds.REPOSITORY:
            out += kind.claims(registry, p)
    for key in (p.pattern_id, p.name):
        if key in mapping:
            out.append(mapping[key])
            break
    return [c for c in out if DOC_ID_RE.fullmatch(c.doc_id)]


def _located(claim: IdClaim, p: Any, registry: Any) -> IdClaim:
    """The claim with its line: the registry's or a spec's is found by parsing positions."""
    if claim.line is not None:
        return claim
    if claim.source == "doc_id_mapping.json":
        return dataclasses.replace(claim, line=_mapping_line(registry, claim.path, p))
    if claim.path == registry.path and claim.source == "registry entry":
        m = registry.doc.mark("patterns", p.index, "doc_id")
    elif claim.path == p.spec_path and p.spec is not None:
        m = p.spec.doc.mark("doc_id")
    else:
        return claim
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
    sources = "; ".join(_located(c, p, registry).describe() for c in claims)
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


def reuse_existing_ids(registry: Any) -> None:
    """After ``load_registry(load_specs=True)``: every pattern's agreeing doc_id reused,
    the conflicts recorded on the registry (``id_conflicts``), the inferred rule noted."""
    found = apply_existing_ids(registry, registry.patterns)
    registry.id_conflicts = found.conflicts
    registry.notes += found.notes


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
