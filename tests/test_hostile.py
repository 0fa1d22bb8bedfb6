"""Hostile and broken input: each case asserts the message, the exit code, and that
nothing changed on disk (tests/hostile_cases.md lists them for people)."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from conftest import commit_all, git, tree_snapshot

GOOD_ENTRY = """\
  - pattern_id: PAT-ALPHA-001
    name: alpha
    version: "1.0.0"
    status: draft
    category: demo
    spec_path: patterns/specs/alpha.pattern.yaml
    schema_path: patterns/schemas/alpha.schema.json
    executor_path: patterns/executors/alpha_executor.py
"""
GOOD_SPEC = """\
pattern_id: PAT-ALPHA-001
name: alpha
version: "1.0.0"
intent: |
  Demo.
inputs:
  target:
    type: string
    required: true
"""
REG = "patterns/registry/PATTERN_INDEX.yaml"
SPEC = "patterns/specs/alpha.pattern.yaml"


def build(tmp: Path, registry: str | bytes | None = None, spec: str | bytes | None = GOOD_SPEC) -> Path:
    repo = tmp / "repo"
    for d in ("registry", "specs", "schemas", "executors", "examples", "tests"):
        (repo / "patterns" / d).mkdir(parents=True, exist_ok=True)
    reg = registry if registry is not None else "version: '1.0'\npatterns:\n" + GOOD_ENTRY
    (repo / REG).write_bytes(reg if isinstance(reg, bytes) else reg.encode("utf-8"))
    if spec is not None:
        (repo / SPEC).write_bytes(spec if isinstance(spec, bytes) else spec.encode("utf-8"))
    return repo


def reg_with(entry: str) -> str:
    return "version: '1.0'\npatterns:\n" + entry


@dataclass
class Case:
    id: str
    setup: Callable[[Path], Path]
    args: tuple[str, ...]
    code: int
    message: str  # must appear in the output


def _dup(field: str, value: str) -> Callable[[Path], Path]:
    def setup(tmp: Path) -> Path:
        second = GOOD_ENTRY.replace("alpha", "beta").replace("ALPHA", "BETA")
        if field == "pattern_id":
            second = second.replace("PAT-BETA-001", value)
        elif field == "name":
            # both entries match their own spec: which one the name means is ambiguous
            second = second.replace("name: beta", f"name: {value}")
            repo = build(tmp, reg_with(GOOD_ENTRY + second))
            (repo / "patterns/specs/beta.pattern.yaml").write_text(GOOD_SPEC.replace("ALPHA", "BETA"))
            return repo
        else:
            first = GOOD_ENTRY.replace("    name:", f"    doc_id: {value}\n    name:")
            return build(tmp, reg_with(first + second.replace("    name:", f"    doc_id: {value}\n    name:")))
        return build(tmp, reg_with(GOOD_ENTRY + second))
    return setup


def _name(bad: str) -> Callable[[Path], Path]:
    return lambda tmp: build(tmp, reg_with(GOOD_ENTRY.replace("name: alpha", f"name: {bad}")))


def _path(bad: str) -> Callable[[Path], Path]:
    return lambda tmp: build(tmp, reg_with(GOOD_ENTRY.replace("patterns/specs/alpha.pattern.yaml", bad)))


def _symlinked(tmp: Path) -> Path:
    repo = build(tmp)
    outside = tmp / "outside"
    outside.mkdir()
    (repo / "patterns" / "schemas").rmdir()
    (repo / "patterns" / "schemas").symlink_to(outside, target_is_directory=True)
    return repo


def _spec_folder(tmp: Path) -> Path:
    repo = build(tmp, spec=None)
    (repo / SPEC).mkdir()
    return repo


def _no_tags(tmp: Path) -> Path:
    tpl = tmp / "tpl"
    tpl.mkdir()
    (tpl / "copier.yml").write_text("artifact: {type: str}\n")
    git(tpl, "init", "-q")
    commit_all(tpl, "untagged")
    return build(tmp)


def _dirty(tmp: Path) -> Path:
    repo = build(tmp)
    git(repo, "init", "-q")
    commit_all(repo)
    (repo / "patterns/specs/alpha.pattern.yaml").write_text(GOOD_SPEC + "# local edit\n")
    return repo


def _big(tmp: Path) -> Path:
    return build(tmp, reg_with(GOOD_ENTRY) + "# " + "x" * (50 * 1024 * 1024) + "\n")


def _broken_toml(tmp: Path) -> Path:
    repo = build(tmp)
    (repo / "patforge.toml").write_text("[patforge\nregistry = 1\n")
    return repo


SCHEMA_ONLY = ("render", "--phase", "2", "--kind", "schema")
CASES = [
    Case("yaml-invalid-escape", lambda t: build(t, reg_with(GOOD_ENTRY + '    notes: "C:\\Tools"\n')),
         ("render",), 2, "unknown escape '\\T'"),
    Case("yaml-tab-indent", lambda t: build(t, reg_with(GOOD_ENTRY + "\tnotes: x\n")), ("render",), 2,
         "tab character"),
    Case("yaml-unclosed-quote", lambda t: build(t, reg_with(GOOD_ENTRY + '    notes: "open\n')), ("render",), 2,
         "quoted string is not closed"),
    Case("yaml-duplicate-key", lambda t: build(t, reg_with(GOOD_ENTRY + "    name: again\n")), ("render",), 2,
         "duplicate key 'name'"),
    Case("yaml-not-utf8", lambda t: build(t, reg_with(GOOD_ENTRY).encode() + b"    notes: caf\xe9\n"),
         ("render",), 2, "not valid UTF-8"),
    Case("yaml-utf16", lambda t: build(t, reg_with(GOOD_ENTRY).encode("utf-16")), ("render",), 2, "UTF-16"),
    Case("yaml-empty", lambda t: build(t, ""), ("render",), 2, "file is empty"),
    Case("yaml-only-comments", lambda t: build(t, "# nothing\n"), ("render",), 2, "only comments"),
    Case("yaml-50mb", _big, ("render",), 2, "over the 10 MiB limit"),
    Case("yaml-not-a-mapping", lambda t: build(t, "- a\n- b\n"), ("render",), 2, "'patterns:' list"),
    Case("yaml-several-documents", lambda t: build(t, reg_with(GOOD_ENTRY) + "---\nb: 1\n"), ("render",), 2,
         "several YAML documents"),
    Case("spec-invalid-escape", lambda t: build(t, spec=GOOD_SPEC + 'src: "D:\\Tools"\n'), SCHEMA_ONLY, 1,
         "unknown escape '\\T'"),
    Case("duplicate-pattern-id", _dup("pattern_id", "PAT-ALPHA-001"), ("render",), 1, "duplicate pattern_id"),
    Case("duplicate-name", _dup("name", "alpha"), ("render",), 1, "duplicate name 'alpha'"),
    Case("duplicate-doc-id", _dup("doc_id", "DOC-SAME-001"), ("render",), 1, "duplicate doc_id"),
    Case("name-dotdot", _name("../evil"), ("render",), 1, "not a safe identifier"),
    Case("name-slash", _name("a/b"), ("render",), 1, "not a safe identifier"),
    Case("name-backslash", _name("'a\\b'"), ("render",), 1, "not a safe identifier"),
    Case("name-drive", _name("'C:x'"), ("render",), 1, "not a safe identifier"),
    Case("name-space", _name("'has space'"), ("render",), 1, "not a safe identifier"),
    Case("name-lookalike", _name("\u0430lpha"), ("render",), 1, "not a safe identifier"),
    Case("name-con", _name("con"), ("render",), 1, "reserved Windows device name"),
    Case("name-nul", _name("nul"), ("render",), 1, "reserved Windows device name"),
    Case("path-absolute", _path("/etc/alpha.pattern.yaml"), ("render",), 1, "is absolute"),
    Case("path-drive", _path("'C:\\specs\\alpha.pattern.yaml'"), ("render",), 1, "is absolute"),
    Case("path-escapes", _path("patterns/../../alpha.pattern.yaml"), ("render",), 1, "leaves the repository"),
    Case("path-reserved", _path("patterns/specs/NUL.yaml"), ("render",), 1, "reserved Windows device name"),
    Case("path-symlink-outside", _symlinked, ("render",), 1, "through a symlink"),
    Case("spec-missing", lambda t: build(t, spec=None), SCHEMA_ONLY, 1, "file does not exist"),
    Case("spec-is-a-folder", _spec_folder, SCHEMA_ONLY, 1, "found a directory"),
    Case("spec-unknown-type", lambda t: build(t, spec=GOOD_SPEC.replace("type: string", "type: strnig")),
         SCHEMA_ONLY, 1, "strnig"),
    Case("spec-min-over-max", lambda t: build(t, spec=GOOD_SPEC + "  n:\n    type: integer\n    min: 5\n    max: 1\n"),
         SCHEMA_ONLY, 1, "min"),
    Case("spec-default-outside-enum",
         lambda t: build(t, spec=GOOD_SPEC + "  m:\n    type: string\n    enum: [a, b]\n    default: c\n"),
         SCHEMA_ONLY, 1, "enum"),
    Case("spec-mismatch", lambda t: build(t, spec=GOOD_SPEC.replace("PAT-ALPHA-001", "PAT-OTHER-001")),
         SCHEMA_ONLY, 1, "PAT-OTHER-001"),
    Case("template-missing", build, ("render", "--template", "/no/such/templates"), 2, "does not exist"),
    Case("template-no-tags", _no_tags, ("render", "--template", "{tmp}/tpl"), 2, "no version tags"),
    Case("update-not-git", build, ("update",), 2, "not a git repository"),
    Case("update-dirty-tree", _dirty, ("update",), 2, "clean git working tree"),
    Case("config-broken-toml", _broken_toml, ("render",), 2, "patforge.toml is not valid TOML"),
    Case("only-unknown-pattern", build, ("render", "--only", "nosuch"), 2, "no usable pattern named nosuch"),
    Case("bad-phase", build, ("render", "--phase", "7"), 2, "7"),
    Case("missing-registry", lambda t: build(t, spec=None) and (t / "repo" / REG).unlink() or t / "repo",
         ("render",), 2, "file does not exist"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_input(tmp_path, cli, case):
    repo = case.setup(tmp_path)
    before = tree_snapshot(repo)
    args = [a.replace("{tmp}", str(tmp_path)) for a in case.args]
    r = cli(*args, "--repo", str(repo))
    assert r.code == case.code, r
    assert case.message in r.text, r
    after = tree_snapshot(repo)
    assert after == before, f"files changed: {sorted(set(after) ^ set(before)) or 'contents'}"


def test_corpus_is_large_enough():
    assert len(CASES) >= 30


def test_bom_is_accepted_and_kept(tmp_path, cli):
    repo = build(tmp_path, b"\xef\xbb\xbf" + reg_with(GOOD_ENTRY).encode())
    r = cli("render", "--repo", str(repo), "--phase", "1")
    assert r.code == 0, r
    raw = (repo / REG).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfversion") and b"doc_id: DOC-ALPHA-001" in raw


def test_broken_spec_among_good_ones_still_renders_the_rest(tmp_path, cli):
    second = GOOD_ENTRY.replace("alpha", "beta").replace("ALPHA", "BETA")
    repo = build(tmp_path, reg_with(GOOD_ENTRY + second), spec=GOOD_SPEC + 'src: "D:\\Tools"\n')
    (repo / "patterns/specs/beta.pattern.yaml").write_text(GOOD_SPEC.replace("alpha", "beta").replace("ALPHA", "BETA"))
    r = cli("render", "--repo", str(repo))
    assert r.code == 1
    assert (repo / "patterns/schemas/beta.schema.json").is_file()
    assert not (repo / "patterns/schemas/alpha.schema.json").exists()
    assert "alpha.pattern.yaml:10:9" in r.err
