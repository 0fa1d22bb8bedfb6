"""The executor, tests and repo templates, end to end on the rendered demo.

One render of the demo (conftest.py's, copied once for this module) is shared: every executor and test carries
its suite's DOC_LINK, generated Python executors behave (exit 2 on invalid input,
3 = not implemented, results valid against pattern_execution_result.v1.json, with
and without jsonschema), the rendered repository's own pytest suites pass, and
break when a DOC_LINK is wrong, and every generated .ps1 parses.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from patforge.validation.codecheck import check_powershell, check_python
from patforge.docids.doclink import find_doc_link
from patforge.spec.domain_schemas import DOMAIN_SCHEMA_FILES, domain_schema_text, load_domain_schema

REGISTRY = "patterns/registry/PATTERN_INDEX.yaml"
BOM = "\ufeff"
# The rendered repository's tests run in a child Python: no bytecode in the tree.
CHILD_ENV = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}


@pytest.fixture(scope="module")
def repo(rendered_demo_once: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo, rendered (all four phases): this module's copy of conftest.py's."""
    root = tmp_path_factory.mktemp("tpl") / "demo"
    shutil.copytree(rendered_demo_once, root, symlinks=True)
    return root


def entries(repo: Path) -> list[dict[str, Any]]:
    return yaml.safe_load((repo / REGISTRY).read_text("utf-8"))["patterns"]


def rendered(repo: Path, name: str, kind: str) -> bool:
    return (repo / ".patforge" / "answers" / name / f"{kind}.yml").is_file()


def run_executor(executor: Path, instance: Path, *, block_jsonschema: bool = False) -> tuple[int, dict]:
    if block_jsonschema:  # sys.modules[name] = None makes `import jsonschema` raise ImportError
        code = ("import runpy, sys; sys.modules['jsonschema'] = None; sys.argv = sys.argv[1:]; "
                "runpy.run_path(sys.argv[0], run_name='__main__')")
        cmd = [sys.executable, "-c", code, str(executor), str(instance)]
    else:
        cmd = [sys.executable, str(executor), str(instance)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=CHILD_ENV)
    try:
        return proc.returncode, json.loads(proc.stdout)
    except ValueError:
        pytest.fail(f"{executor.name} printed no JSON (exit {proc.returncode}): {proc.stdout!r} {proc.stderr!r}")


RESULT_VALIDATOR = jsonschema.Draft7Validator(load_domain_schema("pattern_execution_result.v1.json"),
                                              format_checker=jsonschema.FormatChecker())


def assert_result(result: dict, status: str, entry: dict[str, Any], instance: Path) -> None:
    errors = [e.message for e in RESULT_VALIDATOR.iter_errors(result)]
    assert not errors, (errors, result)
    assert result["status"] == status, result
    assert result["doc_id"] == entry["doc_id"] and result["pattern_id"] == entry["pattern_id"]
    assert result["instance_path"] == str(instance)


# -- headers ---------------------------------------------------------------------------

def test_every_executor_and_test_has_its_doc_link(repo):
    es = entries(repo)
    assert len(es) == 24
    for e in es:
        for key in ("executor_path", "test_path"):
            text = (repo / e[key]).read_text("utf-8")
            link = find_doc_link(text)
            assert link is not None and link.doc_id == e["doc_id"], (e["name"], key)
            if not rendered(repo, e["name"], "executor") and key == "executor_path":
                continue  # hand-written (atomic_create): only its DOC_LINK was inserted
            lines = text.removeprefix(BOM).splitlines()
            assert f"# Pattern: {e['name']} ({e['pattern_id']})" in lines[:3]
            if e[key].endswith(".ps1"):
                assert text.startswith(BOM + "# DOC_LINK: "), "generated .ps1 files are UTF-8 with BOM"
            else:
                assert not text.startswith(BOM)


def test_hand_written_executor_gets_presence_tests_only(repo):
    text = (repo / "patterns/tests/test_atomic_create_executor.ps1").read_text("utf-8")
    assert "written by hand" in text and "exit code 2" not in text
    scaffold = (repo / "patterns/tests/test_batch_create_executor.ps1").read_text("utf-8")
    assert "Should -Be 2" in scaffold and "Should -Be 3" in scaffold


def generated_files(repo: Path) -> list[Path]:
    """Every file an executor/tests/repo answers file says patforge rendered."""
    out = []
    for answers in sorted((repo / ".patforge" / "answers").rglob("*.yml")):
        data = yaml.safe_load(answers.read_text("utf-8"))
        if data["artifact"] in ("executor", "tests"):
            out += [repo / (u["ps1_path"] or u["py_path"]) for u in data["units"]]
    return out + [repo / f for f in ("tests/patterns/__init__.py", "tests/patterns/test_pattern_registry.py",
                                     "tests/patterns/test_doc_id_compliance.py",
                                     "scripts/PATTERN_DIR_CHECK.ps1", "scripts/validate_doc_id_consistency.ps1",
                                     "scripts/generate_all_pattern_files.ps1")]


def test_generated_files_parse(repo):
    files = generated_files(repo)
    ps1 = [p for p in files if p.suffix == ".ps1"]
    py = [p for p in files if p.suffix == ".py"]
    # 5 PowerShell executors (atomic_create's is hand-written), 6 Pester files, 3 scripts;
    # 18 Python executors, 18 pytest files, 3 repository test files
    assert (len(ps1), len(py)) == (5 + 6 + 3, 18 + 18 + 3)
    for p in ps1:
        text = p.read_text("utf-8")
        assert text.startswith(BOM), p
        assert check_powershell(text, p.name) == [], p
    for p in py:
        assert check_python(p.read_text("utf-8"), p.name) == [], p


def test_repo_files(repo):
    for name in DOMAIN_SCHEMA_FILES:
        assert (repo / "schema" / name).read_text("utf-8") == domain_schema_text(name)
    for rel in ("tests/patterns/__init__.py", "tests/patterns/test_pattern_registry.py",
                "tests/patterns/test_doc_id_compliance.py", "scripts/PATTERN_DIR_CHECK.ps1",
                "scripts/validate_doc_id_consistency.ps1"):
        assert (repo / rel).is_file(), rel
    check = (repo / "scripts/PATTERN_DIR_CHECK.ps1").read_text("utf-8")
    assert "ValidateSet('text', 'json', 'junit', 'sarif')" in check and "'check', '--repo'" in check
    ids = (repo / "scripts/validate_doc_id_consistency.ps1").read_text("utf-8")
    assert "'--rule', 'ID-SYS-101', '--rule', 'PAT-CHECK-001-070'" in ids


# -- Python executors --------------------------------------------------------------------

def python_executors(repo: Path) -> list[dict[str, Any]]:
    out = [e for e in entries(repo) if e["executor_path"].endswith(".py")]
    assert len(out) == 18
    return out


@pytest.mark.parametrize("block_jsonschema", [False, True], ids=["jsonschema", "minimal-checks"])
def test_python_executors_exit_codes(repo, tmp_path, block_jsonschema):
    invalid = tmp_path / "invalid.json"
    invalid.write_text("{}", encoding="utf-8")
    for e in python_executors(repo):
        executor = repo / e["executor_path"]
        code, result = run_executor(executor, invalid, block_jsonschema=block_jsonschema)
        assert code == 2, (e["name"], result)
        assert_result(result, "invalid_input", e, invalid)
        minimal = repo / e["example_dir"] / "instance_minimal.json"
        code, result = run_executor(executor, minimal, block_jsonschema=block_jsonschema)
        assert code == 3, (e["name"], result)
        assert_result(result, "not_implemented", e, minimal)


@pytest.mark.parametrize("block_jsonschema", [False, True], ids=["jsonschema", "minimal-checks"])
def test_python_executor_rejects_wrong_instances(repo, tmp_path, block_jsonschema):
    e = next(x for x in entries(repo) if x["name"] == "module_creation")
    executor = repo / e["executor_path"]
    minimal = json.loads((repo / e["example_dir"] / "instance_minimal.json").read_text("utf-8"))
    cases = {
        "missing_input": {**minimal, "inputs": {k: v for k, v in minimal["inputs"].items() if k != "module_name"}},
        "other_doc_id": {**minimal, "doc_id": "DOC-SOMETHING-ELSE-001"},
        "other_pattern": {**minimal, "pattern_id": "PAT-SOMETHING-ELSE-001"},
        "inputs_not_object": {**minimal, "inputs": []},
        "not_an_object": [minimal],
    }
    for label, instance in cases.items():
        path = tmp_path / f"{label}.json"
        path.write_text(json.dumps(instance), encoding="utf-8")
        code, result = run_executor(executor, path, block_jsonschema=block_jsonschema)
        assert code == 2, (label, result)
        assert_result(result, "invalid_input", e, path)
    missing = tmp_path / "does-not-exist.json"
    code, result = run_executor(executor, missing, block_jsonschema=block_jsonschema)
    assert code == 2 and result["errors"][0]["code"] == "instance_not_found"


# -- the rendered repository's own test suites -------------------------------------------

def run_pytest(repo: Path, *paths: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *paths],
                          cwd=repo, capture_output=True, text=True, timeout=600, env=CHILD_ENV)


@pytest.mark.slow  # runs the rendered repository's pytest suites over the whole repository
def test_rendered_repository_test_suites_pass(repo):
    res = run_pytest(repo, "patterns", "tests/patterns")
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]
    assert " passed" in res.stdout and "failed" not in res.stdout


@pytest.mark.slow  # runs the rendered repository's pytest suites over the whole repository
def test_broken_doc_link_fails_the_compliance_suite(repo, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(repo, broken, ignore=shutil.ignore_patterns(".git"))
    rel = "patterns/legacy_atoms/converted/executors/migrated_core_003_executor.py"
    path = broken / rel
    path.write_text(path.read_text("utf-8").replace("# DOC_LINK: DOC-MIGRATED-CORE-003",
                                                    "# DOC_LINK: DOC-MIGRATED-CORE-033"), encoding="utf-8")
    res = run_pytest(broken, "tests/patterns/test_doc_id_compliance.py")
    assert res.returncode == 1, res.stdout[-4000:]
    failed = [ln for ln in res.stdout.splitlines() if ln.startswith("FAILED")]
    assert len(failed) == 1 and "test_executor_doc_link[migrated_core_003]" in failed[0], failed
    assert "DOC-MIGRATED-CORE-033" in res.stdout


@pytest.mark.slow  # runs the rendered repository's pytest suites over the whole repository
def test_broken_registry_and_example_fail_the_registry_suite(repo, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(repo, broken, ignore=shutil.ignore_patterns(".git"))
    reg = broken / REGISTRY
    text = reg.read_text("utf-8")
    # a duplicated doc_id and an entry without test_path
    text = text.replace("doc_id: DOC-SELF-HEAL-001", "doc_id: DOC-BATCH-CREATE-001", 1)
    reg.write_text(text, encoding="utf-8")
    (broken / "patterns/examples/refactor_patch/instance_full.json").write_text('{"doc_id": 1}', encoding="utf-8")
    res = run_pytest(broken, "tests/patterns")
    assert res.returncode == 1, res.stdout[-4000:]
    out = res.stdout
    assert "test_no_duplicates[doc_id]" in out
    assert "test_examples_validate[refactor_patch]" in out
    assert "test_examples_doc_id[refactor_patch]" in out
    assert "test_spec_doc_id[self_heal]" in out
