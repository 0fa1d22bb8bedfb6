"""Shell completion offers what users type (issue 23): ``--kind`` values, ``--only``
pattern names, ``diff NAME``; and ``diff`` takes ``--template`` as ``status`` does."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from click.shell_completion import BashComplete

from patforge.cli import cli as group
from patforge.kinds import names as kind_names


def complete(*words: str) -> list[str]:
    """What bash completion offers after ``patforge WORDS...`` (the last word is the
    one being typed)."""
    comp = BashComplete(group, {}, "patforge", "_PATFORGE_COMPLETE")
    return [c.value for c in comp.get_completions(list(words[:-1]), words[-1])]


@pytest.mark.parametrize("command", ["render", "update", "status", "diff"])
def test_kind_values_complete(command):
    assert complete(command, "--kind", "") == list(kind_names())
    assert complete(command, "--kind", "ex") == [k for k in kind_names() if k.startswith("ex")]


@pytest.mark.parametrize("command", ["render", "update", "status", "check"])
def test_only_completes_the_registry_names(demo_repo, command):
    names = complete(command, "--repo", str(demo_repo), "--only", "")
    assert "batch_create" in names and len(names) == 24
    assert complete(command, "--repo", str(demo_repo), "--only", "batch_") == ["batch_create"]


def test_diff_name_completes_the_rendered_patterns(rendered_demo):
    names = complete("diff", "--repo", str(rendered_demo), "")
    assert "batch_create" in names and len(names) == 24
    assert complete("diff", "--repo", str(rendered_demo), "self_h") == ["self_heal"]


def test_completion_in_a_broken_repository_offers_nothing_and_never_fails(tmp_path):
    reg = tmp_path / "patterns/registry/PATTERN_INDEX.yaml"
    reg.parent.mkdir(parents=True)
    reg.write_text("patterns: [unclosed\n")
    assert complete("render", "--repo", str(tmp_path), "--only", "") == []
    assert complete("diff", "--repo", str(tmp_path), "") == []


def test_completion_through_the_shell_protocol(demo_repo):
    """The real entry point, as bash calls it."""
    env = {**os.environ, "_PATFORGE_COMPLETE": "bash_complete",
           "COMP_WORDS": f"patforge render --repo {demo_repo} --kind ex", "COMP_CWORD": "5"}
    res = subprocess.run([sys.executable, "-m", "patforge"], env=env, capture_output=True, text=True)
    assert res.returncode == 0 and "plain,examples" in res.stdout.splitlines() and "plain,executor" in res.stdout


def test_diff_takes_template_as_status_does(rendered_demo, cli, tmp_path):
    from conftest import git

    tpl = tmp_path / "tpl"
    git(tmp_path, "clone", "-q", str(rendered_demo / ".patforge/templates.bundle"), str(tpl))
    exe = rendered_demo / "patterns/executors/self_heal_executor.py"
    if not exe.is_file():
        exe = next((rendered_demo / "patterns/executors").glob("batch_create_executor.*"))
    exe.write_text(exe.read_text() + "# a hand edit\n")
    name = exe.name.split("_executor")[0]
    r = cli("diff", "--repo", str(rendered_demo), "--template", str(tpl), name, "--kind", "executor")
    assert r.code == 0, r
    assert "+# a hand edit" in r.out
    bad = cli("diff", "--repo", str(rendered_demo), "--template", str(tmp_path / "nowhere"), name)
    assert bad.code == 2 and "does not exist" in bad.err
    status_opts = {o for p in group.commands["status"].params for o in p.opts}
    diff_opts = {o for p in group.commands["diff"].params for o in p.opts}
    assert "--template" in status_opts & diff_opts
