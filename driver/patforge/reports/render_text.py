"""Human-readable render/update reports."""

from __future__ import annotations

import click

from patforge.reports.diffview import change_stats, colorize, diff_stats, stat_block
from patforge.reports.escaping import visible
from patforge.reports.console import print_diagnostics, table
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
