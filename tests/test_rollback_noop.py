"""rollback after a run that wrote nothing (issue 23): it says so, and names the
earlier run it undoes and when; the demo's rollback hint undoes the whole demo."""

from __future__ import annotations

import json
import re

import pytest

from conftest import commit_all, tree_snapshot


def test_rollback_after_a_no_op_render_names_the_earlier_run(demo_repo, cli):
    start = tree_snapshot(demo_repo)
    assert cli("render", "--repo", str(demo_repo), "--phase", "1").code == 0
    again = cli("render", "--repo", str(demo_repo), "--phase", "1")  # writes nothing
    assert again.code == 0 and "nothing" in again.out
    dry = cli("rollback", "--repo", str(demo_repo), "--dry-run")
    assert dry.code == 0, dry
    m = re.search(r"^note: the last run, render at (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC), wrote nothing, so there is "
                  r"nothing of it to undo; this rolls back the run before it that wrote files: render "
                  r"at (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC)$", dry.out, re.M)
    assert m, dry.out
    assert m.group(2) <= m.group(1)
    data = json.loads(cli("rollback", "--repo", str(demo_repo), "--dry-run", "--json").out)
    assert data["later_run_wrote_nothing"]["command"] == "render" and data["at"] == m.group(2)
    r = cli("rollback", "--repo", str(demo_repo))
    assert r.code == 0 and "wrote nothing" in r.out
    assert tree_snapshot(demo_repo) == start
    gone = cli("rollback", "--repo", str(demo_repo))
    assert gone.code == 2 and "no run to roll back" in gone.err


def test_a_no_op_full_render_is_noted_too(rendered_demo, cli):
    """The no-op replay (noop.py) writes nothing and records nothing: still noted."""
    assert cli("render", "--repo", str(rendered_demo)).code == 0
    r = cli("rollback", "--repo", str(rendered_demo), "--dry-run")
    assert r.code == 0 and "note: the last run, render at " in r.out, r


def test_a_writing_run_clears_the_note(demo_repo, cli):
    assert cli("render", "--repo", str(demo_repo), "--phase", "1").code == 0
    assert cli("render", "--repo", str(demo_repo), "--phase", "1").code == 0
    assert cli("render", "--repo", str(demo_repo), "--phase", "2", "--only", "batch_create").code == 0
    r = cli("rollback", "--repo", str(demo_repo), "--dry-run")
    assert r.code == 0 and "wrote nothing" not in r.out and r.out.startswith("rollback of the last render: ") and "(the render started at 20" in r.out


@pytest.mark.slow
def test_the_demo_rollback_hint_is_true(tmp_path, cli):
    """The demo's ending says rollback undoes what the demo wrote: all of it, not only
    its last phase."""
    from patforge.commands.demo import copy_demo

    start = tree_snapshot(copy_demo(tmp_path / "start"))
    r = cli("demo", str(tmp_path / "d"))
    assert r.code == 0, r
    repo = tmp_path / "d"
    assert r.out.count("note: doc_id rule") <= 1, r.out  # said once per run
    written = int(re.search(r"patforge wrote (\d+) file\(s\)", r.out).group(1))
    hint = re.search(r"patforge rollback --dry-run -v +# (.+)$", r.out, re.M).group(1)
    assert "demo" in hint
    dry = json.loads(cli("rollback", "--repo", str(repo), "--dry-run", "--json").out)
    assert len(dry["restored"]) + len(dry["deleted"]) == written
    assert cli("rollback", "--repo", str(repo)).code == 0
    after = tree_snapshot(repo)
    assert after == start
