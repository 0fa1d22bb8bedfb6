"""The unit pipeline's stages on their own (they are otherwise reached only end to end):
classify, batching, isolation by bisection, validation of staged files, and staging
in the workspace (planned writes, dry run, one transaction per landing)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from patforge.rendering.answers import parse_answers
from patforge.rendering.copier_runner import RenderResult, chunk_sizes
from patforge.kinds import Unit
from patforge.rendering.pipeline import RENDER, RESTORE, check_staged, classify, isolate, plan_batches
from patforge.rendering.report import FAILED, HAND_WRITTEN, OUTDATED, SKIPPED, STALE
from patforge.repository.files import RepoFiles
from patforge.transaction.workspace import Workspace


def unit(kind: str = "executor", name: str = "p", files: tuple[str, ...] = ("out/p.py",), **answers) -> Unit:
    data = {"answers_file": f".patforge/answers/{name}/{kind}.yml", "name": name, **answers}
    return Unit(kind, name, 2, data, list(files))


def record(repo: Path, u: Unit, commit: str = "v1.0.0", recorded: dict | None = None) -> None:
    """Write the answers file the template would (same dump as answers.jinja)."""
    from jinja2_ansible_filters.core_filters import to_nice_yaml

    path = repo / u.answers_file
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"_commit": commit, "_src_path": ".patforge/templates.bundle", "artifact": u.kind,
            "units": [recorded if recorded is not None else u.answers]}
    path.write_text("# Changes here will be overwritten by Copier; NEVER EDIT MANUALLY\n" + to_nice_yaml(body),
                    encoding="utf-8")


def write(repo: Path, rel: str, text: str = "x\n") -> None:
    (repo / rel).parent.mkdir(parents=True, exist_ok=True)
    (repo / rel).write_text(text, encoding="utf-8")


# -- classify ------------------------------------------------------------------------------

def test_classify_new_unit_renders(tmp_path):
    assert classify(unit(), Workspace(tmp_path), "v1.0.0") == (RENDER, "")


def test_classify_present_but_never_rendered_is_hand_written(tmp_path):
    write(tmp_path, "out/p.py")
    status, message = classify(unit(), Workspace(tmp_path), "v1.0.0")
    assert status == HAND_WRITTEN and "out/p.py" in message


def test_classify_up_to_date_and_restore(tmp_path):
    u = unit(description="same")
    record(tmp_path, u)
    assert classify(u, Workspace(tmp_path), "v1.0.0")[0] == RESTORE  # answers, but the file is gone
    write(tmp_path, "out/p.py")
    assert classify(u, Workspace(tmp_path), "v1.0.0") == (SKIPPED, "")


def test_classify_other_template_version_is_outdated(tmp_path):
    u = unit()
    record(tmp_path, u, commit="v0.9.0")
    write(tmp_path, "out/p.py")
    status, message = classify(u, Workspace(tmp_path), "v1.0.0")
    assert status == OUTDATED and "v0.9.0" in message and "patforge update" in message


def test_classify_changed_answers_are_stale(tmp_path):
    u = unit(description="new text")
    record(tmp_path, u, recorded={**u.answers, "description": "old text"})
    write(tmp_path, "out/p.py")
    status, message = classify(u, Workspace(tmp_path), "v1.0.0")
    assert status == STALE and "--registry" in message  # status's word for it too (one vocabulary)


def test_classify_compares_as_the_answers_file_reads_back(tmp_path):
    """A raw U+0085 does not survive PyYAML's round trip: still up to date."""
    u = unit(description="a\x85b")
    record(tmp_path, u)
    write(tmp_path, "out/p.py")
    assert classify(u, Workspace(tmp_path), "v1.0.0") == (SKIPPED, "")


def test_classify_broken_answers_file_fails(tmp_path):
    u = unit()
    write(tmp_path, u.answers_file, "units: [\n")
    status, message = classify(u, Workspace(tmp_path), "v1.0.0")
    # located, and says what to do
    assert status == FAILED and "executor.yml:2:1: invalid YAML" in message and "restore it from git" in message


def test_derived_output_is_hashed_not_recorded():
    u = Unit("schema", "p", 2, {"answers_file": "a.yml"}, ["s.json"], derived={"s.json": "{}\n"})
    assert "derived" not in u.answers
    assert u.answers["derived_sha256"] == {
        "s.json": "ca3d163bab055381827226140568f3bef7eaac187cebd76878e0b63e9e442356"}
    assert u.copier_data()["derived"] == {"s.json": "{}\n"}


def test_parse_answers_reads_what_answers_jinja_writes(tmp_path):
    u = unit(description="d")
    record(tmp_path, u, commit="v2.0.0")
    rec = parse_answers((tmp_path / u.answers_file).read_text(), u.answers_file)
    assert (rec.commit, rec.kind, rec.pattern, rec.unit) == ("v2.0.0", "executor", "p", u.answers)


# -- batching -------------------------------------------------------------------------------

def test_batches_group_by_kind_in_order_and_share_work_evenly():
    todo = [(unit("schema", f"s{i}"), RENDER) for i in range(10)] + \
           [(unit("tests", f"t{i}"), RENDER) for i in range(3)] + [(unit("schema", "late"), RESTORE)]
    batches = plan_batches(todo, batch_size=4, workers=2)
    kinds = [b[0][0].kind for b in batches]
    assert kinds == ["schema"] * 4 + ["tests"] * 2  # 11 schema units: 4 runs (a multiple of 2 workers)
    assert all(len({u.kind for u, _ in b}) == 1 for b in batches)
    assert [u.pattern for b in batches for u, _ in b if u.kind == "schema"][-1] == "late"
    assert sum(len(b) for b in batches) == len(todo)
    assert max(len(b) for b in batches) <= 4


@pytest.mark.parametrize("n,size,workers", [(0, 100, 2), (1, 100, 4), (7, 3, 1), (250, 100, 2), (5, 100, 4)])
def test_chunk_sizes_cover_every_unit(n, size, workers):
    chunk = chunk_sizes(n, size, workers)
    assert 1 <= chunk <= max(size, 1) and chunk * -(-n // chunk if n else 0) >= n


# -- isolation -------------------------------------------------------------------------------

def fake_renderer(bad: set[str], calls: list[int]):
    """Renders a batch: fails with one message when it holds a bad unit."""
    def render(batch) -> RenderResult:
        names = {u.pattern for u, _ in batch}
        return RenderResult("executor", error="boom" if names & bad else None)

    def halves(hs):
        calls.append(len(hs))
        return [render(h) for h in hs]
    return render, halves


def test_isolate_finds_the_breaking_unit_and_keeps_the_rest():
    chunk = [(unit(name=f"p{i}"), RENDER) for i in range(8)]
    calls: list[int] = []
    render, halves = fake_renderer({"p5"}, calls)
    parts = isolate(chunk, render(chunk), halves)
    failed = [u.pattern for items, res in parts if res.error for u, _ in items]
    ok = [u.pattern for items, res in parts if not res.error for u, _ in items]
    assert failed == ["p5"] and sorted(ok) == sorted(f"p{i}" for i in range(8) if i != 5)
    assert len(calls) == 3  # log2(8) bisections


def test_isolate_stops_when_both_halves_fail_alike():
    """A broken template fails every half the same way: one message, no unit-by-unit renders."""
    chunk = [(unit(name=f"p{i}"), RENDER) for i in range(8)]
    calls: list[int] = []
    render, halves = fake_renderer({f"p{i}" for i in range(8)}, calls)
    parts = isolate(chunk, render(chunk), halves)
    assert len(parts) == 1 and parts[0][0] == chunk and len(calls) == 1


def test_isolate_leaves_a_good_batch_alone():
    chunk = [(unit(name="p"), RENDER)]
    calls: list[int] = []
    render, halves = fake_renderer(set(), calls)
    assert isolate(chunk, render(chunk), halves) == [(chunk, render(chunk))] and calls == []


# -- validation of staged files ---------------------------------------------------------------

def test_staged_files_missing_or_broken_are_errors(tmp_path):
    u = unit("executor", files=("out/p.py", "out/p.json"))
    staged = {"out/p.py": b"def broken(:\n", u.answers_file: b"units: []\n"}
    problems = check_staged(u, staged, RepoFiles(tmp_path))
    codes = {d.code for d in problems if d.is_error}
    assert "render-incomplete" in codes and any("out/p.py" == d.path for d in problems if d.is_error)


def test_staged_schema_must_pass_the_metaschema(tmp_path):
    u = unit("schema", files=("s.json",))
    staged = {"s.json": json.dumps({"type": 12}).encode(), u.answers_file: b"units: []\n"}
    assert [d.code for d in check_staged(u, staged, RepoFiles(tmp_path)) if d.is_error] == ["schema-invalid"]


def test_staged_examples_must_satisfy_the_landed_schema(tmp_path):
    write(tmp_path, "s.json", json.dumps({"type": "object", "required": ["a"]}))
    u = unit("examples", files=("e/instance_minimal.json",), schema_path="s.json")
    staged = {"e/instance_minimal.json": b"{}", u.answers_file: b"units: []\n"}
    errors = [d for d in check_staged(u, staged, RepoFiles(tmp_path)) if d.is_error]
    assert [d.code for d in errors] == ["example-invalid"] and '"a" is a required property' in errors[0].message


# -- staging in the workspace -------------------------------------------------------------------

def test_staged_changes_are_seen_before_they_land(tmp_path):
    ws = Workspace(tmp_path)
    ws.stage("a/b.txt", b"new", "test")
    assert ws.exists("a/b.txt") and ws.read_text("a/b.txt") == "new"
    assert not (tmp_path / "a/b.txt").exists()  # nothing on disk before land
    changes = ws.land(["a/b.txt"])
    assert [c.path for c in changes] == ["a/b.txt"] and (tmp_path / "a/b.txt").read_bytes() == b"new"


def test_dry_run_plans_the_same_changes_and_writes_nothing(tmp_path):
    write(tmp_path, "f.txt", "old\n")
    ws = Workspace(tmp_path, dry_run=True)
    ws.stage("f.txt", b"new\n", "edit")
    ws.stage("g.txt", b"g\n", "create")
    changes = ws.land(["f.txt", "g.txt"])
    assert [(c.path, c.is_new) for c in changes] == [("f.txt", False), ("g.txt", True)]
    assert "-old" in changes[0].diff() and "+new" in changes[0].diff()
    assert (tmp_path / "f.txt").read_text() == "old\n" and not (tmp_path / "g.txt").exists()


def test_unchanged_content_is_not_a_change(tmp_path):
    write(tmp_path, "f.txt", "same\n")
    ws = Workspace(tmp_path)
    ws.stage("f.txt", b"same\n", "noop")
    assert ws.land(["f.txt"]) == []


def test_deferred_changes_land_in_one_flush_or_not_at_all(tmp_path):
    ws = Workspace(tmp_path, defer=True)
    ws.stage("a.txt", b"a", "t")
    ws.land(["a.txt"])
    ws.stage("b.txt", b"b", "t")
    ws.land(["b.txt"])
    assert not (tmp_path / "a.txt").exists()
    assert ws.flush() == 2 and (tmp_path / "a.txt").read_bytes() == b"a" and (tmp_path / "b.txt").exists()
    ws.stage("c.txt", b"c", "t")
    ws.land(["c.txt"])
    assert ws.drop_deferred() == 1 and not (tmp_path / "c.txt").exists()


def test_workspace_refuses_paths_outside_the_repository(tmp_path):
    from patforge.errors import UnsafePathError  # a PatforgeError: a message, never a traceback

    with pytest.raises(UnsafePathError):
        Workspace(tmp_path / "repo").read_bytes("../outside.txt")


def test_spec_digest_follows_what_the_compiler_reads():
    """Phase 1 adding ID fields to a spec does not make its schema stale; an input does."""
    from patforge.spec.compiler import spec_digest

    spec = {"pattern_id": "PAT-X-001", "intent": "Do x.", "inputs": {"a": {"type": "string"}}}
    digest = spec_digest(spec)
    assert spec_digest({**spec, "doc_id": "DOC-X-001", "role": "spec", "execution_steps": []}) == digest
    assert spec_digest({**spec, "intent": "Do y."}) != digest
    assert spec_digest({**spec, "inputs": {"a": {"type": "integer"}}}) != digest
