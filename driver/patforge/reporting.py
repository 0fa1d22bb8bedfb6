"""Human-readable render/update reports."""

from __future__ import annotations

import click

from patforge.output import print_diagnostics, table
from patforge.render_report import PHASE_TITLES, STATUSES, RenderReport


def print_render_report(report: RenderReport, *, verbose: bool = False) -> None:
    if report.dry_run:
        for change in report.changes:
            click.echo(change.diff() if not change.path.endswith(".bundle") else
                       f"--- binary: {change.path} ({'new' if change.is_new else 'changed'})")
    print_diagnostics(report.diagnostics)
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
    elif n == 0:
        click.echo("nothing to do: every artifact is present and up to date; nothing written")
    else:
        click.echo(f"wrote {n} file(s)")
    errors = len(report.diagnostics.errors)
    failed = sum(o.status == "failed" for o in report.outcomes)
    if report.failed:
        click.echo(click.style(f"FAILED: {failed} unit(s) failed, {errors} error(s)", fg="red"), err=True)


def print_update_report(report) -> None:
    print_diagnostics(report.diagnostics)
    if report.dry_run and report.diff:
        click.echo(report.diff)
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
