"""The ``patforge check`` Click command (thin: options in, report out, exit code).

Register it with ``cli.add_command(check_command)``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from patforge.check.reporters import REPORTERS
from patforge.check.rules import RULES


def _rule_list() -> str:
    return "\n".join(f"  {r.id:<23} {r.level:<6} {r.title}" for r in RULES)


@click.command("check", epilog="\b\nRules:\n" + _rule_list())
@click.option("--repo", "repo", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="The pattern repository (the folder that holds patterns/).")
@click.option("--format", "fmt", type=click.Choice(list(REPORTERS)), default="text",
              show_default=True, help="Report format (on stdout, or in --output).")
@click.option("--output", "output", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write the report in --format to FILE (atomically: the audit-trail file of "
                   "PAT-CHECK-001-082); the terminal still gets the text summary.")
@click.option("--strict", is_flag=True, help="SHOULD rules fail too (exit 1 on warnings).")
@click.option("--only", "only", multiple=True, metavar="NAME", help="Only these patterns (repeatable).")
@click.option("--rule", "rules", multiple=True, metavar="ID",
              help="Only these rules (repeatable): a full ID or a unique suffix such as 041.")
@click.option("--fix", is_flag=True, help="Repair what is mechanical (missing doc_ids, spec fields, sidecars, "
              "DOC_LINK headers; never a doc_id that is present), show the diff, then check again.")
@click.option("--dry-run", is_flag=True, help="With --fix: show the diff, write nothing.")
def check_command(repo, fmt, output, strict, only, rules, fix, dry_run):
    """Check PAT-CHECK-001 / ID-SYSTEM-SPEC-V1 compliance: PASS/FAIL/WARN per rule.

    \b
    Exit codes: 0 compliant, 1 non-compliant (a MUST rule fails, or any
    rule with --strict), 2 could not run (bad options, no repository,
    unreadable registry).
    """
    from patforge.check import CheckOptions, run_check
    from patforge.check.reporters import format_report, print_text_report, show_report
    from patforge.fsutil import atomic_write

    result = run_check(repo, CheckOptions(only=tuple(only), rules=tuple(rules), strict=strict, fix=fix,
                                          dry_run=dry_run))
    if output is not None:
        atomic_write(output, format_report(result, fmt).encode("utf-8"))
        print_text_report(result)
        click.echo(f"report ({fmt}) written to {output}")
    else:
        show_report(result, fmt)
    sys.exit(result.exit_code)
