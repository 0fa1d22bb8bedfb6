"""The check report in every format, behind one interface: a :class:`Reporter` per format.

Adding a format is one module here with one ``Reporter`` subclass decorated with
``@register`` (its ``name`` is the ``--format`` value), imported at the end of this
file (the interface is ``base.py``). ``format_report(result, fmt)`` is the report as text; ``show_report`` puts it on
the terminal.

* ``text``: one line per rule (status, ID, level, counts, title), under it every
  FAIL/WARN record's findings with location and what to do; totals; the verdict.
* ``json``: ``CheckResult.to_dict()``; the shape is docs/check-report.schema.json.
* ``junit``: one ``<testsuite>`` per rule, one ``<testcase>`` per (rule, pattern)
  record (classname = rule ID; name = pattern, ``(root <root>)`` or ``(repository)``).
  FAIL is a ``<failure type="MUST|SHOULD">``; WARN is ``<skipped type="warning"
  message="WARN: ...">`` (CI shows it without failing the build) with the details in
  ``<system-out>``; SKIP (not judged) is ``<skipped type="not-judged">``; PASS is an
  empty testcase. Under ``--strict`` warnings are FAIL, so they become failures.
* ``sarif``: SARIF 2.1.0, one run; ``tool.driver.rules`` lists every rule judged
  (id, short description, default level error for MUST / warning for SHOULD); one
  result per FAIL/WARN finding (level error/warning) with its file and line, relative
  to ``originalUriBaseIds.REPOROOT`` (the repository).
* ``github``: GitHub Actions workflow commands (``github.py``).
* ``html``: one self-contained page, the patterns × artifacts matrix (``html.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from patforge.reports.escaping import safe_bytes
from patforge.transaction.atomic import write_user_output
from patforge.validation.messages import shown
from patforge.check.reporters.base import REPORTERS, Reporter, problem_lines, record_name, register
# The built-in formats register themselves on import (order: the --format choices).
from patforge.check.reporters import text, json_report, junit, sarif, github, html  # noqa: F401

if TYPE_CHECKING:
    from patforge.check.result import CheckResult

__all__ = ["REPORTERS", "Reporter", "deliver_report", "format_report", "print_text_report", "problem_lines", "record_name",
           "register", "reporter", "show_report"]


def reporter(fmt: str, detail: str = "summary") -> Reporter:
    try:
        return type(REPORTERS[fmt])(detail)
    except KeyError:
        raise ValueError(f"unknown report format {shown(fmt)}; expected one of {', '.join(REPORTERS)}") from None


def format_report(result: CheckResult, fmt: str, detail: str = "summary") -> str:
    return reporter(fmt, detail).render(result)


def show_report(result: CheckResult, fmt: str, detail: str = "summary") -> None:
    reporter(fmt, detail).show(result)


def deliver_report(result: CheckResult, fmt: str, detail: str = "summary", output: Path | None = None) -> None:
    """The report where ``check`` sends it: in ``fmt`` on the terminal; or, with ``output``,
    in ``fmt`` into that file (written like a shell redirection: the audit-trail file of
    PAT-CHECK-001-082) and the text summary on the terminal (was the body of
    ``check/command.py``). -q means the same in every command (docs/cli.md): stdout carries
    only a report asked for; a problem is said on stderr, here the verdict line."""
    quiet = detail == "quiet"
    if output is not None:
        write_user_output(output, safe_bytes(format_report(result, fmt, detail)))
        if not quiet:
            print_text_report(result, detail)
            click.echo(f"report ({fmt}) written to {output}")
    elif not (quiet and fmt == "text"):
        show_report(result, fmt, detail)
    if quiet and result.exit_code != 0:
        click.echo(text.verdict_line(result, click.style), err=True)


def print_text_report(result: CheckResult, detail: str = "summary") -> None:
    """The text report on the terminal (colored when it is one)."""
    show_report(result, "text", detail)
