"""The ``patforge check`` Click command (thin: options in, report out, exit code).

Register it with ``cli.add_command(check_command)``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from patforge.check.reporters import REPORTERS
from patforge.check.rules import RULES
from patforge import completion
from patforge.exitcodes import epilog
from patforge.reports.console import output_options


def _rule_list() -> str:
    return "\n".join(f"  {r.id:<23} {r.level:<6} {r.title}" for r in RULES)


@click.command("check", epilog=epilog("check") + "\n\n\b\nRules:\n" + _rule_list())
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--repo", "repo", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="The pattern repository (the folder that holds patterns/).")
@click.option("--format", "fmt", type=click.Choice(list(REPORTERS)), default="text",
              show_default=True, help="Report format (on stdout, or in --output). github: GitHub Actions "
              "annotations; html: one self-contained page (use with --output).")
@click.option("--output", "output", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write the report in --format to FILE (atomically: the audit-trail file of "
                   "PAT-CHECK-001-082); the terminal still gets the text summary.")
@click.option("--strict", is_flag=True, help="SHOULD rules fail too (exit 1 on warnings).")
@click.option("--blocking", "blocking", multiple=True, metavar="ID",
              help="This SHOULD rule fails like a MUST rule (repeatable; a full ID or a unique suffix), e.g. "
                   "--blocking RENDERED-STALE: --strict for the rules a team chooses.")
@click.option("--only", "only", multiple=True, metavar="NAME", help="Only these patterns (repeatable).",
              shell_complete=completion.registry_names)
@click.option("--rule", "rules", multiple=True, metavar="ID",
              help="Only these rules (repeatable): a full ID or a unique suffix such as 041.")
@click.option("--fix", is_flag=True, help="Repair what is mechanical (missing doc_ids, spec fields, sidecars, "
              "DOC_LINK headers; never a doc_id that is present), show the diff, then check again.")
@click.option("--dry-run", is_flag=True, help="With --fix: show the diff, write nothing.")
@click.option("--staged", is_flag=True, help="pre-commit (the shipped hook): the files deleted in git's index are "
              "changed files too (pre-commit passes only files that exist); no FILE and nothing deleted: no pattern "
              "is checked.")
@click.option("--verbose", "-v", "verbose", is_flag=True,
              help="Text report: every rule and every finding with file:line (default: a summary).")
@output_options(own_quiet=True)  # -q: stdout only for a --format report; the verdict on stderr when failing
def check_command(files, repo, fmt, output, strict, blocking, only, rules, fix, dry_run, staged, verbose, quiet):
    """Check PAT-CHECK-001 / ID-SYSTEM-SPEC-V1 compliance: PASS/FAIL/WARN per rule.

    With FILE arguments (what pre-commit passes), only the patterns those files
    belong to are checked; a changed registry means its changed entries.
    """
    from patforge.check import CheckOptions, run_check
    from patforge.check.reporters import format_report, print_text_report, show_report
    from patforge.reports.escaping import safe_bytes
    from patforge.transaction.atomic import write_user_output

    result = run_check(repo, CheckOptions(only=tuple(only), rules=tuple(rules), strict=strict,
                                          blocking=tuple(blocking), fix=fix,
                                          dry_run=dry_run, files=tuple(str(f) for f in files), staged=staged))
    detail = "quiet" if quiet else "verbose" if verbose else "summary"
    if output is not None:
        write_user_output(output, safe_bytes(format_report(result, fmt, detail)))
        if not quiet:
            print_text_report(result, detail)
            click.echo(f"report ({fmt}) written to {output}")
    elif not (quiet and fmt == "text"):
        show_report(result, fmt, detail)
    if quiet and result.exit_code != 0:
        # -q means the same in every command (docs/cli.md): stdout carries only a report
        # asked for; a problem is said on stderr. Here: the verdict line.
        from patforge.check.reporters.text import verdict_line

        click.echo(verdict_line(result, click.style), err=True)
    sys.exit(result.exit_code)
