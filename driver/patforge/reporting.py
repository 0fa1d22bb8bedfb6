"""Human-readable render/update reports."""

from __future__ import annotations

import click

from patforge.diffview import change_stats, colorize, diff_stats, stat_block
from patforge.output import print_diagnostics, table
from patforge.render_report import PHASE_TITLES, STATUSES, RenderReport


def print_render_report(report: RenderReport, *, verbose: bool = False) -> None:
    if report.dry_run and report.changes:
        print_dry_run_diff(report.changes)
    print_diagnostics(report.diagnostics)
    for note in report.notes:
        click.echo(f"note: {note}")
    if verbose:
        for o in report.outcomes:
            msg = f" - {o.message}" if o.message else ""
            click.echo(f"  [{o.status:<12}] phase {o.phase} {o.kind:<9} {o.pattern}{msg}")
    rows = []
    for (phase, kind), counts in report.counts().items():
        rows.append([f"{phase} {PHASE_TITLES[phase]}", kind, *[counts.get(s, 0) or "" for s in STATUSES]])
    if rows:
        click.echo(table(rows, ["phase", "kind", *STATUSES]))
    if report.template:
        click.echo(f"templates: {report.template.record} @ {report.template.ref}")
    outdated = [o for o in report.outcomes if o.status == "outdated"]
    if outdated and not verbose:
        hints = sorted({o.message.split(": run ", 1)[-1] for o in outdated})
        click.echo(f"{len(outdated)} unit(s) outdated (left as they are): run {' / '.join(hints)}")
    n = len(report.changes)
    if report.dry_run:
        click.echo(f"dry run: {n} file(s) would change; nothing written")
    elif n == 0 and outdated:
        click.echo("nothing written (outdated units are left for `patforge update`)")
    elif n == 0:
        click.echo("nothing to do: every artifact is present and up to date; nothing written")
    else:
        click.echo(f"wrote {n} file(s)")
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
    click.echo(f"template version: {report.target}")
    click.echo(f"units updated: {len(report.updated)}, already current: {len(report.skipped)}")
    verb = "would change" if report.dry_run else "changed (uncommitted, review with git diff)"
    click.echo(f"files {verb}: {len(report.changes)}")
    for rel in report.changes:
        click.echo(f"  {rel}")
    if report.conflicts:
        click.echo(click.style(f"CONFLICTS in {len(report.conflicts)} file(s): resolve the markers, then commit",
                               fg="red"), err=True)
        for rel in report.conflicts:
            click.echo(f"  {rel}", err=True)
    elif not report.changes:
        click.echo("nothing to update")


def print_branch_result(result) -> None:
    """What ``render --branch`` did with git (gitflow.BranchResult)."""
    click.echo(f"branch: created {result.branch} from {result.started_from} ({result.base[:12]}); "
               f"{result.started_from} is unchanged; you are on {result.branch}")
    if result.commit:
        click.echo(f"committed {result.commit[:12]} on {result.branch} (go back: git switch {result.started_from})")
    for note in result.notes:
        click.echo(note, err=result.report.failed)


def print_rollback_report(report, *, verbose: bool = False) -> None:
    """What ``rollback`` restored (rollback.RollbackReport)."""
    verb = "would restore" if report.dry_run else "restored"
    gone = "would delete" if report.dry_run else "deleted"
    if getattr(report, "resumed", False):
        click.echo("completed a rollback that was interrupted after it had started writing")
    click.echo(f"rollback of the last {report.command}: {verb} {len(report.restored)} changed file(s), "
               f"{gone} {len(report.deleted)} file(s) it created"
               + (f"; {len(report.already)} already as before" if report.already else "")
               + (f"; removed {len(report.removed_dirs)} empty folder(s) it created"
                  if getattr(report, "removed_dirs", None) else ""))
    if verbose:
        for rel in report.restored:
            click.echo(f"  {'restore ' if report.dry_run else 'restored'}  {rel}")
        for rel in report.deleted:
            click.echo(f"  {'delete  ' if report.dry_run else 'deleted '}  {rel}")
        for rel in report.already:
            click.echo(f"  unchanged {rel}")
