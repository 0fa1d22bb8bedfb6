"""The reporters of ``patforge check`` sit behind one interface: a ``Reporter`` subclass
registered under its ``--format`` name. The formats' contents are pinned by
test_check_formats.py; this pins the interface a new format plugs into.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from patforge.check import CheckOptions, CheckResult, run_check
from patforge.check.command import check_command
from patforge.check.reporters import REPORTERS, Reporter, format_report, register, show_report

from compliant_repo import build_repo


@pytest.fixture(scope="module")
def result(tmp_path_factory) -> CheckResult:
    return run_check(build_repo(tmp_path_factory.mktemp("rep") / "repo"), CheckOptions())


def test_the_command_offers_exactly_the_registered_formats():
    (fmt,) = [p for p in check_command.params if p.name == "fmt"]
    assert list(fmt.type.choices) == list(REPORTERS) == ["text", "json", "junit", "sarif", "github", "html"]


def test_each_registered_format_renders_the_result(result):
    for name, reporter in REPORTERS.items():
        assert isinstance(reporter, Reporter) and reporter.name == name
        text = format_report(result, name, "verbose")  # every rule (the text default is a summary)
        # github annotates problems only: on a compliant repository it is its summary line
        expected = "COMPLIANT" if name == "github" else "PAT-CHECK-001-040"
        assert text.endswith("\n") and expected in text, name
    assert format_report(result, "text").startswith("Verdict: COMPLIANT")
    assert format_report(result, "text", "quiet").count("\n") == 1


def test_an_unknown_format_names_the_known_ones(result):
    with pytest.raises(ValueError, match="text, json, junit, sarif"):
        format_report(result, "yaml")


def test_a_new_format_is_one_class_and_one_registration(result, capsys):
    @register
    class CountReporter(Reporter):
        name = "count"

        def render(self, r: CheckResult) -> str:
            return f"{len(r.records)} records, verdict {r.verdict}\n"

    try:
        assert format_report(result, "count") == f"{len(result.records)} records, verdict COMPLIANT\n"
        show_report(result, "count")
        assert capsys.readouterr().out == f"{len(result.records)} records, verdict COMPLIANT\n"
    finally:
        del REPORTERS["count"]


def test_the_text_reporter_shows_what_it_renders(result, capsys):
    show_report(result, "text")
    assert capsys.readouterr().out == format_report(result, "text")


def test_output_file_gets_the_format_and_the_terminal_the_text(tmp_path: Path, result, cli):
    out = tmp_path / "report.xml"
    res = cli("check", "--repo", str(result.repo), "--format", "junit", "--output", str(out))
    assert res.code == 0
    assert out.read_text("utf-8").startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert "Verdict: COMPLIANT" in res.out and f"report (junit) written to {out}" in res.out
