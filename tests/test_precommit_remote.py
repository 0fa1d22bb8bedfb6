"""The documented remote pre-commit hook works with a real ``rev`` (issue 23): a copy
of this repository tagged ``v<version>`` as ``scripts/tag_release.py`` tags a release,
used by real ``pre-commit`` exactly as docs/cli.md shows it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, commit_all, git

VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
SHIPPED = ("driver", "templates", "docs", "copier.yml", "pyproject.toml", "README.md", ".pre-commit-hooks.yaml",
           "scripts")


def test_docs_pin_the_release_tag_of_this_version():
    from patforge import __version__

    assert __version__ == VERSION
    cli_md = (ROOT / "docs/cli.md").read_text(encoding="utf-8")
    assert f"rev: v{VERSION}" in cli_md and "pre-commit autoupdate" in cli_md and "--freeze" in cli_md
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [h["id"] for h in hooks] == ["patforge-check"] and hooks[0]["language"] == "python"


def _release_copy(tmp_path: Path) -> Path:
    """This source tree (as it is now, committed or not) as a git repository with the
    release tag, made by the release script."""
    src = tmp_path / "patforge-src"
    src.mkdir()
    for name in SHIPPED:
        p = ROOT / name
        if p.is_dir():
            shutil.copytree(p, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(p, src / name)
    git(src, "init", "-q", "-b", "main")
    commit_all(src, "release")
    res = subprocess.run([sys.executable, str(src / "scripts/tag_release.py")], capture_output=True, text=True)
    assert res.returncode == 0 and f"as v{VERSION}" in res.stdout, res.stderr
    again = subprocess.run([sys.executable, str(src / "scripts/tag_release.py")], capture_output=True, text=True)
    assert again.returncode == 2 and "already exists" in again.stderr  # a tag is never moved
    return src


@pytest.mark.slow
def test_remote_hook_with_a_release_rev_runs_check(tmp_path):
    if shutil.which("pre-commit", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("pre-commit is not installed (pip install -e '.[test]')")
    from patforge.cli import run
    from patforge.commands.demo import copy_demo

    src = _release_copy(tmp_path)
    repo = copy_demo(tmp_path / "demo")
    assert run(["render", "--repo", str(repo), "-q"]) == 0
    config = {"repos": [{"repo": str(src), "rev": f"v{VERSION}", "hooks": [{"id": "patforge-check"}]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    commit_all(repo, "rendered")
    # pre-commit builds the hook's own environment from the tag; it sees the test
    # environment's packages (no download of patforge's dependencies), only patforge
    # itself is installed from the tagged source.
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "VIRTUALENV_SYSTEM_SITE_PACKAGES": "1"}
    env.pop("PYTHONPATH", None)
    pre_commit = str(Path(sys.executable).parent / "pre-commit")
    res = subprocess.run([pre_commit, "run", "--all-files"], cwd=repo, env=env, capture_output=True, text=True,
                         timeout=900)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    assert "patforge check" in res.stdout and "Passed" in res.stdout
    executor = sorted((repo / "patterns/executors").glob("*_executor.py"))[0]
    executor.write_text("\n".join(ln for ln in executor.read_text().splitlines() if "DOC_LINK:" not in ln) + "\n")
    res = subprocess.run([pre_commit, "run", "--files", executor.relative_to(repo).as_posix()], cwd=repo, env=env,
                         capture_output=True, text=True, timeout=900)
    assert res.returncode == 1 and "PAT-CHECK-001-041" in res.stdout, res.stdout[-3000:]
