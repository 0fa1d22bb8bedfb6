"""``patforge check``: PAT-CHECK-001 / ID-SYSTEM-SPEC-V1 compliance of a pattern repository.

Every rule of compliance-rules.md is judged under its own ID (``rules.py`` is the
table); the extra checks carry ``PATFORGE-`` IDs:

* ``PATFORGE-REGISTRY`` (MUST): entries are usable (mapping, well-formed pattern_id,
  safe unique name and pattern_id, spec agrees with its entry);
* ``PATFORGE-SCHEMA-VALID`` (MUST): a schema is JSON and a valid JSON Schema;
* ``PATFORGE-EXAMPLE-VALID`` (MUST): each example is JSON and validates against its
  pattern's schema (kept apart from -052, which is about doc_ids only);
* ``PATFORGE-SPEC-SCHEMA`` (SHOULD): a spec validates against the repository's
  ``schema/pattern_spec.v1.json``; judged only when the repository has that file;
* ``PATFORGE-DOC-ID-MAPPING`` (MUST): ``doc_id_mapping.json`` next to the registry
  agrees with it (``judges/docmap.py``); judged only when the file exists;
* ``PATFORGE-RENDERED-MISSING`` (MUST) / ``PATFORGE-RENDERED-STALE`` (SHOULD): a file
  patforge rendered was deleted / a rendered unit lags its inputs, as ``patforge
  status`` classifies each unit (``rendered.py``).

Results: one record per (rule, pattern) -- per root for the root rules, one for the
repository rules -- with status PASS, FAIL (a MUST rule does not hold), WARN (a SHOULD
rule does not hold; FAIL under ``strict``) or SKIP (not judged, and why: e.g. -042
when the executor does not exist, which -040 reports). A record carries every finding
behind its status. Exit code: 0 compliant, 1 any FAIL; the CLI exits 2 when the check
cannot run (missing repository folder, broken patforge.toml, unreadable registry,
bad options). A registry that is missing or is not valid YAML is a -010 FAIL.

``fix`` repairs what is mechanical (``fix.py``) and checks again; ``dry_run`` plans
the same changes and writes nothing; the report is then the state before the changes.

The package: ``load.py`` builds the repository model (``model.py``, read through
``files.py``); each artifact kind's rules and judge are in its kind module
(``kinds/<kind>.py``, its ``check`` part); ``judges/`` holds the registry entry, suite
and repository judges; ``evaluate.py`` runs them, applies ``--only``,
``--rule`` and ``--strict`` and aggregates; ``result.py`` is what a run returns;
``reporters/`` formats it; ``rules.py`` is the rule table.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from typing import TYPE_CHECKING

from patforge import kinds  # noqa: F401 - each kind adds its rows to the rule table (rules.RULES)
from patforge.errors import UsageError

from patforge.check.result import CheckOptions, CheckResult, Record, RuleSummary
from patforge.check.rules import RULES, Finding, select_rules
from patforge.check.matrix import inventory

if TYPE_CHECKING:
    from patforge.check.model import RepoModel

# The model, judges and evaluation are imported when a check runs: every patforge
# command imports this package to register `check` (a no-op render must not pay for them).

__all__ = ["CheckOptions", "CheckResult", "Finding", "Record", "RuleSummary", "run_check", "RULES"]


def run_check(repo: Path, options: CheckOptions | None = None) -> CheckResult:
    """Check ``repo``; with ``options.fix``, repair first (Phase 1 code) and check again."""
    options = options or CheckOptions()
    if options.dry_run and not options.fix:
        raise UsageError("--dry-run only applies to --fix", hint="add --fix, or drop --dry-run")
    try:
        selected = select_rules(options.rules)
        blocking = select_rules(options.blocking, "--blocking")
    except ValueError as exc:
        raise UsageError(str(exc), hint="rule IDs are listed by `patforge check --help`, e.g. "
                                        "PAT-CHECK-001-041 (or just 041)") from None
    options.blocking = tuple(blocking or ())  # full IDs from here on
    repo = Path(repo)
    # why: start-up time: loaded only when run_check() runs, not when the module is imported
    from patforge.repository import parsecache

    cache = parsecache.open_for(repo, writable=True) if repo.is_dir() else None
    with parsecache.active(cache):
        result, whole = _run(repo, options, selected)
    if cache is not None:  # a run that read every pattern keeps only what it used
        cache.save(prune=whole)
    return result


def _run(repo: Path, options: CheckOptions, selected: list[str] | None) -> tuple[CheckResult, bool]:
    """The check (and --fix); and whether it read every pattern."""
    # why: start-up time: loaded only when run_check() runs, not when the module is imported
    from patforge.check.fix import fix
    from patforge.check.load import load_model

    model = load_model(repo, options.files, options.staged)
    _check_only(model, options)
    whole = model.selected is None and not options.only and model.registry is not None
    if not options.fix:
        return _result(model, options, selected), whole
    only = options.only if model.selected is None else tuple(
        it.entry["name"] for it in _judged(model, options) if isinstance(it.entry, dict) and it.entry.get("name"))
    changes, diags = (fix(model, only, options.dry_run) if model.selected is None or only else ([], []))
    if not options.dry_run and changes:
        model = load_model(repo, options.files, options.staged)
    result = _result(model, options, selected)
    result.fix_changes, result.fix_diagnostics, result.fix_applied = changes, diags, True
    return result, whole


def _check_only(model: RepoModel, options: CheckOptions) -> None:
    if not options.only:
        return
    known = {it.label for it in model.items} | {it.entry.get("name") for it in model.items
                                                if isinstance(it.entry, dict)}
    unknown = [n for n in options.only if n not in known]
    if unknown:
        raise UsageError(f"--only: no registry entry named {', '.join(unknown)}",
                         hint="names are the registry's `name:` fields")


def _judged(model: RepoModel, options: CheckOptions) -> list:
    """The entries this run judges: --only's, and (check FILE...) the files' patterns."""
    # why: start-up time: loaded only when _judged() runs, not when the module is imported
    from patforge.check.evaluate import select_items

    return [it for it in select_items(model.items, options.only)
            if model.selected is None or it.label in model.selected]


def _result(model: RepoModel, options: CheckOptions, selected: list[str] | None) -> CheckResult:
    # why: start-up time: loaded only when this function runs, not when the module is imported
    from patforge.check.blockers import render_blockers, whole_entry_blocked, without_render_advice
    from patforge.check.evaluate import aggregate, evaluate, keep_only

    model.wanted = None if selected is None else set(selected)  # judges that cost may skip the rest
    found = evaluate(model)
    if model.selected is not None:
        found = keep_only(found, model.selected)
    advised = {f.pattern for f in found if f.pattern is not None and f.hint and "patforge render" in f.hint}
    entire = whole_entry_blocked(model)
    found = without_render_advice(found, render_blockers(model, advised | entire), entire)
    findings, records, summaries = aggregate(found, model.items, only=options.only, selected=selected,
                                             strict=options.strict, blocking=options.blocking)
    judged = _judged(model, options)
    return CheckResult(
        repo=model.repo.resolve(), options=options, findings=findings, records=records, rules=summaries,
        roots=list(model.roots), registry_path=model.reg_path, patterns=len(judged),
        commit=model.commit, notes=list(model.registry.notes) if model.registry is not None else [],
        artifacts=inventory(model, {it.label for it in judged}), incremental=model.selection,
        doc_ids={it.label: str(it.entry["doc_id"]) for it in judged
                 if isinstance(it.entry, dict) and it.entry.get("doc_id") not in (None, "")},
        drift=dict(model.drift),
        generated_at=_dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"))
