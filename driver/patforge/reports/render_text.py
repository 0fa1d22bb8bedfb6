"""Human-readable render/update reports."""

from __future__ import annotations

import click

from patforge.reports.diffview import change_stats, colorize, diff_stats, stat_block
from patforge.reports.escaping import visible
from patforge.reports.console import echo_json, print_diagnostics, table
from patforge.rendering.report import LAGGING, PHASE_TITLES, STATUSES, RenderReport


def _say(line: str, **kw: object) -> None:
    """One line of a report: names and paths in it come from the repository, so it
    is shown escaped (escaping.visible), one line whatever they hold."""
    click.echo(visible(line), **kw)  # type: ignore[arg-type]


def print_render_report(report: RenderReport, *, verbose: bool = False) -> None:
    if report.dry_run and report.changes:
        print_dry_run_diff(report.changes)
    print_diagnostics(report.diagnostics)
    for note in report.notes:
        _say(f"note: {note}")
    if verbose:
        for o in report.outcomes:
            msg = f" - {o.message}" if o.message else ""
            _say(f"  [{o.status:<12}] phase {o.phase} {o.kind:<9} {o.pattern}{msg}")
    rows = []
    for (phase, kind), counts in report.counts().items():
        rows.append([f"{phase} {PHASE_TITLES[phase]}", kind, *[counts.get(s, 0) or "" for s in STATUSES]])
    if rows:
        click.echo(table(rows, ["phase", "kind", *STATUSES]))
    if report.template:
        _say(f"templates: {report.template.record} @ {report.template.ref}")
    lagging = [o for o in report.outcomes if o.status in LAGGING]
    counts = " and ".join(f"{n} {s}" for s in LAGGING if (n := sum(o.status == s for o in lagging)))
    if lagging and not verbose:
        hints = sorted({o.message.split(": run ", 1)[-1] for o in lagging})
        _say(f"{counts} unit(s) left as they are: run {' / '.join(hints)}")
    n = len(report.changes)
    if report.dry_run:
        _say(f"dry run: {n} file(s) would change; nothing written")
    elif n == 0 and lagging:
        _say(f"nothing written (the {counts} unit(s) are left for `patforge update`)")
    elif n == 0:
        click.echo("nothing to do: every artifact is present and current; nothing written")
    else:
        _say(f"wrote {n} file(s)")
    errors = len(report.diagnostics.errors)
    failed = sum(o.status == "failed" for o in report.outcomes)
    if report.failed:
        click.echo(click.style(f"FAILED: {failed} unit(s) failed, {errors} error(s)", fg="red"), err=True)


def print_dry_run_diff(changes) -> None:
    """A --stat summary of every change, then the diffs (coloured on a terminal)."""
    click.echo(stat_block(change_stats(changes)))
    for change in changes:
        if not change.path.endswith(".bundle"):
            click.echo(colorize(change.diff()))


def print_update_report(report) -> None:
    print_diagnostics(report.diagnostics)
    if report.dry_run and report.diff:
        click.echo(stat_block(diff_stats(report.diff)))
        click.echo(colorize(report.diff))
    _say(f"template version: {report.target}")
    if report.templates is not None:  # --templates-only: no unit was looked at
        _say(report.templates.sentence())
        if report.templates.action in ("copied", "already-current"):
            click.echo("next: `copier update -a .patforge/answers/<pattern>/<kind>.yml` by hand (docs/templates.md), "
                       "or `patforge update` for every rendered file")
        return
    _say(f"units updated: {len(report.updated)}, already current: {len(report.skipped)}")
    verb = "would change" if report.dry_run else "changed (uncommitted, review with git diff)"
    _say(f"files {verb}: {len(report.changes)}")
    for rel in report.changes:
        _say(f"  {rel}")
    if report.conflicts:
        click.echo(click.style(f"CONFLICTS in {len(report.conflicts)} file(s): resolve the markers, then commit",
                               fg="red"), err=True)
        for rel in report.conflicts:
            _say(f"  {rel}", err=True)
    elif not report.changes:
        click.echo("nothing to update")


def print_rerun(record, *, err: bool = False) -> None:
    """``render --failed``: which units are re-run (``err``: to stderr, as under --json)."""
    click.echo(f"re-running {len(record.units)} failed unit(s): "
               + ", ".join(f"{n} {k}" for _ph, k, n in record.units[:10])
               + (" ..." if len(record.units) > 10 else ""), err=err)


def print_render_run(run, *, verbose: bool = False, as_json: bool = False) -> None:
    """A ``RenderRun`` (commands/render_run.py): the report, the branch, or why nothing ran."""
    if run.report is None:
        extra = (f"; it had {run.rerun.other_errors} error(s) no unit owns: run patforge render to see them"
                 if run.rerun.other_errors else "")
        click.echo(f"nothing to re-run: the last render left no failed unit{extra}")
        return
    if as_json:
        data = run.report.to_dict()
        if run.branch is not None:
            b = run.branch
            data["branch"] = {"name": b.branch, "started_from": b.started_from, "base": b.base,
                              "commit": b.commit, "notes": b.notes}
        echo_json(data)
        return
    print_render_report(run.report, verbose=verbose)
    if run.branch is not None:
        print_branch_result(run.branch)


def print_new_report(report, *, dry_run: bool = False) -> None:
    """``patforge new``: the files written (or, --dry-run, their diffs), the ids, the render."""
    for change in report.changes:
        click.echo(change.diff() if dry_run else f"wrote {change.path}")
    click.echo(f"pattern {report.name}: pattern_id {report.pattern_id}, doc_id {report.doc_id}")
    if report.render:
        print_render_report(report.render)


def print_doctor_report(report, *, quiet: bool = False) -> None:
    """``patforge doctor``: one line per check, then the repairs (``quiet``: only the
    warnings and failures, on stderr)."""
    marks = {"ok": click.style("ok  ", fg="green"), "warn": click.style("warn", fg="yellow"),
             "fail": click.style("FAIL", fg="red")}
    for c in report.checks:
        if quiet and c.status == "ok":
            continue
        head, *listed = c.message.split("\n    ")  # a check may list items, one per line
        click.echo(f"[{marks[c.status]}] " + visible(f"{c.name}: {head}"), err=quiet)
        for item in listed:
            click.echo(f"    {visible(item)}", err=quiet)
        if c.hint:
            click.echo(visible(f"       what to do: {c.hint}"), err=quiet)
    if quiet:
        return
    for r in report.repairs:
        click.echo(r.diff())
    if report.applied:
        click.echo(f"repaired {len(report.repairs)} file(s)"
                   + (f", moved {len(report.moves)} spec(s) back" if report.moves else ""))


def print_diff_report(report, *, stat: bool = False) -> None:
    """``patforge diff``: the unified diffs (``stat``: counts per file), then the errors."""
    if stat:
        for line in stat_lines(report):
            click.echo(visible(line))
    else:
        for f in report.files:  # file content and names: control characters shown escaped
            click.echo("".join(visible(line) + "\n" for line in f.text.splitlines()), nl=False)
    for e in report.errors:
        click.echo(click.style("error: ", fg="red") + visible(e), err=True)


def stat_lines(report) -> list[str]:
    width = max((len(f.path) for f in report.files), default=0)
    out = [f" {f.path:<{width}} | +{f.added} -{f.removed}{' (deleted)' if f.deleted else ''}" for f in report.files]
    out.append(f" {len(report.files)} file(s) differ from their template render in {report.units} managed unit(s), "
               f"+{sum(f.added for f in report.files)} -{sum(f.removed for f in report.files)}")
    return out


def status_lines(report, *, verbose: bool = False) -> list[str]:
    """The text report: a table per kind × state, then one line per unit that lags
    (every unit with ``verbose``). ``report``: commands/status.py's ``StatusReport``."""
    # why: start-up time: loaded only when status_lines() runs, not when the module is imported
    from patforge.rendering.unitstate import STATES

    counts = report.counts()
    present = [s for s in STATES if any(c.get(s) for c in counts.values())] or ["current"]
    out = [table([[k, *[c.get(s, 0) or "" for s in present]] for k, c in counts.items()], ["kind", *present])
           if counts else "no units: the registry has no usable pattern"]
    if report.template:
        out.append(visible(f"templates: {report.template}, newest {report.newest}"))
    shown = report.units if verbose else report.lagging
    width = max((len(visible(u.pattern)) for u in shown), default=0)
    for u in shown:  # names and details come from the repository: shown escaped, one line each
        out.append(visible(f"{u.state.state:<12} {u.kind:<9} {visible(u.pattern):<{width}}  {u.state.detail}"
                           ).rstrip())
    hand = sum(u.state.state == "hand-written" for u in report.units)
    if hand and not verbose:
        out.append(f"({hand} hand-written unit(s) not listed; -v lists every unit)")
    lag = len(report.lagging)
    out.append(f"{lag} of {len(report.units)} unit(s) lag" if lag else
               f"all {len(report.units)} unit(s) current or hand-written")
    return out


def print_status_report(report, *, verbose: bool = False) -> None:
    """``patforge status``: its diagnostics, then ``status_lines``."""
    print_diagnostics(report.diagnostics)
    for line in status_lines(report, verbose=verbose):
        click.echo(line)  # values escaped in status_lines


def print_example(result, kind: str, wanted: dict[str, str | None], *, quiet: bool = False) -> None:
    """``patforge example``: the instance on stdout; which ids the schema does not accept on stderr."""
    # why: start-up time: loaded only when print_example() runs, not when the module is imported
    from patforge.examplegen.instances import instance_to_text

    click.echo(instance_to_text(result.instances[f"instance_{kind}"]), nl=False)
    for note in () if quiet else result.notes:
        click.echo(f"note: {note}", err=True)
    for key in () if quiet else result.sidecar_ids:
        click.echo(f"note: the schema does not accept {key} {wanted[key]} at the top level; "
                   "link the example to it through a sidecar", err=True)


def print_branch_result(result) -> None:
    """What ``render --branch`` did with git (gitflow.BranchResult)."""
    _say(f"branch: created {result.branch} from {result.started_from} ({result.base[:12]}); "
               f"{result.started_from} is unchanged; you are on {result.branch}")
    if result.commit:
        _say(f"committed {result.commit[:12]} on {result.branch} (go back: git switch {result.started_from})")
    for note in result.notes:
        _say(note, err=result.report.failed)


def print_rollback_report(report, *, verbose: bool = False) -> None:
    """What ``rollback`` restored (rollback.RollbackReport)."""
    verb = "would restore" if report.dry_run else "restored"
    gone = "would delete" if report.dry_run else "deleted"
    when = f" at {report.at}" if report.at else ""
    if getattr(report, "resumed", False):
        _say("completed a rollback that was interrupted after it had started writing")
    if report.noop_after is not None:
        later, at = report.noop_after
        _say(f"note: the last run, {later}{f' at {at}' if at else ''}, wrote nothing, so there is nothing of "
             f"it to undo; this rolls back the run before it that wrote files: {report.command}{when}")
    _say(f"rollback of the last {report.command}: {verb} {len(report.restored)} changed file(s), "
         f"{gone} {len(report.deleted)} file(s) it created"
         + (f"; {len(report.already)} already as before" if report.already else "")
         + (f"; removed {len(report.removed_dirs)} empty folder(s) it created"
            if getattr(report, "removed_dirs", None) else "")
         + (f" (the {report.command} started{when})" if when else ""))
    if verbose:
        for rel in report.restored:
            _say(f"  {'restore ' if report.dry_run else 'restored'}  {rel}")
        for rel in report.deleted:
            _say(f"  {'delete  ' if report.dry_run else 'deleted '}  {rel}")
        for rel in report.already:
            _say(f"  unchanged {rel}")
