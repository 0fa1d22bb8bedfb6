"""Hostile *state*: a repository as an attacker or an accident leaves it (symlinks
out of the tree, read-only files, planted journals, answers files that name another
template, a shared state folder). Each case asserts its message and exit code, that
no file in the repository changed and that nothing was written next to it
(tests/test_hostile_input.py holds the input cases; together they are the corpus)."""

from __future__ import annotations

import base64
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from conftest import commit_all, tree_snapshot
from hostile_repo import GOOD_ENTRY, REG, SPEC, build, copy_rendered, foreign_bundle, reg_with, rendered  # noqa: F401 - the fixture

from patforge.transaction.state import state_location

ANSWERS = ".patforge/answers/alpha/executor.yml"
EXECUTOR = "patterns/executors/alpha_executor.py"


@dataclass
class StateCase:
    id: str
    setup: Callable[[Path, Path], Path]  # (tmp_path, rendered) -> repository
    args: tuple[str, ...]
    code: int
    message: str
    env: dict[str, str] = field(default_factory=dict)
    posix_only: bool = False


# -- symlinks out of the repository (defect 7) ----------------------------------------------

def _link_out(folder: str, rendered_first: bool = False) -> Callable[[Path, Path], Path]:
    """``folder`` is a symlink to a folder outside the repository."""
    def setup(tmp: Path, rendered: Path) -> Path:
        repo = copy_rendered(tmp, rendered) if rendered_first else build(tmp)
        outside = tmp / "outside"
        outside.mkdir()
        target = repo / folder
        if target.exists():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(outside, target_is_directory=True)
        return repo
    return setup


def _example_dir_link(tmp: Path, _r: Path) -> Path:
    repo = build(tmp, reg_with(GOOD_ENTRY + "    example_dir: patterns/examples/alpha\n"))
    (tmp / "outside").mkdir()
    (repo / "patterns/examples/alpha").symlink_to(tmp / "outside", target_is_directory=True)
    return repo


def _file_link(rel: str, to: str) -> Callable[[Path, Path], Path]:
    """``rel`` is a symlink to ``to`` (a path inside the repository, or absolute)."""
    def setup(tmp: Path, _r: Path) -> Path:
        repo = build(tmp)
        (repo / "README.md").write_text("# readme\n")
        (tmp / "outside.py").write_text("print('outside')\n")
        target = repo / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(to.replace("{tmp}", str(tmp)))
        return repo
    return setup


# -- read-only files (defect 8) -----------------------------------------------------------------

def _read_only(rel: str, entry: str = GOOD_ENTRY) -> Callable[[Path, Path], Path]:
    def setup(tmp: Path, _r: Path) -> Path:
        repo = build(tmp, reg_with(entry))
        os.chmod(repo / rel, 0o444)
        return repo
    return setup


COMPLETE_SPEC_ENTRY = GOOD_ENTRY.replace("    name: alpha\n", "    doc_id: DOC-ALPHA-001\n    name: alpha\n")


# -- answers files (defects 4 and 5) -------------------------------------------------------------

def _answers(content: bytes | str, rel: str = ANSWERS) -> Callable[[Path, Path], Path]:
    def setup(tmp: Path, rendered: Path) -> Path:
        repo = copy_rendered(tmp, rendered)
        (repo / rel).write_bytes(content if isinstance(content, bytes) else content.encode())
        commit_all(repo, "answers edited")
        return repo
    return setup


def _src_path(value: str, files: tuple[str, ...] = (ANSWERS,)) -> Callable[[Path, Path], Path]:
    return _src_paths({rel: value for rel in files})


def _src_paths(by_file: dict[str, str]) -> Callable[[Path, Path], Path]:
    def setup(tmp: Path, rendered: Path) -> Path:
        repo = copy_rendered(tmp, rendered)
        for rel, value in by_file.items():
            p = repo / rel
            p.write_text(p.read_text().replace("_src_path: .patforge/templates.bundle",
                                               f"_src_path: {value.replace('{tmp}', str(tmp))}"))
        commit_all(repo, "answers point elsewhere")
        return repo
    return setup


# -- planted journals (defect 2) -----------------------------------------------------------------

def _journal(payload: object | bytes, *, in_git: bool = True) -> Callable[[Path, Path], Path]:
    def setup(tmp: Path, rendered: Path) -> Path:
        repo = copy_rendered(tmp, rendered) if in_git else build(tmp)
        state = state_location(repo)
        state.mkdir(parents=True, exist_ok=True, mode=0o700)
        raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        (state / "journal.json").write_bytes(raw.replace(b"{tmp}", str(tmp).encode()))
        return repo
    return setup


def _entry(path: str, data: bytes | None = b"planted\n") -> dict:
    return {"writes": [{"path": path, "data": None if data is None else base64.b64encode(data).decode()}]}


# -- the state folder outside git (defect 2) ------------------------------------------------------

def _state_folder(mode: int | None = None, owner: int | None = None, link: bool = False
                  ) -> Callable[[Path, Path], Path]:
    def setup(tmp: Path, _r: Path) -> Path:
        repo = build(tmp)
        state = state_location(repo)
        if state.exists() or state.is_symlink():
            shutil.rmtree(state, ignore_errors=True)
            if state.is_symlink():
                state.unlink()
        state.parent.mkdir(parents=True, exist_ok=True)
        if link:
            (tmp / "elsewhere").mkdir()
            state.symlink_to(tmp / "elsewhere", target_is_directory=True)
            return repo
        state.mkdir()
        if mode is not None:
            os.chmod(state, mode)
        if owner is not None:
            os.chown(state, owner, owner)
        return repo
    return setup


OUTSIDE = "{tmp}/outside/planted.txt"
STATE_CASES = [
    # symlinks that lead out of the repository: refused before anything lands
    StateCase("dot-patforge-links-out", _link_out(".patforge"), ("render",), 1, "through a symlink"),
    StateCase("dot-patforge-links-out-rendered", _link_out(".patforge", True), ("render",), 1,
              "through a symlink"),
    StateCase("examples-folder-links-out", _link_out("patterns/examples"), ("render",), 1, "through a symlink"),
    StateCase("example-dir-links-out", _example_dir_link, ("render",), 1, "through a symlink"),
    StateCase("tests-folder-links-out", _link_out("patterns/tests"), ("render",), 1, "through a symlink"),
    StateCase("scripts-links-out", _link_out("scripts"), ("render",), 2, "refusing to write scripts/"),
    StateCase("repo-tests-links-out", _link_out("tests"), ("render",), 2, "refusing to write tests/patterns"),
    StateCase("schema-folder-links-out-check-fix", _link_out("patterns/schemas"), ("check", "--fix"), 1,
              "through a symlink"),
    StateCase("executor-links-out", _file_link(EXECUTOR, "{tmp}/outside.py"), ("render",), 1,
              "through a symlink"),
    StateCase("executor-links-to-readme", _file_link(EXECUTOR, "../../README.md"), ("render",), 1,
              "a different kind of file"),
    # the summary cuts long messages at 200 characters; --verbose shows them whole
    StateCase("executor-links-to-readme-check-fix", _file_link(EXECUTOR, "../../README.md"),
              ("check", "--fix", "--verbose"), 1, "a different kind of file"),
    StateCase("dot-patforge-links-out-doctor", _link_out(".patforge"), ("doctor",), 1, "through a symlink"),
    # read-only files are the user's "do not change"
    StateCase("registry-read-only", _read_only(REG), ("render",), 2, "is read-only"),
    StateCase("registry-read-only-check-fix", _read_only(REG), ("check", "--fix"), 2, "is read-only"),
    StateCase("spec-read-only", _read_only(SPEC, COMPLETE_SPEC_ENTRY), ("render", "--phase", "1"), 2,
              "is read-only"),
    # answers files that are not answers files: a clean per-unit failure, like update and check
    StateCase("answers-not-utf8-render", _answers(b"_commit: v1\n\xff\xfe\x80 garbage\n"), ("render",), 1,
              "not valid UTF-8"),
    StateCase("answers-utf16-render", _answers("_commit: v1.0.0\n".encode("utf-16")), ("render",), 1,
              "UTF-16"),
    StateCase("answers-not-a-mapping-render", _answers("- a\n- b\n"), ("render",), 1,
              "is not a patforge answers file"),
    StateCase("answers-bad-yaml-render", _answers("_commit: [v1\n"), ("render",), 1, "invalid YAML"),
    StateCase("answers-alias-bomb-render",
              _answers("a0: &a0 [x]\n" + "".join(f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 10) + "]\n"
                                                 for i in range(1, 9))), ("render",), 1, "aliases expand"),
    StateCase("answers-not-utf8-update", _answers(b"_commit: v1\n\xff\xfe\x80 garbage\n"), ("update",), 2,
              "is not a patforge answers file"),
    # answers files choose the template: not without the user's word (defect 5)
    StateCase("src-path-other-template-render", _src_path("{tmp}/evil-templates"), ("render",), 2,
              "a template source patforge does not know"),
    StateCase("src-path-other-template-update", _src_path("{tmp}/evil-templates"), ("update",), 2,
              "a template source patforge does not know"),
    StateCase("src-path-url-render", _src_path("https://example.invalid/evil.git"), ("render",), 2,
              "--template https://example.invalid/evil.git"),
    StateCase("src-path-disagree", _src_path("{tmp}/one", (ANSWERS,)) , ("doctor",), 1,
              "does not know"),
    StateCase("src-paths-disagree-two-sources", _src_paths({ANSWERS: "{tmp}/one",
                                                           ".patforge/answers/alpha/schema.yml": "{tmp}/two"}),
              ("render",), 2, "disagree"),
    StateCase("foreign-bundle-render", foreign_bundle, ("render",), 2, "does not know"),
    StateCase("foreign-bundle-update", foreign_bundle, ("update",), 2, "does not know"),
    # planted or broken journals: set aside once, never replayed outside the repository
    StateCase("journal-absolute-path", _journal(_entry(OUTSIDE)), ("render",), 0, "could not be used"),
    StateCase("journal-dotdot-path", _journal(_entry("../outside/planted.txt")), ("render",), 0,
              "could not be used"),
    StateCase("journal-into-git-hooks", _journal(_entry(".git/hooks/pre-commit")), ("render",), 0,
              "could not be used"),
    StateCase("journal-delete-outside", _journal(_entry("../victim.txt", None)), ("render",), 0,
              "could not be used"),
    StateCase("journal-bad-base64", _journal({"writes": [{"path": "x.txt", "data": "%%%not base64"}]}),
              ("render",), 0, "not base64"),
    StateCase("journal-wrong-shape", _journal(["not", "a", "mapping"]), ("render",), 0, "'writes' list"),
    StateCase("journal-entry-not-mapping", _journal({"writes": ["x.txt"]}), ("render",), 0,
              "is not a {path, data} mapping"),
    StateCase("journal-not-json", _journal(b"\x00\xffgarbage"), ("render",), 0, "not JSON"),
    StateCase("journal-planted-update", _journal(_entry(OUTSIDE)), ("update",), 0, "could not be used"),
    # the state folder outside git must be this user's and private
    StateCase("state-folder-world-writable", _state_folder(mode=0o777), ("render",), 2,
              "can be written by other users", posix_only=True),
    StateCase("state-folder-group-writable", _state_folder(mode=0o770), ("render",), 2,
              "can be written by other users", posix_only=True),
    StateCase("state-folder-foreign-owner", _state_folder(mode=0o700, owner=4242), ("render",), 2,
              "belongs to another user", posix_only=True),
    StateCase("state-folder-is-a-symlink", _state_folder(link=True), ("render",), 2, "not a plain folder",
              posix_only=True),
]


def test_state_corpus_is_large_enough():
    # docs/reliability.md counts 41 state cases (with test_hostile_input.py's 80, over 100)
    assert len(STATE_CASES) >= 41 and len({c.id for c in STATE_CASES}) == len(STATE_CASES)


@pytest.mark.parametrize("case", STATE_CASES, ids=[c.id for c in STATE_CASES])
def test_hostile_state(tmp_path, cli, rendered, monkeypatch, case):
    if case.posix_only and os.name != "posix":
        pytest.skip("POSIX ownership and mode bits")
    if "owner" in case.id and os.getuid() != 0:
        pytest.skip("chown to another user needs root")
    for k, v in case.env.items():
        monkeypatch.setenv(k, v)
    repo = case.setup(tmp_path, rendered)
    (tmp_path / "outside").mkdir(exist_ok=True)
    (tmp_path / "victim.txt").write_text("keep me\n")
    before = tree_snapshot(tmp_path)
    r = cli(*case.args, "--repo", str(repo))
    assert r.code == case.code, r
    assert case.message in r.text, r
    after = tree_snapshot(tmp_path)
    assert after == before, f"files changed: {sorted(k for k in set(after) | set(before) if after.get(k) != before.get(k))}"
    assert not (tmp_path / "outside" / "planted.txt").exists()
