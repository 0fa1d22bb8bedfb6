"""PATFORGE-RENDERED-MISSING and PATFORGE-RENDERED-STALE: rendered files that a person
deleted, or that lag the inputs they were rendered from.

What state a render unit (pattern x kind) is in has one home, ``unitstate.classify_unit``,
which render acts on and ``patforge status`` reports (``status.collect_status``); check
asks status and turns its answer into findings, so check, status and render never
disagree about a unit:

* a file of a unit patforge rendered (its answers file exists) that is not there is a
  ``PATFORGE-RENDERED-MISSING`` FAIL on that file (MUST: the examples index, the
  answers file and the output hashes still name it; ``patforge render`` restores it);
* a rendered unit whose registry entry, spec, schema or settings changed since it was
  rendered (status: ``stale``) is a ``PATFORGE-RENDERED-STALE`` WARN on its answers
  file (SHOULD: ``--strict`` makes it blocking);
* a rendered unit that cannot be classified (status: ``blocked``) leaves both rules
  SKIP for its pattern, with status's reason.

A unit patforge never rendered (no answers file) is not judged: hand-written files are
judged by the artifact rules.

Classifying every unit costs about what ``patforge status`` costs (each unit's answers
are built). When nothing changed since the last full render and every unit was at rest
then (render's own no-op test on its manifest, ``manifest.unchanged``), they are still:
their states are read from the manifest (hand edits found through the output hashes,
``unitstate.current_or_modified``, without reading a file whose stat is unchanged). A newer template version (status: ``outdated``) and hand
edits (``modified``) are no findings: templates move on their own schedule and hand
edits are allowed; the report still shows each unit's state (``RepoModel.drift``).
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Iterator

from patforge import kinds
from patforge.errors import PatforgeError
from patforge.repository.layout import ANSWERS_DIR
from patforge.rendering.unitstate import BLOCKED, STALE, UnitState, current_or_modified, deleted_files, hand_written

from patforge.check.judging import bad, skip
from patforge.check.model import Item, RepoModel
from patforge.check.rules import Finding

RULE_MISSING = "PATFORGE-RENDERED-MISSING"
RULE_STALE = "PATFORGE-RENDERED-STALE"
RULES = (RULE_MISSING, RULE_STALE)
#: The unit of the repository-level files (status's name for it).
REPOSITORY_UNIT = "(repository)"


def judge_rendered(model: RepoModel) -> Iterator[Finding]:
    """Findings of both rules for every rendered unit of the patterns this run judges;
    each unit's state goes to ``model.drift`` (pattern label -> kind -> state)."""
    if model.registry is None or not model.files.is_dir(ANSWERS_DIR):
        return  # nothing was ever rendered here: both rules hold
    if model.wanted is not None and not model.wanted & set(RULES):
        return  # --rule names neither: not worth classifying every unit
    # why: start-up time: loaded only when this function runs, not when the module is imported
    from patforge.commands.status import StatusOptions, collect_status

    items = [it for it in model.items if it.pattern is not None
             and (model.selected is None or it.label in model.selected)]
    only = () if model.selected is None else tuple(sorted(it.pattern.name for it in items))
    if model.selected is not None and not only:
        return
    # check FILE... runs because files changed: the manifest's test would fail on them
    units = _at_rest(model) if model.selected is None else None
    if units is None:
        try:
            report = collect_status(model.repo, StatusOptions(only=only))
        except PatforgeError as exc:
            for item in items:
                for rule in RULES:
                    yield skip(rule, item, f"the rendered units cannot be classified: {exc}")
            return
        units = [(u.pattern, u.kind, u.state) for u in report.units]
    by_name = {it.pattern.name: it for it in items}
    rendered = set(kinds.names())
    for pattern, kind, state in units:
        if kind not in rendered:
            continue  # status's "entry" unit: a registry entry render cannot use (PATFORGE-REGISTRY)
        item = by_name.get(pattern)
        if item is None and (pattern != REPOSITORY_UNIT or model.selected is not None):
            continue  # an entry status cannot use (PATFORGE-REGISTRY reports it), or one not judged
        model.drift.setdefault(item.label if item else REPOSITORY_UNIT, {})[kind] = state
        yield from _findings(model, item, kind, state)


def _at_rest(model: RepoModel) -> list[tuple[str, str, UnitState]] | None:
    """Every unit's state without building it, when nothing the last full render recorded
    has changed and every unit was at rest after it (else None: ask status)."""
    # why: start-up time: loaded only when this function runs, not when the module is imported
    from patforge.rendering.manifest import MANIFEST, unchanged
    from patforge.rendering.noop import context
    from patforge.commands.render import RenderOptions
    from patforge.rendering.report import HAND_WRITTEN as BY_HAND, SKIPPED as UP_TO_DATE
    from patforge.transaction.state import state_location

    state = state_location(model.repo)
    if not (state / MANIFEST).is_file():
        return None
    m = unchanged(model.repo, state, context(RenderOptions()))
    if m is None:
        return None
    units = [u for u in m.units.values() if u["kind"] in kinds.names()]
    if any(u["status"] not in (UP_TO_DATE, BY_HAND) for u in units):
        return None  # something lagged after that render: status says what
    ref = m.report["template"]["ref"]
    out = []
    for u in units:
        if u["status"] == BY_HAND:
            st = hand_written([f for f in u["files"] if model.files.is_file(f)], ref)
        else:
            st = current_or_modified(u["answers"], model.files, ref, ref, model.files.read_bytes,
                                     known=lambda rel: m.known_digest(model.repo, rel))
        out.append((u["pattern"], u["kind"], st))
    return out


def _findings(model: RepoModel, item: Item | None, kind_name: str, state: UnitState) -> Iterator[Finding]:
    kind = kinds.by_name(kind_name)
    answers = kind.answers_file(item.pattern if item else None)
    root = None if item else model.primary_root
    who = f"{item.pattern.name}'s {kind_name}" if item else f"the repository-level {kind_name} files"
    if state.state == BLOCKED:
        if model.files.is_file(answers):  # rendered once, cannot be classified now
            for rule in RULES:
                yield skip(rule, item, f"{who} cannot be classified: {state.detail}", path=answers, root=root)
        return
    for rel in deleted_files(state):
        restore = f"patforge render --only {item.pattern.name}" if item else "patforge render"
        yield bad(RULE_MISSING, item, f"{who}: {PurePosixPath(rel).name} was rendered by patforge and is deleted",
                  path=rel, root=root, hint=f"`{restore}` restores it as {answers} records it (`patforge status` "
                                            "lists every unit that lags)")
    if state.state == STALE:
        yield bad(RULE_STALE, item, f"{who}: {', '.join(state.inputs)} changed since it was rendered "
                  f"({answers} records what it was rendered from)", path=answers, line=1, root=root,
                  hint="`patforge update --registry` renders it again from today's inputs, keeping hand edits "
                       "(`patforge diff` shows the change first)")
