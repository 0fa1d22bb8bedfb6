"""One Copier update of a batch of units (one kind, one old template version) in the
update's worktree, and the conflicts it left.

The batch is one ``run_update`` over a temporary batch answers file; the worktree holds
only the files the batch's renders touch (``update_scope.py``). A batch whose renders
touched a file of the base the worktree lacked is undone and done again with that file
(at most once per missing file: the renders of a batch do not depend on which files the
worktree holds).
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any, Protocol

import yaml

from patforge.errors import TemplateError
from patforge.repository.layout import BATCH_ANSWERS
from patforge.rendering.template_source import TemplateSource
from patforge.rendering.update_scope import recording_renders
from patforge.vcs.git import run_git
from patforge.vcs.worktree import BaseTree, add_from, commit_all

_MARKERS = ("<<<<<<< ", ">>>>>>> ")


class BatchUnit(Protocol):
    """What a batch needs of a unit (``commands.update.ManagedUnit``)."""

    src: str

    def old_data(self) -> dict[str, Any]: ...

    def new_data(self) -> dict[str, Any]: ...


def update_in_scope(wt: Path, base: BaseTree, held: set[str], source: TemplateSource, kind: str, old: str,
                    batch: list[BatchUnit], conflict: str, registry: bool) -> list[str]:
    """Update ``batch`` in the worktree and commit it; ``held`` (the base's files the
    worktree holds) grows by any file the renders needed. Returns the conflicted files."""
    while True:
        before = run_git(wt, "rev-parse", "HEAD").stdout.strip()
        with recording_renders(wt) as rendered:
            conflicts = _update_batch(wt, source, kind, old, batch, conflict, registry)
        missing = set(base.entries) - held if rendered is None else (rendered & set(base.entries)) - held
        if not missing:
            commit_all(wt, f"patforge: update {kind} from {old}")
            return conflicts
        run_git(wt, "reset", "-q", "--hard", before)
        run_git(wt, "clean", "-q", "-f", "-d", "-x")  # the batch's own files, ignored ones too
        add_from(wt, base, missing, "patforge: more of the base")
        held |= missing


def _update_batch(wt: Path, source: TemplateSource, kind: str, old: str, batch: list[BatchUnit],
                  conflict: str, registry: bool) -> list[str]:
    # why: start-up time: loaded only when _update_batch() runs, not when the module is imported
    from copier import run_update

    # src_record makes Copier's render of the *old* version reproduce the _src_path the
    # unit files recorded, so only real template changes show in the 3-way diff.
    batch_answers = {"_commit": old, "_src_path": source.location, "artifact": kind,
                     "src_record": batch[0].src, "units": [mu.old_data() for mu in batch]}
    path = wt / BATCH_ANSWERS
    path.parent.mkdir(parents=True, exist_ok=True)
    # Only Copier reads it back (libyaml's loader, copier_speedups.fast_answers_loading):
    # libyaml's emitter writes the same data 6x faster than PyYAML's.
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    path.write_text(yaml.dump(batch_answers, Dumper=dumper, sort_keys=False, allow_unicode=True), encoding="utf-8")
    commit_all(wt, "patforge: batch answers")
    data: dict[str, Any] = {"src_record": source.record}
    if registry:
        data["units"] = [mu.new_data() for mu in batch]
    # why: start-up time: loaded only when _update_batch() runs, not when the module is imported
    from patforge.rendering.copier_speedups import (compile_strings_once, fast_answers_loading, fast_nice_yaml,
                                                    no_git_index_sync)

    try:
        with (warnings.catch_warnings(), no_git_index_sync(wt), compile_strings_once(),
              fast_answers_loading(), fast_nice_yaml()):
            warnings.simplefilter("ignore")
            run_update(wt, data=data, answers_file=BATCH_ANSWERS, vcs_ref=source.ref, defaults=True,
                       overwrite=True, quiet=True, conflict=conflict, skip_answered=True,
                       unsafe=False, skip_tasks=True)
    except Exception as exc:  # noqa: BLE001 - Copier raises many types
        raise TemplateError(f"copier update of {len(batch)} {kind} unit(s) from {old} failed: {exc}",
                            hint="nothing was changed in your working tree") from None
    path.unlink(missing_ok=True)
    conflicts: list[str] = []
    status = run_git(wt, "status", "--porcelain", "--untracked-files=all").stdout.splitlines()
    for line in status:
        code, rel = line[:2], line[3:].strip().strip('"')
        if "U" in code or code in ("AA", "DD") or rel.endswith(".rej"):
            conflicts.append(rel)
        elif code.strip() in ("M", "A", "??"):
            p = wt / rel
            if p.is_file() and p.suffix != ".bundle":
                text = p.read_text(encoding="utf-8", errors="replace")
                if any(m in text for m in _MARKERS) and rel not in conflicts:
                    conflicts.append(rel)
    return conflicts
