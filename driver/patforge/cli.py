"""The command line: thin Click commands over the core functions.

Errors are ``PatforgeError`` subclasses; ``main`` turns them into a message, the
diagnostics that explain them, and the exit code, in one place.
"""

from __future__ import annotations

import sys
from pathlib import Path
from functools import partial

import click

from patforge import __version__
from patforge.errors import PatforgeError
from patforge import completion
from patforge.reports.escaping import ENCODE_ERRORS, visible
from patforge.exitcodes import epilog
from patforge.reports.console import color_wanted, echo_json, output_options, print_diagnostics, repo_option


class _Progress:
    """A progress line on a terminal; silent when output is piped (CI logs)."""

    def __init__(self, enabled: bool) -> None:
        ctx = click.get_current_context(silent=True)
        quiet = bool(ctx and ctx.meta.get("patforge.quiet"))
        self.enabled = enabled and not quiet and sys.stderr.isatty()

    def __call__(self, label: str, done: int, total: int) -> None:
        if self.enabled:
            width = 30
            fill = int(width * done / max(total, 1))
            click.echo(f"\r  {label:<28} [{'#' * fill}{'.' * (width - fill)}] {done}/{total}",
                       err=True, nl=done >= total)


class KindsOption(click.Option):
    """``--kind``: its help lists the kinds, read only when the help is shown (importing
    the kinds is most of a replayed no-op render's cost)."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        # why: start-up time: loaded only when --help shows the option, not when the module is imported
        from patforge.kinds import names

        self.help = f"Only these artifact kinds: {', '.join(names())}."
        return super().get_help_record(ctx)


class LazyGroup(click.Group):
    """A group whose commands defined in their own modules are imported only when run,
    listed in help, or read through ``commands`` (Click's documented lazy-loading
    pattern): ``check`` brings the whole rule table, which a no-op render never needs."""

    #: command name -> "module:attribute"
    lazy = {"check": "patforge.check.command:check_command"}

    @property
    def commands(self) -> dict[str, click.Command]:  # type: ignore[override]
        """Every command, the lazy ones loaded (what code outside Click reads)."""
        for name in self.lazy:
            self._load(name)
        return self._own

    @commands.setter
    def commands(self, value: dict[str, click.Command]) -> None:  # Click's __init__ sets it
        self._own = value

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        name = name or cmd.name
        if name is None:
            raise TypeError("Command has no name.")
        self._own[name] = cmd

    def _load(self, name: str) -> click.Command:
        if name not in self._own:
            # why: start-up time: loaded only when this command runs or is listed, not when the module is imported
            import importlib

            module, _, attr = self.lazy[name].partition(":")
            self._own[name] = getattr(importlib.import_module(module), attr)
        return self._own[name]

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self._own, *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._load(cmd_name) if cmd_name in self.lazy else self._own.get(cmd_name)


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    # why: start-up time: loaded only when _print_version() runs, not when the module is imported
    from patforge.rendering.template_source import shipped_template_version

    click.echo(f"patforge, version {__version__}")
    click.echo(f"templates, version {shipped_template_version()} (shipped; `patforge render` copies them "
               "into the repository as .patforge/templates.bundle)")
    ctx.exit()


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show patforge's version and the template version it ships, and exit.")
def cli() -> None:
    """Keep a repository of automation patterns complete and consistent.

    \b
    Typical flow:
      patforge init          # start a repository: registry, patforge.toml, CI, hooks
      patforge render        # phases 1-4: doc_ids, suites, repo-level files
      patforge check         # PAT-CHECK-001 compliance, for people and CI
      patforge status        # what lags (exit 1), changing nothing
      patforge diff          # hand edits in managed files
      patforge update        # bring template changes in, keeping hand edits
      patforge new NAME -c C # scaffold one new pattern
      patforge rollback      # undo the last render/update/new/init
      patforge docs registry # a reference page (patforge docs: the list)

    Every command: --repo PATH, -q/--quiet, --no-color (NO_COLOR is honoured),
    -h/--help (with its exit codes). Shell completion: docs/cli.md (patforge docs cli).
    """


@cli.command(epilog=epilog("init"))
@repo_option
@click.option("--dry-run", is_flag=True, help="List what would be added; write nothing.")
@output_options
def init(repo, dry_run):
    """Start a pattern repository: patterns/ skeleton, empty registry, patforge.toml,
    pre-commit hook, GitHub Actions workflow, .gitattributes.

    Never overwrites a file: on a repository that has some of them (a registry, say),
    only the missing ones are added, and each kept one is named.
    """
    # why: start-up time: loaded only when this function runs, not when the module is imported
    from patforge.commands.init import init_repository, report_lines

    for line in report_lines(init_repository(repo, dry_run=dry_run)):
        click.echo(line)
    sys.exit(0)


@cli.command(epilog=epilog("render"))
@repo_option
@click.option("--phase", "phases", type=click.IntRange(1, 4), multiple=True,
              help="Run only these phases (repeatable): 1 ids, 2 core, 3 migrated, 4 repository. Default: all.")
@click.option("--phase1-only", is_flag=True, help="Same as --phase 1 (the plan's -Phase1Only).")
@click.option("--only", "only", multiple=True, metavar="NAME", help="Only these patterns (repeatable).",
              shell_complete=completion.registry_names)
@click.option("--kind", "kinds", multiple=True, metavar="KIND", shell_complete=completion.kinds,
              cls=KindsOption)
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
@click.option("--failed", "only_failed", is_flag=True,
              help="Re-run only the units that failed in the last render (the plan's 'Re-run Failed Phase').")
@click.option("--branch", metavar="NAME", help="The plan's git workflow (opt-in): refuse a dirty tree, create "
              "branch NAME from HEAD, switch to it and render there. Your branch gets no change; you stay on NAME.")
@click.option("--commit", "make_commit", is_flag=True,
              help="With --branch: commit the render on NAME as one commit (not when a unit failed).")
@click.option("--message", metavar="MSG", help="With --commit: the commit message (default: "
              "'feat: auto-generate pattern framework files'; the body counts files per kind).")
@output_options
def render(repo, phases, phase1_only, only, kinds, template, vcs_ref, jobs, batch_size, dry_run,
           all_or_nothing, verbose, as_json, only_failed, branch, make_commit, message):
    """Generate every missing artifact (the plan's phases 1-4)."""

    # why: start-up time: loaded only when render() runs, not when the module is imported
    from patforge.commands.render_run import run_render
    from patforge.rendering.options import RenderOptions
    from patforge.rendering.report import PHASES
    from patforge.reports.render_text import print_render_run, print_rerun

    opts = RenderOptions(phases=(1,) if phase1_only else tuple(phases) or PHASES, only=tuple(only),
                         kinds=tuple(kinds), template=template, vcs_ref=vcs_ref, jobs=jobs,
                         batch_size=batch_size, dry_run=dry_run, all_or_nothing=all_or_nothing,
                         progress=None if as_json else _Progress(True))
    run = run_render(repo, opts, only_failed=only_failed, branch=branch, commit=make_commit, message=message,
                     announce=partial(print_rerun, err=as_json))
    print_render_run(run, verbose=verbose, as_json=as_json)
    sys.exit(run.exit_code)


@cli.command(epilog=epilog("update"))
@repo_option
@click.option("--template", metavar="SRC", help="Template collection (git path or URL); default: shipped.")
@click.option("--to", "to", metavar="REF", help="Template version to update to; default: the newest tag.")
@click.option("--registry", is_flag=True,
              help="Also update units whose registry or spec data changed since they were rendered.")
@click.option("--conflict", type=click.Choice(["inline", "rej"]), default="inline", show_default=True,
              help="How Copier reports overlapping edits: inline markers or .rej files.")
@click.option("--only", "only", multiple=True, metavar="NAME", help="Only these patterns (repeatable).",
              shell_complete=completion.registry_names)
@click.option("--kind", "kinds", multiple=True, metavar="KIND", shell_complete=completion.kinds,
              cls=KindsOption)
@click.option("--dry-run", is_flag=True, help="Show the diff the update would make; change nothing.")
@click.option("--templates-only", is_flag=True,
              help="Only copy this patforge's template versions into .patforge/templates.bundle (before a "
                   "by-hand `copier update -a`); works on a dirty tree.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@output_options
def update(repo, template, to, registry, conflict, only, kinds, dry_run, templates_only, as_json):
    """Bring template changes into every rendered file with Copier's 3-way update.

    Hand edits are kept; overlapping edits are reported as conflicts (exit 1). The
    result is left as uncommitted changes for you to review; nothing is committed.
    """
    # why: start-up time: loaded only when update() runs, not when the module is imported
    from patforge.reports.render_text import print_update_report
    from patforge.commands.update import UpdateOptions, update as run_update

    report = run_update(repo, UpdateOptions(template=template, to=to, registry=registry,
                                            conflict=conflict, only=tuple(only), kinds=tuple(kinds),
                                            dry_run=dry_run, templates_only=templates_only))
    if as_json:
        echo_json(report.to_dict())
    else:
        print_update_report(report)
    sys.exit(report.exit_code)


@cli.command(epilog=epilog("rollback"))
@repo_option
@click.option("--dry-run", is_flag=True, help="List what would be restored; change nothing.")
@click.option("--verbose", "-v", is_flag=True, help="List every file, not only the counts.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@output_options
def rollback(repo, dry_run, verbose, as_json):
    """Undo the last render, update, new, init or check --fix: restore exactly the files it
    wrote or changed (the plan's "Restore from Backup").

    Refuses, changing nothing, if any of those files changed since (they are listed).
    """
    # why: start-up time: loaded only when rollback() runs, not when the module is imported
    from patforge.reports.render_text import print_rollback_report
    from patforge.transaction.rollback import rollback as run_rollback

    report = run_rollback(repo, dry_run=dry_run)
    if as_json:
        echo_json(report.to_dict())
    else:
        print_rollback_report(report, verbose=verbose)
    sys.exit(report.exit_code)


@cli.command(epilog=epilog("new"))
@click.argument("name")
@click.option("--category", "-c", required=True, help="The pattern's category (free text, one line).")
@click.option("--executor", type=click.Choice(["ps1", "py"]), default="ps1", show_default=True,
              help="Executor language: PowerShell or Python.")
@repo_option
@click.option("--root", metavar="DIR", help="Pattern root to put it under (default: the first root).")
@click.option("--template", metavar="SRC", help="Template collection (git path or URL); default: shipped.")
@click.option("--dry-run", is_flag=True, help="Show the registry entry and spec; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@output_options
def new(name, category, executor, repo, root, template, dry_run, as_json):
    """Scaffold one new pattern: registry entry, spec skeleton and its whole suite."""
    # why: start-up time: loaded only when new() runs, not when the module is imported
    from patforge.commands.new import create_pattern
    from patforge.reports.render_text import print_new_report

    report = create_pattern(repo, name, category, executor, root=root, template=template, dry_run=dry_run)
    if as_json:
        echo_json(report.to_dict())
    else:
        print_new_report(report, dry_run=dry_run)
    sys.exit(report.exit_code)


@cli.command(epilog=epilog("doctor"))
@repo_option
@click.option("--fix", is_flag=True, help="Apply the repairs shown (Windows paths in double-quoted YAML, specs moved back with git mv, "
                   "spec_path repointed).")
@click.option("--template", metavar="SRC", help="Template collection to check (default: as render uses).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@output_options(own_quiet=True)  # -q: warnings and failures move to stderr, the rest is not printed
def doctor(repo, fix, template, as_json, quiet):
    """Check the environment, the repository and its YAML, and offer repairs.

    Prints every check (ok, warn, FAIL); with -q only the warnings and failures, on stderr.
    """
    # why: start-up time: loaded only when doctor() runs, not when the module is imported
    from patforge.commands.doctor import run_doctor
    from patforge.reports.render_text import print_doctor_report

    report = run_doctor(repo, fix=fix, template=template)
    if as_json:
        echo_json(report.to_dict())
    else:
        print_doctor_report(report, quiet=quiet)
    sys.exit(report.exit_code)


@cli.command(epilog=epilog("status"))
@repo_option
@click.option("--only", "only", multiple=True, metavar="NAME", help="Only these patterns (repeatable).",
              shell_complete=completion.registry_names)
@click.option("--kind", "kinds", multiple=True, metavar="KIND", shell_complete=completion.kinds,
              cls=KindsOption)
@click.option("--template", metavar="SRC", help="Template collection to compare with (default: as render uses).")
@click.option("--verbose", "-v", is_flag=True, help="List every unit, not only those that lag.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON (docs/status-report.schema.json).")
@output_options
def status(repo, only, kinds, template, verbose, as_json):
    """Show what lags the templates, the registry or the specs, changing nothing.

    \b
    One state per unit (pattern x kind): current, outdated, stale, missing,
    modified, hand-written, blocked. Exit 0 when every unit is current or
    hand-written, 1 when anything lags (for CI), 2 when it cannot run.
    Read-only: no lock, works on a dirty tree.
    """
    # why: start-up time: loaded only when status() runs, not when the module is imported
    from patforge.commands.status import StatusOptions, collect_status
    from patforge.reports.render_text import print_status_report

    report = collect_status(repo, StatusOptions(only=tuple(only), kinds=tuple(kinds), template=template))
    if as_json:
        echo_json(report.to_dict())
    else:
        print_status_report(report, verbose=verbose)
    sys.exit(report.exit_code)


@cli.command(epilog=epilog("diff"))
@click.argument("names", nargs=-1, metavar="[NAME]...", shell_complete=completion.managed_names)
@repo_option
@click.option("--kind", "kinds", multiple=True, metavar="KIND", shell_complete=completion.kinds,
              help="Only these artifact kinds.")
@click.option("--template", metavar="SRC", help="Template collection to render the recorded versions from "
              "(default: the source each answers file records).")
@click.option("--stat", "stat", is_flag=True, help="Counts per file only.")
@output_options(own_quiet=True)  # the diff is the output asked for: -q keeps it
def diff(names, repo, kinds, template, stat, quiet):
    """Show hand edits: managed files against what their recorded template version renders.

    Each managed unit is rendered with Copier at the version it recorded, into a
    temporary folder; the unified diff goes from that render (a/) to the file on
    disk (b/). Nothing is written. Exit 0, or 2 when a render fails.
    """
    # why: start-up time: loaded only when diff() runs, not when the module is imported
    from patforge.commands.diff import unit_diffs
    from patforge.reports.render_text import print_diff_report

    report = unit_diffs(repo, tuple(names), tuple(kinds), template=template)
    print_diff_report(report, stat=stat)
    sys.exit(report.exit_code)


@cli.command(epilog=epilog("demo"))
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path),
                default=Path("patforge-demo"))
@click.option("--force", is_flag=True, help="Replace DIRECTORY if it exists.")
@click.option("--copy-only", is_flag=True,
              help="Only copy and commit the starting point (24 patterns, no doc_ids); render nothing. "
                   "For trying each phase by hand, as in the README's tour.")
@output_options
def demo(directory, force, copy_only):
    """Copy the bundled example registry into DIRECTORY, make it a git repository, and run
    the whole pipeline on it, printing what each step did."""
    # why: start-up time: loaded only when demo() runs, not when the module is imported
    from patforge.commands.demo import run_demo

    sys.exit(run_demo(directory, force=force, copy_only=copy_only))


@cli.command(epilog=epilog("docs"))
@click.argument("page", required=False, metavar="[PAGE]")
@click.option("--path", "show_path", is_flag=True, help="Print the page's file path instead of its text.")
@output_options(own_quiet=True)  # the page is the output asked for
def docs(page, show_path, quiet):
    """Print a reference page (e.g. `patforge docs registry`), or list them.

    Every documentation page a message or a scaffolded file names (such as
    docs/registry.md) is one of these: they ship inside patforge, so they match the
    installed version and need no network.
    """
    # why: start-up time: loaded only when this function runs, not when the module is imported
    from patforge.commands.docs import docs_dir, page_path, pages

    if page is None:
        if not quiet:
            click.echo(f"reference pages in {docs_dir()} (patforge docs PAGE prints one):")
        for name in pages():
            click.echo(f"  {name}")
        return
    path = page_path(page)
    click.echo(str(path) if show_path else path.read_text(encoding="utf-8"), nl=show_path)


@cli.command(epilog=epilog("example"))
@click.argument("schema", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--kind", type=click.Choice(["minimal", "full", "test"]), default="minimal",
              show_default=True, help="minimal: only what is required; full: every field; "
              "test: every field, values differing from the other two.")
@click.option("--doc-id", metavar="ID", help="Embed this doc_id where the schema allows it.")
@click.option("--pattern-id", metavar="ID", help="Embed this pattern_id where the schema allows it.")
@output_options(own_quiet=True)  # the instance is the machine output: -q drops only the notes
def example(schema, kind, doc_id, pattern_id, quiet):
    """Print one instance of SCHEMA (draft-07 JSON) that validates against it."""

    # why: start-up time: loaded only when example() runs, not when the module is imported
    from patforge.examplegen.schema_input import example_from_file
    from patforge.reports.render_text import print_example

    result = example_from_file(schema, kind, doc_id=doc_id, pattern_id=pattern_id)
    print_example(result, kind, {"doc_id": doc_id, "pattern_id": pattern_id}, quiet=quiet)



def _never_unencodable() -> None:
    """A value no encoding can write (a lone surrogate from a repository's JSON) is
    written as ``\\udXXXX`` (escaping.ENCODE_ERRORS), never a UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors=ENCODE_ERRORS)  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            pass  # not a text stream we can reconfigure; every report escapes its values anyway


def run(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code (``main`` exits with it)."""
    _never_unencodable()
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
        # The command's context is gone here: decide colour again (--no-color, NO_COLOR, tty).
        color = color_wanted("--no-color" in (argv if argv is not None else sys.argv[1:]))
        if exc.diagnostics:
            print_diagnostics(exc.diagnostics, color=color)
        # Values in messages come from the repository: shown escaped, one line each
        # (escaping.visible); the lines a message lists are its own.
        head, *listed = exc.message.split("\n    ") if exc.listing else [exc.message]
        click.echo(click.style("error: ", fg="red", bold=True) + visible(head), err=True, color=color)
        for item in listed:
            click.echo(f"    {visible(item)}", err=True)
        if exc.hint:
            click.echo(f"  what to do: {visible(exc.hint)}", err=True)
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        return 130
    return 0


def main(argv: list[str] | None = None) -> None:
    sys.exit(run(argv))
