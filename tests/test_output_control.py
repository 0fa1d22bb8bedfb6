"""Output control: -q/--quiet and --no-color on every command, NO_COLOR, colour only
on a terminal, and dry-run diffs with a --stat summary first."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from patforge.cli import cli as root_command

ESC = re.compile(r"\x1b\[")
needs_pty = pytest.mark.skipif(not hasattr(os, "openpty") or sys.platform == "win32",
                               reason="needs a pseudo-terminal (POSIX)")


def run_on_a_terminal(args: list[str], env_extra: dict[str, str], cwd=None) -> tuple[int, str]:
    """Run patforge with stdout and stderr on a pseudo-terminal, as a user sees it."""
    master, slave = os.openpty()
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env.update(env_extra, TERM="xterm", COLUMNS="120")
    proc = subprocess.Popen([sys.executable, "-m", "patforge", *args], stdin=subprocess.DEVNULL,
                            stdout=slave, stderr=slave, env=env, cwd=cwd, close_fds=True)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return proc.wait(), b"".join(chunks).decode("utf-8", "replace")


def test_every_command_has_quiet_and_no_color():
    for name, command in root_command.commands.items():
        opts = {o for p in command.params for o in getattr(p, "opts", [])}
        assert {"-q", "--quiet", "--no-color"} <= opts, name


@pytest.mark.slow  # patforge subprocesses over a whole repository (issue 20: fast lane)
@needs_pty
def test_no_color_env_and_flag_remove_every_escape_code(demo_repo):
    args = ["check", "--repo", str(demo_repo)]  # not compliant yet: FAIL lines, red and bold
    code, colored = run_on_a_terminal(args, {})
    assert code == 1 and ESC.search(colored), "on a terminal without NO_COLOR there is colour"
    code, plain = run_on_a_terminal(args, {"NO_COLOR": "1"})
    assert code == 1 and "FAIL" in plain and not ESC.search(plain), plain[:500]
    code, plain = run_on_a_terminal([*args, "--no-color"], {})
    assert code == 1 and "FAIL" in plain and not ESC.search(plain)
    # errors are printed after the command's context is gone: NO_COLOR holds there too
    code, err = run_on_a_terminal(["render", "--repo", str(demo_repo), "--phase", "7"], {"NO_COLOR": "1"})
    assert code == 2 and not ESC.search(err)
    code, err = run_on_a_terminal(["rollback", "--repo", str(demo_repo)], {"NO_COLOR": "1"})
    assert code == 2 and "error: " in err and not ESC.search(err), err
    code, err = run_on_a_terminal(["rollback", "--repo", str(demo_repo)], {})
    assert code == 2 and ESC.search(err)


@pytest.mark.slow  # patforge subprocesses over a whole repository (issue 20: fast lane)
@needs_pty
def test_dry_run_diff_is_coloured_on_a_terminal_only(demo_repo):
    args = ["render", "--repo", str(demo_repo), "--phase", "1", "--only", "batch_create", "--dry-run"]
    code, out = run_on_a_terminal(args, {})
    assert code == 0 and "\x1b[32m+" in out  # an added line, green
    code, out = run_on_a_terminal(args, {"NO_COLOR": "1"})
    assert code == 0 and not ESC.search(out)


def test_dry_run_prints_a_stat_summary_before_the_diff(cli, demo_repo):
    res = cli("render", "--repo", str(demo_repo), "--phase", "1", "--only", "batch_create", "--dry-run")
    assert res.code == 0, res
    out = res.out
    assert not ESC.search(out)  # not a terminal: no colour
    summary = re.search(r"^ (\d+) file\(s\) changed, (\d+) insertion\(s\)\(\+\), (\d+) deletion\(s\)\(-\)$",
                        out, re.M)
    assert summary and out.index(summary[0]) < out.index("--- ")
    assert re.search(r"^ patterns/specs/batch_create\.pattern\.yaml +\| +4 \+{4}$", out, re.M), out[:1500]
    assert re.search(r"^ \.patforge/templates\.bundle +\| Bin$", out, re.M)
    stats = out[:out.index(summary[0])].splitlines()
    assert len(stats) == int(summary[1])


def test_quiet_prints_nothing_but_problems(cli, demo_repo):
    res = cli("render", "--repo", str(demo_repo), "--phase", "1", "-q")
    assert res.code == 0 and res.out == "" and res.err == "", res
    res = cli("check", "--repo", str(demo_repo), "--quiet")
    # -q: the verdict of a failing check is a problem, said on stderr (issue 23); nothing on stdout
    assert res.code == 1 and res.out == "" and res.err.startswith("Verdict: NON-COMPLIANT") \
        and res.err.count("\n") == 1
    res = cli("check", "--repo", str(demo_repo), "-q", "--format", "json")
    assert res.code == 1 and res.out.startswith("{")  # the report you asked for stays
    res = cli("rollback", "--repo", str(demo_repo), "-q")
    assert res.code == 0 and res.out == ""
    res = cli("rollback", "--repo", str(demo_repo), "-q")
    assert res.code == 2 and res.out == "" and "no run to roll back" in res.err


def test_check_fix_dry_run_has_the_same_stat_summary(cli, demo_repo):
    res = cli("check", "--repo", str(demo_repo), "--fix", "--dry-run", "--only", "batch_create")
    out = res.out
    summary = re.search(r"^ (\d+) file\(s\) changed, \d+ insertion\(s\)\(\+\), \d+ deletion\(s\)\(-\)$", out, re.M)
    assert summary and out.index(summary[0]) < out.index("--- a/patterns/registry/PATTERN_INDEX.yaml"), out[:2000]
    assert re.search(r"^ patterns/specs/batch_create\.pattern\.yaml +\| +4 \+{4}$", out, re.M)
