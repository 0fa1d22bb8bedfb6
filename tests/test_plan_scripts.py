"""The plan's master script: scripts/generate_all_pattern_files.ps1 and its POSIX twin.

Both are rendered by the repository-level template (phase 4). PowerShell is not
installed here, so the .ps1 is parse-checked with tree-sitter-pwsh and its argument
mapping is read from the parse tree; the .sh twin really runs, through to patforge.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Cli, git
from patforge.validation.codecheck import check_powershell, check_shell, powershell_leaf_tokens
from patforge.commands.demo import copy_demo

PS1 = "scripts/generate_all_pattern_files.ps1"
needs_sh = pytest.mark.skipif(shutil.which("sh") is None, reason="runs the POSIX twin with sh")
SH = "scripts/generate_all_pattern_files.sh"


@pytest.fixture(scope="module")
def rendered(rendered_demo_once: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The rendered, committed demo: this module's copy of conftest.py's."""
    root = tmp_path_factory.mktemp("plan") / "demo"
    shutil.copytree(rendered_demo_once, root, symlinks=True)
    return root


def _env_with_patforge_on_path() -> dict[str, str]:
    """PATH with this interpreter's scripts folder first (where `patforge` is installed)."""
    bindir = str(Path(sys.executable).parent)
    return {**os.environ, "PATH": bindir + os.pathsep + os.environ.get("PATH", "")}


def test_wrapper_and_twin_exist_and_parse(rendered):
    ps1 = (rendered / PS1).read_text("utf-8")
    sh = (rendered / SH).read_text("utf-8")
    assert ps1.startswith("\ufeff")  # UTF-8 with BOM: Windows PowerShell 5.1 reads it as UTF-8
    assert check_powershell(ps1, PS1) == []
    assert not sh.startswith("\ufeff") and sh.startswith("#!/bin/sh\n") and "\r" not in sh
    assert check_shell(sh, SH) == []
    if shutil.which("sh"):
        assert subprocess.run(["sh", "-n", str(rendered / SH)]).returncode == 0


def test_ps1_maps_the_plans_switches(rendered):
    """The param block declares the plan's three switches and each adds patforge's flag;
    patforge is found on PATH, then via py/python3/python -m; its exit code is returned."""
    text = (rendered / PS1).read_text("utf-8")
    tokens = [value for _type, value, _s, _e in powershell_leaf_tokens(text)]
    for switch in ("$DryRun", "$Phase1Only", "$Verbose"):
        assert switch in tokens
    for pair in (("$DryRun", "'--dry-run'"), ("$Phase1Only", "'--phase1-only'"), ("$Verbose", "'-v'")):
        assert f"if ({pair[0]}) {{\n    $Arguments += {pair[1]}" in text
    assert "$Arguments += $Forwarded" in text and "$Forwarded = @($args)" in text
    assert "@('py', 'python3', 'python')" in text and "'-m', 'patforge'" in text
    assert "exit $LASTEXITCODE" in text and "exit 127" in text
    assert "[CmdletBinding()]\n" not in text  # it would turn -Verbose into a common parameter


@needs_sh
def test_twin_runs_dry_run_through_patforge(rendered):
    before = git(rendered, "status", "--porcelain")
    res = subprocess.run(["sh", str(rendered / SH), "-DryRun", "-Verbose", "--kind", "repo"],
                         capture_output=True, text=True, env=_env_with_patforge_on_path(), cwd="/")
    assert res.returncode == 0, res.stderr
    assert "dry run: 0 file(s) would change; nothing written" in res.stdout
    assert "[current     ] phase 4 repo" in res.stdout  # -Verbose became -v
    assert git(rendered, "status", "--porcelain") == before


@needs_sh
def test_twin_exit_code_is_patforges(rendered):
    res = subprocess.run(["sh", str(rendered / SH), "--phase", "9"], capture_output=True, text=True,
                         env=_env_with_patforge_on_path())
    assert res.returncode == 2 and "--phase" in res.stderr


@needs_sh
def test_twin_phase1only_changes_only_phase_1(tmp_path):
    root = copy_demo(tmp_path / "demo")
    res = Cli()("render", "--repo", str(root), "--kind", "repo")
    assert res.code == 0, res
    res = subprocess.run(["sh", str(root / SH), "-Phase1Only", "-DryRun"], capture_output=True,
                         text=True, env=_env_with_patforge_on_path())
    assert res.returncode == 0, res.stderr
    assert "1 ID system" in res.stdout and "2 core" not in res.stdout


@needs_sh
@pytest.mark.skipif(sys.platform == "win32", reason="builds a PATH of symlinks")
def test_twin_says_when_patforge_is_missing(rendered, tmp_path):
    # A PATH with sh and the basic tools but no patforge and no Python that has it.
    bindir = tmp_path / "bin"
    bindir.mkdir()
    for tool in ("sh", "dirname", "pwd"):
        found = shutil.which(tool)
        if found:
            (bindir / tool).symlink_to(found)
    res = subprocess.run([str(bindir / "sh"), str(rendered / SH), "-DryRun"], capture_output=True,
                         text=True, env={"PATH": str(bindir)})
    assert res.returncode == 127
    assert "patforge is not installed" in res.stderr


def test_registry_text_cannot_reach_the_scripts_code(tmp_path):
    """The only registry value in the scripts is the registry path, in a comment."""
    from patforge.validation.codecheck import check_text
    from patforge.rendering.copier_runner import RenderJob, render_job
    from patforge.kinds.repo import FILES as REPO_FILES
    from patforge.rendering.template_source import resolve_source

    evil = "patterns/registry/X.yaml\n$(Remove-Item C:\\) #> `n\r\nrm -rf / ; exit 9\u2028"
    source = resolve_source(tmp_path, None, None, None)
    job = RenderJob("repo", [{"answers_file": ".patforge/answers/repo.yml", "registry_path": evil,
                              "doc_id_rule": "DOC-<REST>", "derived": {}}], source)
    result = render_job(job)
    assert result.error is None, result.error
    for rel in (PS1, SH):
        text = result.files[rel].decode("utf-8")
        assert check_text(rel, text) == [], rel
        line = next(l for l in text.splitlines() if "Registry:" in l)
        assert line.lstrip("\ufeff").startswith("#") and "rm -rf" in line  # all on the comment line
    assert PS1 in REPO_FILES and SH in REPO_FILES
