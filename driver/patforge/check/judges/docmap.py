"""PATFORGE-DOC-ID-MAPPING: ``doc_id_mapping.json`` agrees with the registry.

The file (the plan's step 1.1 output, written by render; see ``patforge.docids.mapping``)
maps every registry pattern_id to the registry's doc_id: no key missing, none extra,
none different. A repository without the file is not judged (SKIP): render writes it.
"""

from __future__ import annotations

from typing import Iterator

from patforge.docids.mapping import MappingShapeError, is_rows, mapping_path, parse_members

from patforge.check.judging import bad, skip
from patforge.check.model import RepoModel
from patforge.check.rules import Finding
from patforge.validation.messages import shown

RULE = "PATFORGE-DOC-ID-MAPPING"


def subject(model: RepoModel) -> tuple[str, str]:
    """(root, path) a passing record points at."""
    return model.primary_root, mapping_path(model.reg_path)


def judge_doc_id_mapping(model: RepoModel) -> Iterator[Finding]:
    rel = mapping_path(model.reg_path)
    root = model.primary_root
    data = model.files.read_bytes(rel)
    why = model.files.why(rel) if data is None and hasattr(model.files, "why") else None
    if why is not None:  # present, but not a regular file inside the repository of bounded size
        yield bad(RULE, None, f"{rel} cannot be read: {why}", path=rel, root=root,
                  hint="replace it with the JSON object {pattern_id: doc_id}, or delete it and run "
                       "`patforge render --phase 1`, which writes it again")
        return
    if data is None:
        yield skip(RULE, None, f"there is no {rel}; `patforge render` writes it", path=rel, root=root)
        return
    if model.registry is None:
        yield skip(RULE, None, "the registry cannot be read (PAT-CHECK-001-010)", path=rel, root=root)
        return
    try:
        members = parse_members(data.decode("utf-8"))
    except (UnicodeDecodeError, MappingShapeError) as exc:
        yield bad(RULE, None, f"{rel} is {exc if isinstance(exc, MappingShapeError) else 'not UTF-8'}",
                  path=rel, root=root, hint="make it one JSON object {pattern_id: doc_id}, or delete it and "
                                            "run `patforge render --phase 1`, which writes it again")
        return
    if is_rows(members):
        yield skip(RULE, None, f"{rel} holds rows under a key, not {{pattern_id: doc_id}}; patforge reads doc_ids "
                   "from it and leaves it as it is", path=rel, root=root)
        return
    expected: dict[str, str] = {}
    for item in model.items:
        pid = item.entry.get("pattern_id") if isinstance(item.entry, dict) else None
        doc_id, _why = model.expected(item)
        if isinstance(pid, str) and doc_id is not None:
            expected[pid] = doc_id  # entries without a usable doc_id: PAT-CHECK-001-011/012 report them
    known = {item.entry.get("pattern_id") for item in model.items if isinstance(item.entry, dict)}
    seen: set[str] = set()
    for m in members:
        if m.key in seen:
            yield bad(RULE, None, f"{m.key} appears twice", path=rel, line=m.line, root=root,
                      hint="keep one of the two lines")
        seen.add(m.key)
        if m.key not in known:
            yield bad(RULE, None, f"{m.key} is not a pattern_id in the registry", path=rel, line=m.line,
                      root=root, hint=f"remove the line from {rel} (or restore the registry entry)")
        elif m.key in expected and m.value != expected[m.key]:
            yield bad(RULE, None, f"{m.key} maps to {shown(m.value)}, the registry's doc_id is {expected[m.key]}",
                      path=rel, line=m.line, root=root,
                      hint="correct the value in the file (or the registry, if the file is right)")
    # entries render does not work on yet (unusable, a doc_id conflict) get their keys once
    # fixed: their own findings name the one fix (one fix per entry)
    reg = model.registry
    workable = {p.pattern_id for p in reg.patterns if p.name not in reg.id_conflicts}
    missing = sorted((set(expected) - seen) & workable)
    if missing:
        listed = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        yield bad(RULE, None, f"{rel} lacks {len(missing)} pattern_id(s): {listed}", path=rel, root=root,
                  hint="`patforge render --phase 1` (or `patforge check --fix`) adds them without touching "
                       "the other lines")
