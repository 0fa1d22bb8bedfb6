"""The ``patforge check`` Click command (thin: options in, report out, exit code).

The CLI group imports it only when ``check`` runs or is listed (``cli.LazyGroup``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from patforge.check.reporters import REPORTERS, deliver_report
from patforge.check.rules import RULES
from patforge import completion
from patforge.exitcodes import epilog
from patforge.reports.console import output_options, repo_option
from patforge.check import CheckOptions, run_check


def _rule_list() -> str:
    return "\n".join(f"  {r.id:<23} {r.level:<6} {r.title}" for r in RULES)


@click.command("check", epilog=epilog("check") + "\n\n\b\nRules:\n" + _rule_list())
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@repo_option
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

    result = run_check(repo, CheckOptions(only=tuple(only), rules=tuple(rules), strict=strict,
                                          blocking=tuple(blocking), fix=fix,
                                          dry_run=dry_run, files=tuple(str(f) for f in files), staged=staged))
    deliver_report(result, fmt, "quiet" if quiet else "verbose" if verbose else "summary", output)
    sys.exit(result.exit_code)
