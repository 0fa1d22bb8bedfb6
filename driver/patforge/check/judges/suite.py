"""The suite as a whole: ID-SYS-101 and PAT-CHECK-001-070..-072.

Every artifact's doc_id claim (each kind's ``check.sources``) must be well-formed
and agree with the others; no artifact uses a pattern_id as its doc_id; the doc_id
stays stable across routine edits, compared with the registry at git HEAD.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, Iterator

from patforge.docids.rule import derive_doc_id, is_valid_doc_id

from patforge.check.judging import bad, fix_hint, per_file_hint, skip
from patforge.check.model import Item, RepoModel, Suite
from patforge.check.resolve import DocIdSource, claimed_id
from patforge.check.rules import Finding
from patforge.validation.messages import shown

#: How to link a registry entry that has no doc_id ({ref}: the suite's doc_id); the artifact
#: kinds say it for their own files (``ArtifactJudge.link_hints``).
_ENTRY_HINT = fix_hint("adds doc_id: {ref} when the other artifacts agree with the derived one; otherwise add "
                       "doc_id: {ref} by hand")


def suite_sources(model: RepoModel, item: Item, s: Suite) -> list[DocIdSource]:
    """Every artifact's doc_id claim, registry first (for -070, -071, ID-SYS-101)."""
    e = item.entry
    out = [DocIdSource("registry entry", model.reg_path, claimed_id(e.get("doc_id")),
                       line_of=lambda: model.entry_line(item, "doc_id" if "doc_id" in e else None))]
    for judge in model.judges:
        out += judge.sources(model, item, s)
    return out


def judge_suite(model: RepoModel, item: Item, s: Suite | None) -> Iterator[Finding]:
    e = item.entry if isinstance(item.entry, dict) else {}
    if s is None:
        why = item.why_not or "the entry cannot be read"
        reg = claimed_id(e.get("doc_id"))
        if reg is not None and not is_valid_doc_id(reg):
            yield bad("ID-SYS-101", item, f"registry entry doc_id {shown(reg)} is malformed", path=model.reg_path,
                      line=model.entry_line(item, "doc_id"), hint="correct it by hand")
        for rule in ("PAT-CHECK-001-070", "PAT-CHECK-001-071", "PAT-CHECK-001-072"):
            yield skip(rule, item, why, path=model.reg_path)
        return
    sources = suite_sources(model, item, s)
    yield from _same_doc_id(model, item, sources)
    # ID-SYS-101
    for src in sources:
        if src.doc_id is not None and not is_valid_doc_id(src.doc_id):
            path, line = src.where()
            yield bad("ID-SYS-101", item, f"{src.describe()} has doc_id {shown(src.doc_id)}, which is not uppercase "
                      "letters and digits joined by single dashes", path=path, line=line,
                      hint="correct it by hand: patforge never changes a doc_id that is present")
    # -071
    rule = "PAT-CHECK-001-071"
    pid = e.get("pattern_id")
    identity = isinstance(pid, str) and derive_doc_id(pid, model.config.doc_id_rule) == pid
    if not identity:
        want = model.expected(item)[0] or model.derived(item)
        for src in sources:
            if src.doc_id in model.pattern_ids:
                path, line = src.where()
                yield bad(rule, item, f"{src.describe()} uses the pattern_id {src.doc_id} as its doc_id; "
                          "pattern_id is only a label, artifacts are joined by doc_id", path=path, line=line,
                          hint=f"use the doc_id {want}" if want else "use the suite's doc_id")
    yield from _stable(model, item)


def _same_doc_id(model: RepoModel, item: Item, sources: list[DocIdSource]) -> Iterator[Finding]:
    rule = "PAT-CHECK-001-070"
    present = [src.doc_id for src in sources if src.doc_id is not None]
    expected, _ = model.expected(item)
    if not present:
        derived = model.derived(item)
        yield bad(rule, item, "no artifact of the suite carries a doc_id, so nothing links them",
                  path=model.reg_path, line=model.entry_line(item),
                  hint=fix_hint(f"assigns {derived} (derived from pattern_id)") if derived else
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
        if src.doc_id is None:
            path, line = src.where()  # only for a finding: the registry's line costs a parse
            yield bad(rule, item, f"{src.describe()} resolves to no doc_id, so it is not linked to the suite "
                      f"{ref}", path=path, line=line, hint=_unlinked_hint(model, src, ref))
        elif src.doc_id != ref:
            path, line = src.where()
            yield bad(rule, item, f"{src.describe()} says {src.doc_id}, but the suite's doc_id is {ref} "
                      f"({basis})", path=path, line=line,
                      hint=per_file_hint(src.doc_id, ref) or
                      "decide which doc_id is right and correct the others by hand: patforge never "
                      "changes a doc_id that is present")


def _unlinked_hint(model: RepoModel, src: DocIdSource, ref: str) -> str:
    hints = {"registry entry": _ENTRY_HINT}
    for judge in model.judges:
        hints.update(judge.link_hints)
    hint = hints.get(src.kind)
    return hint.replace("{ref}", ref) if hint else "link it by hand"


def _stable(model: RepoModel, item: Item) -> Iterator[Finding]:
    rule = "PAT-CHECK-001-072"
    if model.baseline is None:
        yield skip(rule, item, f"no baseline: {model.baseline_why}", path=model.reg_path)
        return
    e = item.entry
    pid, cur, version = e.get("pattern_id"), claimed_id(e.get("doc_id")), e.get("version")
    base = model.baseline.get(pid) if isinstance(pid, str) else None
    if base is None or base[0] is None or cur is None:
        return  # new pattern, or no doc_id to keep stable yet
    old_id, old_version = base
    old_major, new_major = _major(old_version), _major(version)
    breaking = old_major is not None and new_major is not None and new_major > old_major
    line = model.entry_line(item, "doc_id")
    if cur != old_id and not breaking:
        yield bad(rule, item, f"doc_id changed from {old_id} (git HEAD) to {cur} although the version "
                  f"stayed at major {new_major if new_major is not None else '?'} ({old_version} -> {version}); "
                  "a routine edit keeps the doc_id", path=model.reg_path, line=line,
                  hint=f"restore {old_id} everywhere, or, if this is a breaking change, also raise the major "
                       "version")
    elif cur == old_id and breaking:
        yield bad(rule, item, f"version went from {old_version} to {version} (a breaking change) but doc_id "
                  f"stayed {cur}; a breaking change mints a new doc_id", path=model.reg_path, line=line,
                  hint="a person decides: if old instances no longer validate, mint a new doc_id for every "
                       "artifact; otherwise ignore this warning (it is judged against git HEAD only)")


def _major(version: Any) -> int | None:
    m = re.match(r"^\s*v?(\d+)", str(version)) if version is not None else None
    return int(m.group(1)) if m else None
