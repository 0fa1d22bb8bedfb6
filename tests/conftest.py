"""Shared fixtures: real git repositories in tmp_path, the demo, the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Third-party test data vendored with its licence (tests/data/*/README.md says where from).
DRAFT7_SUITE = Path(__file__).resolve().parent / "data" / "json-schema-test-suite" / "draft7"

# Tests must not depend on the developer's git identity or global config.
os.environ.setdefault("GIT_AUTHOR_NAME", "patforge tests")
os.environ.setdefault("GIT_AUTHOR_EMAIL", "tests@patforge.invalid")
os.environ.setdefault("GIT_COMMITTER_NAME", "patforge tests")
os.environ.setdefault("GIT_COMMITTER_EMAIL", "tests@patforge.invalid")
# patforge keeps the state of repositories outside git in the user's cache folder:
# tests use their own, never the developer's.
os.environ["XDG_CACHE_HOME"] = os.environ["LOCALAPPDATA"] = tempfile.mkdtemp(prefix="patforge-test-cache-")


def git(repo: Path, *args: str) -> str:
    res = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True)
    assert res.returncode == 0, f"git {args} failed: {res.stderr}"
    return res.stdout


def commit_all(repo: Path, message: str = "snapshot") -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)


def tree_snapshot(root: Path) -> dict[str, bytes]:
    """Every file under root (except .git) with its bytes: to prove nothing changed."""
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file() and ".git" not in p.relative_to(root).parts:
            out[p.relative_to(root).as_posix()] = p.read_bytes()
    return out


@pytest.fixture
def demo_repo(tmp_path: Path) -> Path:
    """A fresh copy of the bundled demo registry, committed in a new git repository."""
    from patforge.commands.demo import copy_demo

    return copy_demo(tmp_path / "demo")


@pytest.fixture(scope="session")
def rendered_demo_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo after one full render (exit 0), committed: rendered once per test process
    (one real Copier run of the whole repository). Never change it: take ``rendered_demo``,
    a private copy, to change anything."""
    from patforge.commands.demo import copy_demo

    repo = copy_demo(tmp_path_factory.mktemp("rendered-demo") / "demo")
    r = Cli()("render", "--repo", str(repo))
    assert r.code == 0, r
    commit_all(repo, "rendered")
    return repo


@pytest.fixture
def rendered_demo(rendered_demo_once: Path, tmp_path: Path) -> Path:
    """A private copy of the rendered, committed demo: the start of most end-to-end tests.
    A copy (with its .git and patforge's state in it) behaves as the original: everything
    patforge records is relative to the repository."""
    import shutil

    dst = tmp_path / "demo"
    shutil.copytree(rendered_demo_once, dst, symlinks=True)
    return dst


def grown_copy(dst: Path) -> Path:
    """tests/fixtures/grown_repo (the registry grown by hand, issues 12 and 22) as a
    committed git repository at ``dst`` (its EXPECTED.json left out)."""
    import shutil

    shutil.copytree(FIXTURES / "grown_repo", dst, ignore=shutil.ignore_patterns("EXPECTED.json"))
    git(dst, "init", "-q", "-b", "main")
    commit_all(dst, "grown registry")
    return dst


def rendered_grown(dst: Path) -> tuple[Path, "CliResult", "Cli"]:
    """:func:`grown_copy` at ``dst`` after one render: (repository, the render's result,
    the CLI runner), for module fixtures whose tests read what that render did."""
    repo = grown_copy(dst)
    cli = Cli()
    return repo, cli("render", "--repo", str(repo)), cli


@pytest.fixture
def compliant_committed(tmp_path: Path) -> Path:
    """The hand-written compliant repository (compliant_repo.py), committed in a new git repository."""
    from compliant_repo import build_repo

    r = build_repo(tmp_path / "repo")
    git(r, "init", "-q", "-b", "main")
    commit_all(r, "compliant")
    return r


@pytest.fixture
def wild_repo(tmp_path: Path) -> Path:
    """The fixture shaped like real registries (CRLF, \\T escapes...), as a git repository."""
    import shutil

    dst = tmp_path / "wild"
    shutil.copytree(FIXTURES / "wild_repo", dst)
    git(dst, "init", "-q", "-b", "main")
    commit_all(dst, "wild fixture")
    return dst


class CliResult:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    @property
    def text(self) -> str:
        return self.out + self.err

    def __repr__(self) -> str:
        return f"CliResult(code={self.code}, out={self.out[-3000:]!r}, err={self.err[-3000:]!r})"


class Cli:
    """Runs the real entry point (``patforge.cli.run``) in-process; returns code and output."""

    def __call__(self, *args: str) -> CliResult:
        from patforge.cli import run

        runner = CliRunner()
        with runner.isolation() as (out, err, _):
            code = run(list(args))
        return CliResult(code, out.getvalue().decode("utf-8", "replace"),
                         err.getvalue().decode("utf-8", "replace"))


@pytest.fixture
def cli() -> Cli:
    return Cli()


def run_patforge(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The installed console entry point, as a user runs it (a separate process)."""
    return subprocess.run([sys.executable, "-m", "patforge", *args], cwd=cwd, capture_output=True,
                          text=True, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
