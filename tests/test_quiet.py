"""-q means one thing in every command (issue 23), and docs/cli.md says the same:
nothing on stdout but the output asked for (--json, a --format report, example's
instance, diff's diff, docs' page); warnings, errors and failures still reach stderr.
Every command of the CLI must appear here (a new one fails the first test)."""

from __future__ import annotations

import json
import re

import pytest

from conftest import ROOT, commit_all

from patforge.reports.console import QUIET_HELP

#: command -> how it is exercised below (a new command must be added)
COVERED = {"init", "render", "update", "check", "new", "rollback", "doctor", "status", "diff", "demo",
           "example", "docs"}


def test_every_command_is_covered_here():
    from patforge.cli import cli as group

    assert set(group.commands) == COVERED


def test_every_help_and_cli_md_say_the_same(cli):
    from patforge.cli import cli as group

    flat = " ".join(QUIET_HELP.split())
    for name in group.commands:
        assert flat in " ".join(cli(name, "--help").out.split()), name
    doc = " ".join((ROOT / "docs/cli.md").read_text(encoding="utf-8").split())
    assert "-q / --quiet" in doc or "`-q` / `--quiet`" in doc
    assert flat.replace("'", "") in doc.replace("`", "").replace("'", ""), "docs/cli.md must quote QUIET_HELP"


def _json(text: str) -> dict:
    return json.loads(text)


@pytest.mark.slow
def test_quiet_in_every_command(tmp_path, rendered_demo, cli):
    repo = str(rendered_demo)
    seen = set()

    def run(*args, product=None):
        r = cli(*args)
        seen.add(args[0])
        if product is None:
            assert r.out == "", (args, r)
        else:
            assert product(r.out), (args, r)
        return r

    # a compliant repository: nothing at all
    r = run("check", "--repo", repo, "-q")
    assert r.code == 0 and r.err == ""
    run("check", "--repo", repo, "-q", "--format", "json", product=lambda out: _json(out)["format"])
    run("check", "--repo", repo, "-q", "--format", "sarif", "--output", str(tmp_path / "r.sarif"))
    assert (tmp_path / "r.sarif").is_file()
    run("render", "--repo", repo, "-q")
    run("render", "--repo", repo, "-q", "--json", product=lambda out: _json(out)["format"])
    run("status", "--repo", repo, "-q")
    run("update", "--repo", repo, "-q")
    run("init", "--repo", repo, "-q")
    commit_all(rendered_demo, "init")
    r = run("doctor", "--repo", repo, "-q")
    assert "[ok" not in r.err
    run("new", "file_sync", "-c", "file ops", "--repo", repo, "-q")
    run("rollback", "--repo", repo, "-q")
    # failures and warnings still reach stderr
    exe = rendered_demo / "patterns/executors/batch_create_executor.ps1"
    exe.write_text(exe.read_text().replace("# DOC_LINK:", "# DOC-LINK-GONE:"))
    r = run("check", "--repo", repo, "-q")
    assert r.code == 1 and r.err.startswith("Verdict: NON-COMPLIANT"), r
    r = run("doctor", "--repo", repo, "-q")  # a dirty tree is a warning
    assert re.search(r"^\[warn\] repository: ", r.err, re.M), r
    run("diff", "--repo", repo, "-q", "batch_create", product=lambda out: "DOC-LINK-GONE" in out)
    schema = str(rendered_demo / "patterns/schemas/batch_create.schema.json")
    run("example", schema, "-q", product=lambda out: isinstance(_json(out), dict))
    run("docs", "registry", "-q", product=lambda out: out.startswith("# The registry format"))
    run("demo", str(tmp_path / "d"), "--copy-only", "-q")
    assert seen == COVERED
