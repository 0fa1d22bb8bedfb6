"""``check --format github``: GitHub Actions workflow commands, one per FAIL/WARN finding,
with GitHub's escaping (``@actions/core`` command.ts: data escapes % CR LF, properties
also ``:`` and ``,``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from patforge.check.reporters.github import escape_data, escape_property, workflow_command
from compliant_repo import B_EXEC, BETA, DOC, build_repo, edit, write

_COMMAND = re.compile(r"^::(error|warning)( [^:]*)?::(.*)$")


def _unescape(text: str) -> str:
    """What the Actions runner does with a value (toolkit's unescape, in reverse order)."""
    return (text.replace("%2C", ",").replace("%3A", ":").replace("%0A", "\n").replace("%0D", "\r")
            .replace("%25", "%"))


def _parse(line: str) -> tuple[str, dict[str, str], str]:
    m = _COMMAND.match(line)
    assert m, f"not a workflow command: {line!r}"
    props = {}
    for pair in (m.group(2) or "").strip().split(","):
        if pair:
            k, _, v = pair.partition("=")
            props[k] = _unescape(v)
    return m.group(1), props, _unescape(m.group(3))


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    repo = build_repo(tmp_path / "repo")
    edit(repo, B_EXEC, f"# DOC_LINK: {DOC[BETA]}\n", "")  # MUST: -041 fails on line 1
    write(repo, "patterns/tests/test_helpers_misc.py", "def helper():\n    pass\n")  # SHOULD: -063 warns
    return repo


def test_github_annotations_name_rule_file_and_line(cli, broken):
    res = cli("check", "--repo", str(broken), "--format", "github")
    assert res.code == 1
    lines = res.out.splitlines()
    commands = [_parse(line) for line in lines if line.startswith("::")]
    assert not [line for line in lines[:-1] if not line.startswith("::")]  # only the last line is plain
    assert lines[-1].startswith("patforge check: NON-COMPLIANT:")
    doc_link = [c for c in commands if c[1].get("title") == "PAT-CHECK-001-041"]
    assert len(doc_link) == 1
    kind, props, message = doc_link[0]
    assert kind == "error" and props["file"] == B_EXEC and props["line"] == "1"
    assert message.startswith(f"{BETA}: ") and "DOC_LINK" in message and "\nWhat to do: " in message
    scope = [c for c in commands if c[1].get("title") == "PAT-CHECK-001-063"]
    assert scope and all(kind == "warning" for kind, _, _ in scope)
    # every FAIL/WARN finding has its command, and nothing else does
    json_res = cli("check", "--repo", str(broken), "--format", "json")
    import json
    data = json.loads(json_res.out)
    expected = sum(1 for r in data["results"] for f in r["findings"] if f["status"] in ("FAIL", "WARN"))
    assert len(commands) == expected


def test_github_strict_makes_warnings_errors(cli, broken):
    res = cli("check", "--repo", str(broken), "--format", "github", "--strict")
    kinds = {_parse(line)[0] for line in res.out.splitlines() if line.startswith("::")}
    assert kinds == {"error"}


def test_github_compliant_repository_prints_only_the_summary(cli, tmp_path):
    repo = build_repo(tmp_path / "ok")
    res = cli("check", "--repo", str(repo), "--format", "github")
    assert res.code == 0
    assert res.out == "patforge check: COMPLIANT: 0 error(s), 0 warning(s) in 3 pattern(s)\n"


def test_escaping_follows_github_rules():
    assert escape_data("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext: a, b"
    assert escape_property("C:\\x,y%\n") == "C%3A\\x%2Cy%25%0A"
    assert escape_data("%0A") == "%250A"  # an escape-looking text stays literal
    line = workflow_command("error", "bad: 100%\nline two", file="a,b:c.py", line=3, title="R-1")
    assert line == "::error file=a%2Cb%3Ac.py,line=3,title=R-1::bad: 100%25%0Aline two"
    kind, props, message = _parse(line)
    assert props == {"file": "a,b:c.py", "line": "3", "title": "R-1"} and message == "bad: 100%\nline two"
    assert workflow_command("warning", "no file", file=None, line=None, title="R") == "::warning title=R::no file"


def test_hostile_pattern_text_cannot_forge_a_command(cli, broken):
    """A message that carries a newline (registry text) must stay one command."""
    kind, props, message = _parse(workflow_command("error", "x\n::error::forged", title="R"))
    assert message == "x\n::error::forged"
    assert "\n" not in workflow_command("error", "x\n::error::forged", title="R")
