"""Registry entries: PAT-CHECK-001-011..-014 and PATFORGE-REGISTRY.

Judged for every entry, also one too broken for its artifacts to be read. The path
fields are those of the kinds' check parts (``model.judges``): each says
which field records it, which root sub-folder holds it and what render creates.
"""

from __future__ import annotations

import dataclasses

from typing import Iterator

from patforge.diagnostics import Severity
from patforge.docids.rule import is_valid_doc_id
from patforge.repository.paths import PathProblem
from patforge.repository.registry import COMPLIANCE_FIELDS

from patforge.check.judging import bad, fix_hint, skip
from patforge.check.model import ROOT_FIELDS, Item, RepoModel, hashable, normalize_path_field, root_accepted
from patforge.check.rules import Finding
from patforge.validation.messages import shown

_REGISTRY_CODES = {"registry-entry", "bad-pattern-id", "unsafe-name", "spec-mismatch", "path-collision",
                   "unsafe-target", "long-path"}


def judge_entry(model: RepoModel, item: Item) -> Iterator[Finding]:
    yield from _entry_fields(model, item)
    yield from _entry_doc_id(model, item)
    yield from _entry_paths(model, item)
    yield from _entry_sanity(model, item)


def _entry_fields(model: RepoModel, item: Item) -> Iterator[Finding]:
    rule = "PAT-CHECK-001-011"
    e = item.entry
    if not isinstance(e, dict):
        yield bad(rule, item, f"registry entry #{item.index + 1} is not a mapping, so it has none of the fields",
                  path=model.reg_path, line=model.entry_line(item), hint="make the item a mapping of fields")
        return
    kind = "migrated entry" if item.migrated else "entry"
    p = item.pattern
    for f in COMPLIANCE_FIELDS:
        if e.get(f) not in (None, ""):
            continue
        if f == "doc_id":
            derived = model.derived(item)
            hint = (fix_hint(f"adds doc_id: {derived} (derived from pattern_id by the rule "
                              f"{shown(model.config.doc_id_rule)})") if derived and p is not None
                    else "add a doc_id by hand")
            msg = f"{kind} lacks doc_id"
        elif (judge := model.judge_for_field(f)) is not None and judge.rendered:
            existing = judge.found_at(model, p) if p is not None and judge.found_at else None
            if existing:
                msg = f"{kind} lacks {f} although {existing} exists"
                hint = fix_hint(f"records {f}: {existing} in the entry")
            else:
                msg = f"{kind} lacks {f}; run `patforge render` to create and record it"
                hint = f"`patforge render` creates the {judge.rendered} and records {f} (or add {f}: by hand if " \
                       "it exists elsewhere)"
        elif p is not None and f in p.derived:
            msg = f"{kind} lacks {f}"
            hint = f"`patforge render` records {f}: {p.derived[f]} (derived by convention)"
        else:
            msg = f"{kind} lacks {f}"
            hint = f"add '{f}:' to the entry"
        # the line only when there is a finding: the registry's positions cost a parse
        yield bad(rule, item, msg, path=model.reg_path, line=model.entry_line(item), hint=hint)


def _entry_doc_id(model: RepoModel, item: Item) -> Iterator[Finding]:
    e = item.entry if isinstance(item.entry, dict) else {}
    value = e.get("doc_id")
    if value in (None, ""):
        yield skip("PAT-CHECK-001-012", item, "the entry has no doc_id (PAT-CHECK-001-011)", path=model.reg_path)
    elif not is_valid_doc_id(value):
        yield bad("PAT-CHECK-001-012", item,
                  f"doc_id {shown(value)} breaks ID-SYS-101 (uppercase letters and digits in groups joined by "
                  "single dashes)", path=model.reg_path, line=model.entry_line(item, "doc_id"),
                  hint="correct it by hand (and every artifact that repeats it): patforge never changes a "
                       "doc_id that is present")
    # -014: one doc_id, one suite
    rule = "PAT-CHECK-001-014"
    if value in (None, "") or not isinstance(value, (str, int)):
        return
    others = [it for it in model.doc_id_users.get(hashable(value), []) if it is not item]
    for other in others:
        yield bad(rule, item, f"doc_id {value} is also the doc_id of entry {other.label} (line "
                  f"{model.entry_line(other) or '?'}); one doc_id names one pattern suite",
                  path=model.reg_path, line=model.entry_line(item, "doc_id"),
                  hint="give one of the two entries its own doc_id by hand (and its artifacts); patforge "
                       "skips both entries until then")


def _entry_paths(model: RepoModel, item: Item) -> Iterator[Finding]:
    rule = "PAT-CHECK-001-013"
    e = item.entry
    if not isinstance(e, dict):
        yield skip(rule, item, "the entry is not a mapping", path=model.reg_path)
        return
    root = item.root
    if not root_accepted(model, root):
        yield bad(rule, item, f"the entry's paths sit in {root}/, which is not patterns/, not below it and not a "
                  "root declared in patforge.toml", path=model.reg_path, line=model.entry_line(item),
                  hint=f'move the artifacts under patterns/, or declare roots = ["{root}"] in patforge.toml')
    for judge in model.judges:
        f = judge.path_field
        if not f:
            continue  # a kind the registry records no path for
        base = f"{root}/{judge.folder}/"
        value = e.get(f)
        if value in (None, "") or not isinstance(value, str) or not value.startswith(base):
            line = model.entry_line(item, f if f in e else None)  # a finding is likely: its line
        else:
            line = None  # found when a finding needs it: the registry's positions cost a parse
        if value in (None, ""):
            kind = "migrated entry" if item.migrated else "entry"
            if judge.rendered:
                yield bad(rule, item, f"{kind} lacks {f}, so read literally it is not {judge.path_is} under {base} "
                          f"(run `patforge render` to create and record it)", path=model.reg_path, line=line,
                          hint=("the known tension for migrated patterns: " if item.migrated else "")
                          + f"-011 and -013 both fail until {f} is recorded; `patforge render` creates the "
                            f"{judge.rendered} and records it")
            else:
                derived = item.pattern.derived.get(f) if item.pattern is not None else None
                yield bad(rule, item, f"entry lacks {f}, so it cannot be under {base}", path=model.reg_path,
                          line=line, hint=f"`patforge render` records {f}: {derived} (derived by convention)"
                          if derived else f"add {f}: {base}...")
            continue
        try:
            norm = normalize_path_field(f, value)
        except PathProblem as exc:
            yield bad(rule, item, f"{f} {shown(value)}: {exc}", path=model.reg_path,
                      line=line or model.entry_line(item, f), hint=exc.hint)
            continue
        if not norm.startswith(base):
            yield bad(rule, item, f"{f} {norm} is not under {base} (judged against root {root})",
                      path=model.reg_path, line=line or model.entry_line(item, f),
                      hint=f"move the file under {base} and update {f}" if f != ROOT_FIELDS[0] else
                      "keep every artifact of a pattern in one root's sub-folders")
            continue
        if judge.judge_path is not None:
            for found in judge.judge_path(model, item, norm, line):
                if found.line is None and line is None and found.path == model.reg_path:
                    found = dataclasses.replace(found, line=model.entry_line(item, f))
                yield found


def _entry_sanity(model: RepoModel, item: Item) -> Iterator[Finding]:
    rule = "PATFORGE-REGISTRY"
    for d in item.diags:
        if d.severity is not Severity.ERROR:
            continue
        if d.code in _REGISTRY_CODES:
            # unsafe-target: a well-formed path render refuses where it leads (a symlink
            # out of the repository, a link to a file it does not mean) is a MUST
            # failure here too, never a pass with rules skipped. A malformed path
            # (unsafe-path) is -013's.
            yield bad(rule, item, d.message, path=d.path, line=d.line, hint=d.hint)
    e = item.entry if isinstance(item.entry, dict) else {}
    losers = model.registry.duplicate_names if model.registry is not None else {}
    for key in ("pattern_id", "name"):
        value = e.get(key)
        if value in (None, ""):
            continue
        others = [it for it in model.key_users.get((key, hashable(value)), []) if it is not item]
        if key == "name" and item.index in losers:  # entries sharing a name: the spec decides (entrypaths.py)
            w = losers[item.index]
            yield bad(rule, item, f"name {shown(value)} is also used by entry #{w + 1} (line "
                      f"{model.reg_doc.node_mark('patterns', w).line}), which matches the spec; this entry is "
                      "left untouched", path=model.reg_path, line=model.entry_line(item, key),
                      hint=f"remove this entry (#{item.index + 1}), or give it its own name and spec")
            continue
        if key == "name" and item.index in losers.values():
            others = [it for it in others if it.index not in losers]
        if others:
            where = ", ".join(f"#{it.index + 1} (line {model.entry_line(it) or '?'})" for it in others)
            yield bad(rule, item, f"{key} {shown(value)} is also used by entry {where}", path=model.reg_path,
                      line=model.entry_line(item, key),
                      hint=f"give each entry its own {key}; patforge skips all of them until then")
