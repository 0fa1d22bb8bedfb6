"""Entries as people leave them: moved specs, absent paths, duplicate names, backslashes, orphans."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import commit_all, git
from patforge.repository.entrypaths import majority_language, repoint_line
from patforge.repository.registry import load_registry

REG = "patterns/registry/PATTERN_INDEX.yaml"


def _entry(name: str, pid: str, spec: str, extra: str = "") -> str:
    return (f"  - pattern_id: {pid}\n    name: {name}\n    version: \"1.0.0\"\n    status: draft\n"
            f"    spec_path: {spec}\n{extra}")


def _spec(name: str, pid: str) -> str:
    return f"pattern_id: {pid}\nname: {name}\nversion: \"1.0.0\"\ninputs:\n  a: string\n"


def _repo(tmp: Path, entries: str, files: dict[str, str]) -> Path:
    repo = tmp / "repo"
    for d in ("registry", "specs", "schemas", "executors", "examples", "tests"):
        (repo / "patterns" / d).mkdir(parents=True, exist_ok=True)
    (repo / REG).write_text("version: '1'\npatterns:\n  # hand-kept\n" + entries)
    for rel, text in files.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text)
    git(repo, "init", "-q", "-b", "main")
    commit_all(repo)
    return repo


def test_repoint_line_keeps_indent_quotes_and_comment():
    text = "a: 1\n    spec_path: 'patterns/specs/x.yaml'  # moved?\r\n"
    e = repoint_line(text, 2, "spec_path", "patterns/specs/sub/x.md")
    assert e.after == "    spec_path: patterns/specs/sub/x.md  # moved?\r\n"
    assert repoint_line("  - spec_path: \"a\\\\b\"\n", 1, "spec_path", "c").after == "  - spec_path: c\n"


def test_majority_language():
    assert majority_language([{"executor_path": "a.py"}, {"executor_path": "b.py"}, {"executor_path": "c.ps1"}]) \
        == "python"
    assert majority_language([{"executor_path": "a.py"}], "powershell") == "powershell"


def test_moved_spec_is_read_where_it_is_and_doctor_repoints_a_noncompliant_path(tmp_path, cli):
    # spec_path is not the compliant place (<name>.pattern.yaml under specs/): doctor repoints it
    # (when it is, doctor moves the spec back instead: tests/test_spec_where_it_is.py)
    repo = _repo(tmp_path, _entry("alpha", "PAT-ALPHA-001", "patterns/specs/alpha.yaml"),
                 {"patterns/specs/old/alpha.md": "---\n" + _spec("alpha", "PAT-ALPHA-001") + "---\n# Alpha\n"})
    reg = load_registry(repo)
    assert reg.by_name("alpha").spec.path == "patterns/specs/old/alpha.md"
    assert any("read where it is: alpha (patterns/specs/old/alpha.md)" in n for n in reg.notes), reg.notes
    shown = cli("doctor", "--repo", str(repo))
    assert "-    spec_path: patterns/specs/alpha.yaml" in shown.out
    assert "+    spec_path: patterns/specs/old/alpha.md" in shown.out
    assert (repo / REG).read_text().count("alpha.yaml") == 1  # shown, not written
    cli("doctor", "--repo", str(repo), "--fix")
    assert git(repo, "diff", "--numstat").split() == ["1", "1", REG]
    assert load_registry(repo).by_name("alpha").spec is not None


def test_duplicate_name_matching_the_spec_wins(tmp_path):
    entries = (_entry("alpha", "PAT-ALPHA-001", "patterns/specs/alpha.pattern.yaml")
               + _entry("alpha", "PAT-ALPHA-COPY-001", "patterns/specs/alpha.pattern.yaml"))
    repo = _repo(tmp_path, entries, {"patterns/specs/alpha.pattern.yaml": _spec("alpha", "PAT-ALPHA-001")})
    reg = load_registry(repo)
    assert [(p.index, p.pattern_id) for p in reg.patterns] == [(0, "PAT-ALPHA-001")]
    d = next(d for d in reg.diagnostics if d.code == "duplicate-name-resolved")
    assert "entry #1" in d.message and "matches the spec" in d.message and "remove entry #2" in d.hint
    assert reg.duplicate_names == {1: 0}


def test_backslash_paths_are_said_once(tmp_path):
    entries = (_entry("alpha", "PAT-ALPHA-001", "'patterns\\specs\\alpha.pattern.yaml'")
               + _entry("beta", "PAT-BETA-001", "'patterns\\specs\\beta.pattern.yaml'"))
    repo = _repo(tmp_path, entries, {"patterns/specs/alpha.pattern.yaml": _spec("alpha", "PAT-ALPHA-001"),
                                     "patterns/specs/beta.pattern.yaml": _spec("beta", "PAT-BETA-001")})
    reg = load_registry(repo)
    notes = [n for n in reg.notes if "backslash" in n]
    assert len(notes) == 1 and notes[0].startswith("2 registry path(s)")
    assert reg.by_name("beta").spec_path == "patterns/specs/beta.pattern.yaml"


def test_sidecar_binds_the_schema_and_orphans_are_reported(tmp_path, cli):
    entries = _entry("alpha", "PAT-ALPHA-001", "patterns/specs/alpha.pattern.yaml", "    doc_id: DOC-ALPHA-001\n")
    repo = _repo(tmp_path, entries, {
        "patterns/specs/alpha.pattern.yaml": _spec("alpha", "PAT-ALPHA-001"),
        "patterns/schemas/alpha_v2.schema.json": json.dumps({"type": "object"}),
        "patterns/schemas/alpha_v2.schema.id.yaml": "doc_id: DOC-ALPHA-001\n",
        "patterns/specs/gone.pattern.yaml": _spec("gone", "PAT-GONE-001"),
        "patterns/executors/gone_executor.ps1": "Write-Host x\n",
        "patterns/examples/gone/instance_minimal.json": "{}",
    })
    reg = load_registry(repo)
    assert reg.by_name("alpha").derived["schema_path"] == "patterns/schemas/alpha_v2.schema.json"
    data = json.loads(cli("check", "--repo", str(repo), "--format", "json").out)
    orphans = sorted(f["path"] for r in data["results"] if r["rule"] == "PATFORGE-ORPHAN"
                     for f in r["findings"] if f["status"] == "WARN")
    assert orphans == ["patterns/examples/gone", "patterns/executors/gone_executor.ps1",
                       "patterns/specs/gone.pattern.yaml"]
