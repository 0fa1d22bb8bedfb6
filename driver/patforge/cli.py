"""The command line: thin Click commands over the core functions.

Errors are ``PatforgeError`` subclasses; ``main`` turns them into a message, the
diagnostics that explain them, and the exit code, in one place.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from patforge import __version__
from patforge.kinds import names as kind_names
from patforge.errors import PatforgeError
from patforge.output import echo_json, print_diagnostics, table


def _repo_option(f):
    return click.option("--repo", "repo", type=click.Path(file_okay=False, path_type=Path),
                        default=Path("."), show_default=True,
                        help="The pattern repository (the folder that holds patterns/).")(f)


class _Progress:
    """A progress line on a terminal; silent when output is piped (CI logs)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()

    def __call__(self, label: str, done: int, total: int) -> None:
        if self.enabled:
            width = 30
            fill = int(width * done / max(total, 1))
            click.echo(f"\r  {label:<28} [{'#' * fill}{'.' * (width - fill)}] {done}/{total}",
                       err=True, nl=done >= total)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="patforge")
def cli() -> None:
    """Keep a repository of automation patterns complete and consistent.

    \b
    Typical flow:
      patforge render        # phases 1-4: doc_ids, suites, repo-level files
      patforge check         # PAT-CHECK-001 compliance, for people and CI
      patforge update        # bring template changes in, keeping hand edits
      patforge new NAME -c C # scaffold one new pattern
    """


@cli.command()
@_repo_option
@click.option("--phase", "phases", type=click.IntRange(1, 4), multiple=True,
              help="Run only these phases (repeatable): 1 ids, 2 core, 3 migrated, 4 repository. Default: all.")
@click.option("--phase1-only", is_flag=True, help="Same as --phase 1 (the plan's -Phase1Only).")
@click.option("--only", "only", multiple=True, metavar="NAME", help="Only these patterns (repeatable).")
@click.option("--kind", "kinds", multiple=True, metavar="KIND",
              help=f"Only these artifact kinds: {', '.join(kind_names())}.")
@click.option("--template", metavar="SRC", help="Template collection: a git repository path or URL "
              "(default: the templates shipped with patforge).")
@click.option("--vcs-ref", metavar="REF", help="Template version (tag) to render; default: the newest tag.")
@click.option("--jobs", type=click.IntRange(0, 64), default=0, help="Parallel Copier processes (0: auto).")
@click.option("--batch-size", type=click.IntRange(0, 100000), default=0,
              help="Patterns per Copier run (0: from patforge.toml, default 100).")
@click.option("--dry-run", is_flag=True, help="Print the diff of every change; write nothing.")
@click.option("--all-or-nothing", is_flag=True,
              help="Make the whole run one transaction: if any unit fails, write nothing at all.")
@click.option("--verbose", "-v", is_flag=True, help="List every unit, not only the summary.")
@click.option("--json", "as_json", is_flag=True, help="Print the report (incl. the doc_id mapping) as JSON.")
def render(repo, phases, phase1_only, only, kinds, template, vcs_ref, jobs, batch_size, dry_run,
           all_or_nothing, verbose, as_json):
    """Generate every missing artifact (the plan's phases 1-4)."""
    from patforge.render import RenderOptions, render as run_render
    from patforge.reporting import print_render_report

    if phase1_only:
        phases = (1,)
    opts = RenderOptions(phases=tuple(phases) or (1, 2, 3, 4), only=tuple(only), kinds=tuple(kinds),
                         template=template, vcs_ref=vcs_ref, jobs=jobs, batch_size=batch_size,
                         dry_run=dry_run, all_or_nothing=all_or_nothing,
                         progress=None if as_json else _Progress(True))
    report = run_render(repo, opts)
    if as_json:
        echo_json(report.to_dict())
    else:
        print_render_report(report, verbose=verbose)
    sys.exit(1 if report.failed else 0)


@cli.command()
@_repo_option
@click.option("--template", metavar="SRC", help="Template collection (git path or URL); default: shipped.")
@click.option("--to", "to", metavar="REF", help="Template version to update to; default: the newest tag.")
@click.option("--registry", is_flag=True,
              help="Also update units whose registry or spec data changed since they were rendered.")
@click.option("--conflict", type=click.Choice(["inline", "rej"]), default="inline", show_default=True,
              help="How Copier reports overlapping edits: inline markers or .rej files.")
@click.option("--only", "only", multiple=True, metavar="NAME", help="Only these patterns (repeatable).")
@click.option("--kind", "kinds", multiple=True, metavar="KIND",
              help=f"Only these artifact kinds: {', '.join(kind_names())}.")
@click.option("--dry-run", is_flag=True, help="Show the diff the update would make; change nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def update(repo, template, to, registry, conflict, only, kinds, dry_run, as_json):
    """Bring template changes into every rendered file with Copier's 3-way update.

    Hand edits are kept; overlapping edits are reported as conflicts (exit 1). The
    result is left as uncommitted changes for you to review; nothing is committed.
    """
    from patforge.reporting import print_update_report
    from patforge.update import UpdateOptions, update as run_update

    report = run_update(repo, UpdateOptions(template=template, to=to, registry=registry,
                                            conflict=conflict, only=tuple(only), kinds=tuple(kinds),
                                            dry_run=dry_run))
    if as_json:
        echo_json(report.to_dict())
    else:
        print_update_report(report)
    sys.exit(1 if report.failed else 0)


@cli.command()
@click.argument("name")
@click.option("--category", "-c", required=True, help="The pattern's category (free text, one line).")
@click.option("--executor", type=click.Choice(["ps1", "py"]), default="ps1", show_default=True,
              help="Executor language: PowerShell or Python.")
@_repo_option
@click.option("--root", metavar="DIR", help="Pattern root to put it under (default: the first root).")
@click.option("--template", metavar="SRC", help="Template collection (git path or URL); default: shipped.")
@click.option("--dry-run", is_flag=True, help="Show the registry entry and spec; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def new(name, category, executor, repo, root, template, dry_run, as_json):
    """Scaffold one new pattern: registry entry, spec skeleton and its whole suite."""
    from patforge.new import create_pattern
    from patforge.reporting import print_render_report

    report = create_pattern(repo, name, category, executor, root=root, template=template, dry_run=dry_run)
    if as_json:
        echo_json({"name": report.name, "pattern_id": report.pattern_id, "doc_id": report.doc_id,
                   "changes": [c.path for c in report.changes],
                   "render": report.render.to_dict() if report.render else None})
    else:
        for change in report.changes:
            click.echo(change.diff() if dry_run else f"wrote {change.path}")
        click.echo(f"pattern {report.name}: pattern_id {report.pattern_id}, doc_id {report.doc_id}")
        if report.render:
            print_render_report(report.render)
    sys.exit(1 if report.failed else 0)


@cli.command()
@_repo_option
@click.option("--fix", is_flag=True, help="Apply the repairs shown (Windows paths in double-quoted YAML).")
@click.option("--template", metavar="SRC", help="Template collection to check (default: as render uses).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def doctor(repo, fix, template, as_json):
    """Check the environment, the repository and its YAML, and offer repairs."""
    from patforge.doctor import run_doctor

    report = run_doctor(repo, fix=fix, template=template)
    if as_json:
        echo_json(report.to_dict())
    else:
        marks = {"ok": click.style("ok  ", fg="green"), "warn": click.style("warn", fg="yellow"),
                 "fail": click.style("FAIL", fg="red")}
        for c in report.checks:
            click.echo(f"[{marks[c.status]}] {c.name}: {c.message}")
            if c.hint:
                click.echo(f"       what to do: {c.hint}")
        for r in report.repairs:
            click.echo(r.diff())
        if report.applied:
            click.echo(f"repaired {len(report.repairs)} file(s)")
    sys.exit(1 if report.failed else 0)


@cli.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path),
                default=Path("patforge-demo"))
@click.option("--force", is_flag=True, help="Replace DIRECTORY if it exists.")
def demo(directory, force):
    """Copy the bundled example registry into DIRECTORY, make it a git repository, and run
    the whole pipeline on it, printing what each step did."""
    from patforge.demo import run_demo

    sys.exit(run_demo(directory, force=force))


from patforge.check.command import check_command  # noqa: E402

cli.add_command(check_command)


def run(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code (``main`` exits with it)."""
    try:
        cli.main(args=argv, prog_name="patforge", standalone_mode=False)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except PatforgeError as exc:
        if exc.diagnostics:
            print_diagnostics(exc.diagnostics)
        click.echo(click.style("error: ", fg="red", bold=True) + exc.message, err=True)
        if exc.hint:
            click.echo(f"  what to do: {exc.hint}", err=True)
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        return 130
    return 0


def main(argv: list[str] | None = None) -> None:
    sys.exit(run(argv))
