"""Registry loading: every diagnostic names file, line, column and a fix."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from patforge.repository.config import Config
from patforge.errors import RegistryError
from patforge.repository.registry import infer_root, load_registry

ENTRY = """\
  - pattern_id: {pid}
    name: {name}
    version: "1.0.0"
    status: draft
    spec_path: {root}/specs/{name}.pattern.yaml
    schema_path: {root}/schemas/{name}.schema.json
    executor_path: {root}/executors/{name}_executor.ps1
"""


def make_repo(tmp_path: Path, entries: str, specs: dict[str, str] | None = None) -> Path:
    reg = tmp_path / "patterns" / "registry" / "PATTERN_INDEX.yaml"
    reg.parent.mkdir(parents=True)
    reg.write_text("version: '1.0'\npatterns:\n" + entries, encoding="utf-8")
    for rel, text in (specs or {}).items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return tmp_path


def entry(name: str, pid: str | None = None, root: str = "patterns") -> str:
    return ENTRY.format(name=name, pid=pid or f"PAT-{name.upper().replace('_', '-')}-001", root=root)


def spec(name: str, pid: str | None = None) -> str:
    return f"pattern_id: {pid or 'PAT-' + name.upper().replace('_', '-') + '-001'}\nname: {name}\n"


def codes(reg) -> list[str]:
    return [d.code for d in reg.diagnostics]


def test_loads_entries_roots_and_specs(tmp_path):
    repo = make_repo(tmp_path, entry("alpha") + entry("beta", root="patterns/legacy_atoms/converted"),
                     {"patterns/specs/alpha.pattern.yaml": spec("alpha"),
                      "patterns/legacy_atoms/converted/specs/beta.pattern.yaml": spec("beta")})
    reg = load_registry(repo)
    assert [p.name for p in reg.patterns] == ["alpha", "beta"]
    assert reg.roots == ["patterns", "patterns/legacy_atoms/converted"]
    assert reg.patterns[1].root == "patterns/legacy_atoms/converted"
    assert all(p.spec is not None for p in reg.patterns)
    assert not reg.diagnostics.errors
    assert reg.doc_id_for(reg.patterns[0]) == "DOC-ALPHA-001"


def test_doc_id_rule_is_configurable(tmp_path):
    repo = make_repo(tmp_path, entry("alpha"))
    (repo / "patforge.toml").write_text('[patforge]\ndoc_id_rule = "DOC-PAT-<REST>"\n')
    reg = load_registry(repo, load_specs=False)
    assert reg.doc_id_for(reg.patterns[0]) == "DOC-PAT-ALPHA-001"


def test_existing_doc_id_is_kept(tmp_path):
    repo = make_repo(tmp_path, entry("alpha").replace("    name:", "    doc_id: DOC-CUSTOM-7\n    name:"))
    reg = load_registry(repo, load_specs=False)
    assert reg.doc_id_for(reg.patterns[0]) == "DOC-CUSTOM-7"


def test_invalid_escape_in_registry_is_located(tmp_path):
    repo = make_repo(tmp_path, entry("alpha") + '    notes: "C:\\Tools\\x"\n')
    with pytest.raises(RegistryError) as exc:
        load_registry(repo)
    d = exc.value.diagnostics[0]
    assert (d.path, d.line, d.column) == ("patterns/registry/PATTERN_INDEX.yaml", 10, 15)
    assert "\\T" in d.message and "single quotes" in d.hint


def test_missing_registry(tmp_path):
    with pytest.raises(RegistryError) as exc:
        load_registry(tmp_path)
    assert exc.value.diagnostics[0].code == "file-missing"


def test_missing_fields_are_reported_and_entry_skipped(tmp_path):
    broken = entry("beta").replace("    spec_path: patterns/specs/beta.pattern.yaml\n", "")
    repo = make_repo(tmp_path, entry("alpha") + broken)
    reg = load_registry(repo, load_specs=False)
    assert [p.name for p in reg.patterns] == ["alpha"]
    d = reg.diagnostics.errors[0]
    assert d.code == "missing-field" and "spec_path" in d.message and d.line == 10


def test_absent_schema_and_executor_paths_are_derived(tmp_path):
    beta = entry("beta").replace("    schema_path: patterns/schemas/beta.schema.json\n", "")
    beta = "\n".join(ln for ln in beta.split("\n") if "executor_path" not in ln)
    repo = make_repo(tmp_path, entry("alpha") + beta)
    reg = load_registry(repo, load_specs=False)
    b = reg.by_name("beta")
    lang = reg.by_name("alpha").executor_path.rsplit(".", 1)[1]
    assert b.derived == {"schema_path": "patterns/schemas/beta.schema.json",
                         "executor_path": f"patterns/executors/beta_executor.{lang}"}
    assert b.schema_path == b.derived["schema_path"]


@pytest.mark.parametrize("field", ["pattern_id", "name", "doc_id"])
def test_duplicates_name_both_entries(tmp_path, field):
    a = entry("alpha").replace("    name:", "    doc_id: DOC-SAME-001\n    name:")
    b = entry("beta").replace("    name:", "    doc_id: DOC-OTHER-001\n    name:")
    if field == "pattern_id":
        b = b.replace("PAT-BETA-001", "PAT-ALPHA-001")
    elif field == "name":
        b = b.replace("name: beta", "name: alpha")
    else:
        b = b.replace("DOC-OTHER-001", "DOC-SAME-001")
    repo = make_repo(tmp_path, a + b + entry("gamma"))
    reg = load_registry(repo, load_specs=False)
    dup = [d for d in reg.diagnostics if d.code == f"duplicate-{field.replace('_', '-')}"]
    assert len(dup) == 1
    assert "#1 (line" in dup[0].message and "#2" in dup[0].message
    assert [p.name for p in reg.patterns] == ["gamma"]


@pytest.mark.parametrize("bad", ["../evil", "a/b", "a\\b", "C:x", "has space", "Upper", "con", "nul",
                                 "ａtomic", ""])
def test_unsafe_names(tmp_path, bad):
    e = entry("alpha").replace("name: alpha", f"name: {bad!r}" if bad else "name: ''")
    repo = make_repo(tmp_path, e)
    reg = load_registry(repo, load_specs=False)
    assert reg.patterns == []
    assert reg.diagnostics.errors[0].code in ("unsafe-name", "missing-field")


@pytest.mark.parametrize("path,why", [
    ("/etc/passwd", "absolute"), ("C:/Windows/x.yaml", "absolute"), ("\\\\server\\share\\x", "absolute"),
    ("patterns/../../outside.yaml", "leaves the repository"), ("patterns/specs/CON.yaml", "reserved"),
])
def test_unsafe_paths(tmp_path, path, why):
    e = entry("alpha").replace("patterns/specs/alpha.pattern.yaml", path)
    repo = make_repo(tmp_path, e)
    reg = load_registry(repo, load_specs=False)
    assert reg.patterns == []
    d = reg.diagnostics.errors[0]
    assert d.code == "unsafe-path" and why in d.message and d.line == 7


def test_symlink_leaving_the_repository(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    repo = make_repo(tmp_path / "repo", entry("alpha"))
    (repo / "patterns" / "specs").symlink_to(outside, target_is_directory=True)
    reg = load_registry(repo, load_specs=False)
    assert reg.patterns == []
    assert "symlink" in reg.diagnostics.errors[0].message


def test_spec_disagreeing_with_entry(tmp_path):
    repo = make_repo(tmp_path, entry("alpha"), {"patterns/specs/alpha.pattern.yaml": spec("alpha", "PAT-OTHER-001")})
    reg = load_registry(repo)
    d = reg.diagnostics.errors[0]
    assert d.code == "spec-mismatch" and d.line == 1 and "PAT-OTHER-001" in d.message
    assert reg.patterns[0].spec is None


def test_broken_spec_does_not_stop_the_others(tmp_path):
    repo = make_repo(tmp_path, entry("alpha") + entry("beta"),
                     {"patterns/specs/alpha.pattern.yaml": 'pattern_id: PAT-ALPHA-001\nsrc: "D:\\Tools"\n',
                      "patterns/specs/beta.pattern.yaml": spec("beta")})
    reg = load_registry(repo)
    assert reg.patterns[0].spec is None and reg.patterns[1].spec is not None
    d = reg.diagnostics.errors[0]
    assert (d.path, d.line) == ("patterns/specs/alpha.pattern.yaml", 2) and d.code == "yaml-syntax"


def test_missing_spec_and_spec_that_is_a_folder(tmp_path):
    repo = make_repo(tmp_path, entry("alpha") + entry("beta"))
    (repo / "patterns/specs/beta.pattern.yaml").mkdir(parents=True)
    reg = load_registry(repo)
    msgs = {d.path: d.message for d in reg.diagnostics.errors}
    assert "does not exist" in msgs["patterns/specs/alpha.pattern.yaml"]
    assert "directory" in msgs["patterns/specs/beta.pattern.yaml"]


def test_infer_root():
    assert infer_root("patterns/legacy_atoms/converted/specs/x.pattern.yaml") == "patterns/legacy_atoms/converted"
    assert infer_root("patterns/specs/x.pattern.yaml") == "patterns"
    assert infer_root("x.yaml") is None


def test_wild_fixture_loads_with_two_broken_specs(wild_repo):
    reg = load_registry(wild_repo)
    assert len(reg.patterns) == 6
    broken = sorted(d.path for d in reg.diagnostics.errors)
    assert broken == ["patterns/legacy_atoms/converted/specs/migrated_core_001.pattern.yaml",
                      "patterns/legacy_atoms/converted/specs/migrated_orchestrator_001.pattern.yaml"]
