"""The command line: thin Click commands over the core functions.

Errors are ``PatforgeError`` subclasses; ``main`` turns them into a message, the
diagnostics that explain them, and the exit code, in one place.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from patforge import __version__
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
              help="Only these artifact kinds: sidecar, schema, examples, executor, tests, repo.")
@click.option("--template", metavar="SRC", help="Template collection: a git repository path or URL "
              "(default: the templates shipped with patforge).")
@click.option("--vcs-ref", metavar="REF", help="Template version (tag) to render; default: the newest tag.")
@click.option("--jobs", type=click.IntRange(0, 64), default=0, help="Parallel Copier processes (0: auto).")
@click.option("--batch-size", type=click.IntRange(0, 100000), default=0,
              help="Patterns per Copier run (0: from patforge.toml, default 100).")
@click.option("--dry-run", is_flag=True, help="Print the diff of every change; write nothing.")
@click.option("--verbose", "-v", is_flag=True, help="List every unit, not only the summary.")
@click.option("--json", "as_json", is_flag=True, help="Print the report (incl. the doc_id mapping) as JSON.")
def render(repo, phases, phase1_only, only, kinds, template, vcs_ref, jobs, batch_size, dry_run,
           verbose, as_json):
    """Generate every missing artifact (the plan's phases 1-4)."""
    from patforge.render import RenderOptions, render as run_render
    from patforge.reporting import print_render_report

    if phase1_only:
        phases = (1,)
    opts = RenderOptions(phases=tuple(phases) or (1, 2, 3, 4), only=tuple(only), kinds=tuple(kinds),
                         template=template, vcs_ref=vcs_ref, jobs=jobs, batch_size=batch_size,
                         dry_run=dry_run, progress=None if as_json else _Progress(True))
    report = run_render(repo, opts)
    if as_json:
        echo_json(report.to_dict())
    else:
        print_render_report(report, verbose=verbose)
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


def main(argv: list[str] | None = None) -> None:
    try:
        cli.main(args=argv, prog_name="patforge", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except PatforgeError as exc:
        if exc.diagnostics:
            print_diagnostics(exc.diagnostics)
        click.echo(click.style("error: ", fg="red", bold=True) + exc.message, err=True)
        if exc.hint:
            click.echo(f"  what to do: {exc.hint}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    sys.exit(0)
