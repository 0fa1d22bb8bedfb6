"""Issue 21, round 3: a cloned repository is hostile input. The security and data-loss
classes, each closed at its cause, and further doors into the same causes:

1. ``$ref`` is resolved offline (schemaref.py): nothing fetched, nothing read outside;
2. every command that renders makes one template-source decision (diff included);
3. a path render refuses is a MUST failure in check;
4. the rollback record is validated before anything is restored;
5. every value reaching a report is escaped for that format;
6. writes never go through a link to a file patforge does not mean;
7. recorded answers are checked against the unit's layout before Copier sees them;
8. ``check --output`` writes the way a shell redirection does.

Every case asserts a clear refusal or an exact recovery: no traceback, no network (a
local HTTP server counts requests), nothing read or written outside the repository
(sentinel files in tmp_path), nothing of the user's lost.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import threading
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import commit_all, git, run_patforge, tree_snapshot
from hostile_repo import GOOD_ENTRY, SPEC, build, copy_rendered, foreign_bundle, reg_with, rendered  # noqa: F401 - the fixture

SCHEMA = "patterns/schemas/alpha.schema.json"
EXECUTOR = "patterns/executors/alpha_executor.py"
ANSWERS = ".patforge/answers/alpha/executor.yml"
MAPPING = "patterns/registry/doc_id_mapping.json"
SECRET = "SECRET-OUTSIDE-VALUE"


# -- helpers ---------------------------------------------------------------------------------

@pytest.fixture
def server():
    """A local HTTP server that answers every GET with a schema and counts requests."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the stdlib's name
            hits.append(self.path)
            body = json.dumps({"const": "FETCHED-FROM-NETWORK", "x": {"const": "FETCHED-FROM-NETWORK"}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}", hits
    srv.shutdown()
    srv.server_close()


def secret_file(tmp: Path) -> Path:
    """A file outside the repository whose value must never reach it."""
    path = tmp / "secret.json"
    path.write_text(json.dumps({"x": {"const": SECRET}, "y": SECRET}))
    return path


def repo_text(repo: Path) -> str:
    return "\n".join(data.decode("utf-8", "replace") for data in tree_snapshot(repo).values())


def no_traceback(r) -> None:
    assert "Traceback" not in r.text, r


def with_schema(tmp: Path, schema: object, *, git_init: bool = True) -> Path:
    repo = build(tmp)
    (repo / SCHEMA).write_text(json.dumps(schema), encoding="utf-8")
    if git_init:
        git(repo, "init", "-q")
        commit_all(repo, "hand-written schema")
    return repo


def ref_schema(ref: str) -> dict:
    return {"type": "object", "required": ["target"], "properties": {"target": {"$ref": ref}}}


# -- 1. $ref resolution is offline --------------------------------------------------------------

def test_render_never_fetches_an_http_ref(tmp_path, cli, server):
    url, hits = server
    repo = with_schema(tmp_path, ref_schema(f"{url}/s.json"))
    r = cli("render", "--repo", str(repo))
    no_traceback(r)
    assert r.code == 1, r
    assert hits == []
    assert f'$ref "{url}/s.json" at #/properties/target cannot be resolved inside the file' in r.text, r
    assert SCHEMA in r.text
    assert "FETCHED-FROM-NETWORK" not in repo_text(repo)


def test_render_never_reads_a_file_ref(tmp_path, cli):
    secret = secret_file(tmp_path)
    repo = with_schema(tmp_path, ref_schema(f"{secret.as_uri()}#/x"))
    r = cli("render", "--repo", str(repo))
    no_traceback(r)
    assert r.code == 1 and "cannot be resolved inside the file" in r.text, r
    assert SECRET not in repo_text(repo)


def test_check_never_fetches_an_http_ref(tmp_path, cli, server):
    url, hits = server
    repo = with_schema(tmp_path, ref_schema(f"{url}/s.json"))
    r = cli("check", "--repo", str(repo), "--verbose")
    no_traceback(r)
    assert r.code == 1 and hits == [], r
    assert "PATFORGE-SCHEMA-VALID" in r.text and f"{url}/s.json" in r.text, r


def test_check_never_fetches_a_ref_in_the_repositorys_spec_schema(tmp_path, cli, server):
    url, hits = server
    repo = build(tmp_path)
    (repo / "schema").mkdir()
    (repo / "schema/pattern_spec.v1.json").write_text(json.dumps(ref_schema(f"{url}/spec.json")))
    r = cli("check", "--repo", str(repo), "--verbose")
    no_traceback(r)
    assert hits == []
    assert "schema/pattern_spec.v1.json is not a usable JSON Schema" in r.text, r


def test_example_refuses_a_ref_to_a_plain_string(tmp_path, cli):
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"type": "object", "required": ["a"],
                                "properties": {"a": {"$ref": "#/properties/b/description"},
                                               "b": {"description": "a string, not a schema"}}}))
    r = cli("example", str(path))
    no_traceback(r)
    assert r.code == 2, r
    assert '$ref "#/properties/b/description" at #/properties/a points at a string, not a schema' in r.text
    assert str(path) in r.text


def test_example_never_fetches_an_http_ref(tmp_path, cli, server):
    url, hits = server
    path = tmp_path / "s.json"
    path.write_text(json.dumps(ref_schema(f"{url}/s.json")))
    r = cli("example", str(path))
    no_traceback(r)
    assert r.code == 2 and hits == [] and "FETCHED" not in r.out, r


def test_example_names_a_ref_to_a_missing_definition(tmp_path, cli):
    path = tmp_path / "s.json"
    path.write_text(json.dumps(ref_schema("#/definitions/missing")))
    r = cli("example", str(path))
    assert r.code == 2 and '$ref "#/definitions/missing"' in r.text, r


def test_a_relative_ref_under_a_remote_id_is_not_fetched(tmp_path, cli, server):
    url, hits = server
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"$id": f"{url}/root.json", **ref_schema("other.json")}))
    r = cli("example", str(path))
    assert r.code == 2 and hits == [] and '$ref "other.json"' in r.text, r


def test_a_ref_inside_enum_data_is_data_not_a_reference(tmp_path, cli, server):
    url, hits = server
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"type": "object", "required": ["a"],
                                "properties": {"a": {"enum": [{"$ref": f"{url}/x"}]}}}))
    r = cli("example", str(path))
    assert r.code == 0, r
    assert json.loads(r.out) == {"a": {"$ref": f"{url}/x"}}
    assert hits == []


def test_a_ref_under_a_local_id_resolves_offline(tmp_path, cli, server):
    url, hits = server
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"$id": f"{url}/root.json", "type": "object", "required": ["a"],
                                "properties": {"a": {"$ref": f"{url}/root.json#/definitions/v"}},
                                "definitions": {"v": {"const": "local"}}}))
    r = cli("example", str(path))
    assert r.code == 0 and json.loads(r.out) == {"a": "local"}, r
    assert hits == []


def test_validators_built_for_repository_schemas_retrieve_nothing(server):
    from referencing.exceptions import Unresolvable

    from patforge.validation.fastvalid import FastValidator
    from patforge.examplegen.instances import validate_instance
    from patforge.validation.refs import validator

    url, hits = server
    schema = ref_schema(f"{url}/s.json")
    with pytest.raises(Unresolvable):
        list(validator(schema).iter_errors({"target": "FETCHED-FROM-NETWORK"}))
    import jsonschema

    assert FastValidator(schema, jsonschema.Draft7Validator).is_valid({"target": "FETCHED-FROM-NETWORK"}) is False
    assert validate_instance(schema, {"target": "x"}) == [f'cannot resolve $ref "{url}/s.json" inside the schema']
    assert hits == []


# -- 2. one template-source decision: diff as render --------------------------------------------

def test_diff_refuses_a_swapped_template_bundle(tmp_path, cli, rendered):
    repo = foreign_bundle(tmp_path, rendered)
    r = cli("diff", "--repo", str(repo))
    no_traceback(r)
    assert r.code == 2 and "does not know" in r.text, r
    assert "Remove-Item" not in r.out


def _src_path(repo: Path, value: str) -> None:
    for p in (repo / ".patforge/answers").rglob("*.yml"):
        p.write_text(p.read_text().replace("_src_path: .patforge/templates.bundle", f"_src_path: {value}"))
    commit_all(repo, "answers point elsewhere")


def test_diff_never_clones_a_url_an_answers_file_names(tmp_path, cli, rendered, server):
    url, hits = server
    repo = copy_rendered(tmp_path, rendered)
    _src_path(repo, f"{url}/evil.git")
    r = cli("diff", "--repo", str(repo))
    no_traceback(r)
    assert r.code == 2 and "a template source patforge does not know" in r.text, r
    assert hits == []


def test_diff_refuses_a_bundle_outside_the_repository_an_answers_file_names(tmp_path, cli, rendered):
    repo = copy_rendered(tmp_path, rendered)
    outside = tmp_path / "other.bundle"
    shutil.copy(repo / ".patforge/templates.bundle", outside)
    _src_path(repo, str(outside))
    r = cli("diff", "--repo", str(repo), "--stat")
    assert r.code == 2 and "does not know" in r.text, r


def test_diff_never_prints_a_file_outside_through_a_link(tmp_path, cli, rendered):
    repo = copy_rendered(tmp_path, rendered)
    outside = tmp_path / "outside.py"
    outside.write_text(f"print('{SECRET}')\n")
    (repo / EXECUTOR).unlink()
    (repo / EXECUTOR).symlink_to(outside)
    commit_all(repo, "executor links out")
    r = cli("diff", "--repo", str(repo))
    no_traceback(r)
    assert SECRET not in r.text, r


def _linking_template(tmp: Path, target: Path) -> Path:
    """A template collection the user names, whose executor is a link to ``target``."""
    from patforge.rendering.template_source import shipped_bundle

    tpl = tmp / "tpl"
    git(tmp, "clone", "-q", str(shipped_bundle()), str(tpl))
    copier = tpl / "copier.yml"
    copier.write_text(copier.read_text() + "\n_preserve_symlinks: true\n")
    folder = tpl / "templates/executor"
    for f in folder.iterdir():
        if "py_path" in f.name:
            name = f.name.removesuffix(".jinja")
            f.unlink()
            (folder / name).symlink_to(target)
    commit_all(tpl, "links")
    git(tpl, "tag", "v9.0.0")
    return tpl


def test_a_template_that_stages_a_link_out_is_a_unit_failure_not_a_read(tmp_path, cli):
    outside = tmp_path / "outside.txt"
    outside.write_text(SECRET + "\n")
    tpl = _linking_template(tmp_path, outside)
    repo = build(tmp_path)
    git(repo, "init", "-q")
    r = cli("render", "--repo", str(repo), "--template", str(tpl))
    no_traceback(r)
    assert r.code != 0 and "produced a symbolic link" in r.text, r
    assert SECRET not in repo_text(repo)
    assert not (repo / EXECUTOR).is_symlink()


# -- 3. a path render refuses is a MUST failure in check -------------------------------------------

def _linked_out(field: str):
    def setup(tmp: Path, rendered: Path) -> Path:
        repo = copy_rendered(tmp, rendered)
        rel = {"executor": EXECUTOR, "spec": SPEC, "schema": SCHEMA,
               "examples": "patterns/examples/alpha"}[field]
        outside = tmp / f"outside-{field}"
        src = repo / rel
        if src.is_dir():
            shutil.copytree(src, outside)
            shutil.rmtree(src)
            src.symlink_to(outside, target_is_directory=True)
        else:
            shutil.copy(src, outside)
            src.unlink()
            src.symlink_to(outside)
        commit_all(repo, f"{field} links out")
        return repo
    return setup


@pytest.mark.parametrize("field", ["executor", "spec", "schema", "examples"])
def test_check_fails_an_artifact_linked_out_of_the_repository(tmp_path, cli, rendered, field):
    repo = _linked_out(field)(tmp_path, rendered)
    r = cli("check", "--repo", str(repo))
    no_traceback(r)
    assert r.code == 1, r
    assert "NON-COMPLIANT" in r.out and "resolves outside the repository" in r.out, r
    assert "PATFORGE-REGISTRY" in r.out


def test_check_fails_one_example_linked_out_without_judging_its_content(tmp_path, cli, rendered):
    repo = copy_rendered(tmp_path, rendered)
    example = repo / "patterns/examples/alpha/instance_minimal.json"
    outside = tmp_path / "outside.json"
    outside.write_text(json.dumps({**json.loads(example.read_text()), "leaked_key": SECRET}))
    example.unlink()
    example.symlink_to(outside)
    commit_all(repo, "one example links out")
    r = cli("check", "--repo", str(repo), "--verbose")
    no_traceback(r)
    assert r.code == 1, r
    assert "instance_minimal.json: path \"patterns/examples/alpha/instance_minimal.json\" resolves outside" in r.out
    assert "leaked_key" not in r.out and SECRET not in r.out


def test_check_json_and_check_file_fail_an_executor_linked_out(tmp_path, cli, rendered):
    repo = _linked_out("executor")(tmp_path, rendered)
    r = cli("check", "--repo", str(repo), "--format", "json")
    assert r.code == 1, r
    report = json.loads(r.out)
    assert report["verdict"] == "NON-COMPLIANT"
    assert any(x["rule"] == "PATFORGE-REGISTRY" and x["status"] == "FAIL" for x in report["results"])
    r = cli("check", "--repo", str(repo), str(repo / EXECUTOR))
    assert r.code == 1 and "resolves outside" in r.out, r


# -- 4. the rollback record is validated ------------------------------------------------------------

def _recorded(tmp: Path, cli) -> tuple[Path, Path]:
    """A repository after one render (the rollback record), and the record's folder."""
    from patforge.transaction.state import state_location

    repo = build(tmp)
    git(repo, "init", "-q")
    commit_all(repo, "registry")
    r = cli("render", "--repo", str(repo), "--phase", "1")
    assert r.code == 0, r
    folder = state_location(repo) / "runs" / "last"
    assert (folder / "log.jsonl").is_file()
    return repo, folder


def _tamper(folder: Path, edit) -> None:
    lines = [json.loads(line) for line in (folder / "log.jsonl").read_text().splitlines()]
    out = edit(lines)
    (folder / "log.jsonl").write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in out))


def _changed_entry(lines: list) -> dict:
    return next(e for e in lines if e["before"] is not None)


def _created_entry(lines: list) -> dict:
    return next(e for e in lines if e["before"] is None)


def _rollback_refuses(tmp: Path, cli, repo: Path, message: str, *args: str) -> None:
    before = tree_snapshot(tmp)
    r = cli("rollback", "--repo", str(repo), *args)
    no_traceback(r)
    assert r.code == 2, r
    assert "is damaged" in r.text and message in r.text and "nothing was rolled back" in r.text, r
    assert tree_snapshot(tmp) == before


def test_rollback_refuses_a_before_that_is_an_absolute_path(tmp_path, cli):
    repo, folder = _recorded(tmp_path, cli)
    secret = secret_file(tmp_path)

    def edit(lines):
        _changed_entry(lines)["before"] = str(secret)
        return lines
    _tamper(folder, edit)
    _rollback_refuses(tmp_path, cli, repo, "before is not null or a SHA-256 digest")
    assert SECRET not in repo_text(repo)


@pytest.mark.parametrize("bad", ["../victim", "/tmp", "..", "patterns/../../victim", "other/place"])
def test_rollback_refuses_created_dirs_that_are_not_above_the_path(tmp_path, cli, bad):
    repo, folder = _recorded(tmp_path, cli)
    victim = tmp_path / "victim"
    victim.mkdir()

    def edit(lines):
        _created_entry(lines)["created_dirs"] = [bad]
        return lines
    _tamper(folder, edit)
    _rollback_refuses(tmp_path, cli, repo, "created_dirs")
    assert victim.is_dir()


def test_rollback_refuses_a_missing_blob(tmp_path, cli):
    repo, folder = _recorded(tmp_path, cli)
    shutil.rmtree(folder / "blobs")
    (folder / "blobs").mkdir()
    _rollback_refuses(tmp_path, cli, repo, "the saved copy is missing")


def test_rollback_refuses_a_blob_that_does_not_match_its_hash(tmp_path, cli):
    repo, folder = _recorded(tmp_path, cli)
    for blob in (folder / "blobs").iterdir():
        blob.write_bytes(b"planted content\n")
    _rollback_refuses(tmp_path, cli, repo, "does not match its hash")


@pytest.mark.parametrize("line", [["a", "list"], "42", {"path": 7, "before": None, "after": None},
                                  {"before": None, "after": None}, {"path": "x.txt", "after": None},
                                  "{not json"])
def test_rollback_refuses_a_wrong_shaped_line(tmp_path, cli, line):
    repo, folder = _recorded(tmp_path, cli)
    _tamper(folder, lambda lines: [line if isinstance(line, str) else json.dumps(line), *lines])
    _rollback_refuses(tmp_path, cli, repo, "log.jsonl line 1")


def test_rollback_refuses_a_path_into_git_and_dry_run_refuses_too(tmp_path, cli):
    repo, folder = _recorded(tmp_path, cli)

    def edit(lines):
        _created_entry(lines)["path"] = ".git/hooks/pre-commit"
        _created_entry(lines)["created_dirs"] = []
        return lines
    _tamper(folder, edit)
    _rollback_refuses(tmp_path, cli, repo, "belongs to git", "--dry-run")


def test_rollback_still_skips_a_torn_last_line(tmp_path, cli):
    repo, folder = _recorded(tmp_path, cli)
    with open(folder / "log.jsonl", "a") as fh:
        fh.write('{"path": "patterns/x')  # a run killed while appending
    r = cli("rollback", "--repo", str(repo))
    assert r.code == 0, r
    assert git(repo, "status", "--porcelain").strip() == ""  # exactly the committed tree again


# -- 5. every value reaching a report is escaped -----------------------------------------------------

FORGED = "x\n::error file=README.md,title=Forged::owned\x1b]0;pwned\x07"


def _forged_file(tmp: Path) -> tuple[Path, Path]:
    repo = build(tmp)
    path = repo / "patterns/specs" / FORGED
    path.write_text("x\n")
    git(repo, "init", "-q")
    commit_all(repo, "a file with a forged name")
    return repo, path


@pytest.mark.skipif(os.name == "nt", reason="Windows forbids newlines and colons in file names")
@pytest.mark.parametrize("fmt", ["text", "github"])
def test_a_file_name_never_injects_a_workflow_command(tmp_path, cli, fmt):
    repo, path = _forged_file(tmp_path)
    for extra in ((), ("--verbose",)):
        r = cli("check", "--repo", str(repo), "--format", fmt, *extra, str(path))
        no_traceback(r)
        lines = r.text.splitlines()
        assert not any(line.startswith("::error file=README.md") for line in lines), r
        assert "\x1b" not in r.text and "\x07" not in r.text, r
        if fmt == "text":
            assert "x\\n::error file=README.md" in r.text, r


@pytest.mark.skipif(os.name == "nt", reason="Windows forbids newlines and colons in file names")
def test_a_file_name_never_injects_in_a_separate_process(tmp_path):
    repo, path = _forged_file(tmp_path)
    res = run_patforge("check", "--repo", str(repo), "--verbose", str(path))
    out = res.stdout + res.stderr
    assert "Traceback" not in out
    assert not any(line.startswith("::error") for line in out.splitlines()), out
    assert "\x1b" not in out


def _claim(tmp: Path, doc_id: str) -> Path:
    repo = build(tmp, reg_with(GOOD_ENTRY.replace("    name:", f"    doc_id: {json.dumps(doc_id)}\n    name:")))
    git(repo, "init", "-q")
    commit_all(repo, "a doc_id with control characters")
    return repo


CLAIM = "DOC-\x01ALPHA-\uffff001\x1b[2J\x1b]0;title\x07"


def test_junit_stays_well_formed_with_control_characters_in_a_doc_id(tmp_path, cli):
    repo = _claim(tmp_path, CLAIM)
    r = cli("check", "--repo", str(repo), "--format", "junit")
    no_traceback(r)
    ET.fromstring(r.out.encode("utf-8"))  # well-formed XML 1.0
    assert "\\x01" in r.out or "\\x1b" in r.out, r.out[:2000]


@pytest.mark.parametrize("fmt", ["text", "github", "html"])
def test_control_characters_in_a_doc_id_reach_no_report_raw(tmp_path, cli, fmt):
    repo = _claim(tmp_path, CLAIM)
    r = cli("check", "--repo", str(repo), "--format", fmt, "--verbose")
    no_traceback(r)
    for raw in ("\x01", "\x1b", "\x07", "\uffff"):
        assert raw not in r.out, (fmt, raw)


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_control_characters_in_a_doc_id_stay_exact_in_json(tmp_path, cli, fmt):
    repo = _claim(tmp_path, CLAIM)
    r = cli("check", "--repo", str(repo), "--format", fmt)
    no_traceback(r)
    json.loads(r.out)
    assert "\x1b" not in r.out and "\x01" not in r.out


def _surrogate(tmp: Path) -> Path:
    repo = build(tmp)
    (repo / SCHEMA).write_text('{"type": "object", "title": "\\ud800", "doc_id": "DOC-\\ud800"}')
    git(repo, "init", "-q")
    commit_all(repo, "a lone surrogate")
    return repo


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "sarif", "github", "html"])
def test_a_lone_surrogate_crashes_no_format(tmp_path, cli, fmt):
    repo = _surrogate(tmp_path)
    r = cli("check", "--repo", str(repo), "--format", fmt, "--verbose")
    no_traceback(r)
    assert r.code in (0, 1), r
    out = tmp_path / f"report.{fmt}"
    r = cli("check", "--repo", str(repo), "--format", fmt, "--output", str(out))
    assert r.code in (0, 1), r
    data = out.read_bytes().decode("utf-8")  # strict UTF-8: written
    if fmt in ("json", "sarif"):
        json.loads(data)
    if fmt == "junit":
        ET.fromstring(data.encode("utf-8"))


def test_a_lone_surrogate_in_a_schema_is_a_schema_problem_not_a_crash(tmp_path, cli):
    repo = build(tmp_path)
    (repo / SCHEMA).write_text('{"type": "object", "required": ["a"], "properties": {"a": {"const": "\\ud800"}}}')
    git(repo, "init", "-q")
    commit_all(repo)
    # the reading layer refuses it before the schema is read (repository/bounded.py)
    message = "a lone surrogate escape (\\ud800) is not text"
    r = cli("render", "--repo", str(repo))
    no_traceback(r)
    assert r.code == 1 and message in r.text, r
    assert not (repo / "patterns/examples/alpha/instance_minimal.json").exists()
    r = cli("example", str(repo / SCHEMA))
    assert r.code == 2 and message in r.text, r


def test_an_unsafe_name_is_shown_escaped_by_render_and_status(tmp_path, cli):
    bad = "alpha\x1b]0;pwned\x07\nforged line"
    repo = build(tmp_path, reg_with(GOOD_ENTRY.replace("name: alpha", f"name: {json.dumps(bad)}")))
    git(repo, "init", "-q")
    commit_all(repo, "bad name")
    for args in (("render",), ("status",), ("render", "--dry-run")):
        r = cli(*args, "--repo", str(repo))
        no_traceback(r)
        assert "\x1b" not in r.text and "\x07" not in r.text, (args, r)
        assert not any(line.startswith("forged line") for line in r.text.splitlines()), (args, r)


@pytest.mark.skipif(os.name == "nt", reason="Windows forbids newlines and colons in file names")
def test_error_messages_show_values_escaped(tmp_path, cli):
    repo = build(tmp_path)
    git(repo, "init", "-q")
    commit_all(repo)
    outside = tmp_path / "x\n::error file=README.md::owned"
    outside.write_text("x")
    r = cli("check", "--repo", str(repo), str(outside))
    assert r.code == 2, r
    assert not any(line.startswith("::error") for line in r.text.splitlines()), r
    assert "x\\n::error" in r.text


# -- 6. writes never go through a link to a file patforge does not mean ----------------------------------

def test_render_refuses_a_mapping_linked_to_another_file(tmp_path, cli):
    repo = build(tmp_path)
    (repo / "config").mkdir()
    settings = repo / "config/settings.json"
    # an empty object: a mapping render would extend, so the write is what is refused
    settings.write_text('{}\n')
    (repo / MAPPING).symlink_to("../../config/settings.json")
    git(repo, "init", "-q")
    commit_all(repo)
    r = cli("render", "--repo", str(repo))
    no_traceback(r)
    assert "a file in another folder; patforge will not write through it" in r.text, r
    assert settings.read_text() == '{}\n'
    assert (repo / MAPPING).is_symlink()


def test_check_fix_refuses_a_mapping_linked_to_another_file(tmp_path, cli):
    repo = build(tmp_path)
    (repo / "config").mkdir()
    settings = repo / "config/settings.json"
    settings.write_text('{"keep": true}\n')
    (repo / MAPPING).symlink_to("../../config/settings.json")
    git(repo, "init", "-q")
    commit_all(repo)
    r = cli("check", "--repo", str(repo), "--fix")
    no_traceback(r)
    assert settings.read_text() == '{"keep": true}\n'


def test_a_spec_linked_to_the_readme_is_refused(tmp_path, cli):
    spec = "patterns/specs/alpha.md"
    repo = build(tmp_path, reg_with(GOOD_ENTRY.replace("patterns/specs/alpha.pattern.yaml", spec)), spec=None)
    readme = repo / "README.md"
    readme.write_text("# My project\n\nKeep me exactly.\n")
    (repo / spec).symlink_to("../../README.md")
    git(repo, "init", "-q")
    commit_all(repo)
    for args in (("render",), ("check", "--fix")):
        r = cli(*args, "--repo", str(repo))
        no_traceback(r)
        assert readme.read_text() == "# My project\n\nKeep me exactly.\n", (args, r)
    r = cli("render", "--repo", str(repo))
    assert "a file in another folder" in r.text, r


def test_an_executor_linked_into_another_folder_is_refused(tmp_path, cli):
    repo = build(tmp_path)
    (repo / "tools").mkdir()
    tool = repo / "tools/deploy.py"
    tool.write_text("print('deploy')\n")
    (repo / EXECUTOR).symlink_to("../../tools/deploy.py")
    git(repo, "init", "-q")
    commit_all(repo)
    for args in (("render",), ("check", "--fix")):
        r = cli(*args, "--repo", str(repo))
        no_traceback(r)
        assert tool.read_text() == "print('deploy')\n", (args, r)


def test_write_target_keeps_same_folder_aliases_and_refuses_others(tmp_path):
    from patforge.repository.paths import PathProblem, write_target

    repo = tmp_path / "r"
    (repo / "a").mkdir(parents=True)
    (repo / "b").mkdir()
    (repo / "a/real.json").write_text("{}")
    (repo / "b/other.json").write_text("{}")
    (repo / "a/alias.json").symlink_to("real.json")
    (repo / "a/far.json").symlink_to("../b/other.json")
    assert write_target(repo, "a/alias.json") == (repo / "a/real.json").resolve()
    with pytest.raises(PathProblem, match="a file in another folder"):
        write_target(repo, "a/far.json")


# -- 7. recorded answers are checked against the unit's layout -----------------------------------------

def _answers(repo: Path, rel: str, old: str, new: str) -> None:
    p = repo / rel
    text = p.read_text()
    assert old in text, text
    p.write_text(text.replace(old, new))


def _notes_repo(tmp: Path, rendered: Path, rel: str = ANSWERS, old: str = "    ps1_path: ''",
                new: str = "    ps1_path: NOTES.py") -> Path:
    repo = copy_rendered(tmp, rendered)
    (repo / "NOTES.py").write_text("my notes, not patforge's\n")
    _answers(repo, rel, old, new)
    commit_all(repo, "tampered answers")
    return repo


@pytest.mark.slow
@pytest.mark.parametrize("args", [("update", "--registry"), ("update",)])
def test_update_never_touches_a_file_a_tampered_answers_file_names(tmp_path, cli, rendered, args):
    repo = _notes_repo(tmp_path, rendered)
    before = tree_snapshot(repo)
    r = cli(*args, "--repo", str(repo))
    no_traceback(r)
    assert r.code != 0, r
    assert 'records ps1_path "NOTES.py", but the executor kind writes' in r.text, r
    assert (repo / "NOTES.py").read_text() == "my notes, not patforge's\n"
    assert tree_snapshot(repo) == before


@pytest.mark.slow
def test_update_refuses_an_answers_file_that_names_another_answers_file(tmp_path, cli, rendered):
    repo = _notes_repo(tmp_path, rendered, old=f"answers_file: {ANSWERS}",
                       new="answers_file: .patforge/answers/alpha/tests.yml")
    before = tree_snapshot(repo)
    r = cli("update", "--registry", "--repo", str(repo))
    assert r.code != 0 and "not its own path" in r.text, r
    assert tree_snapshot(repo) == before


@pytest.mark.slow
def test_update_refuses_examples_answers_that_name_the_readme(tmp_path, cli, rendered):
    rel = ".patforge/answers/alpha/examples.yml"
    repo = copy_rendered(tmp_path, rendered)
    text = (repo / rel).read_text()
    old = next(line for line in text.splitlines() if line.strip().startswith("minimal_path:"))
    (repo / "README.md").write_text("readme\n")
    _answers(repo, rel, old, "    minimal_path: README.md")
    commit_all(repo)
    before = tree_snapshot(repo)
    r = cli("update", "--registry", "--repo", str(repo))
    assert r.code != 0 and "records minimal_path" in r.text, r
    assert tree_snapshot(repo) == before


@pytest.mark.slow
def test_hashes_naming_a_file_outside_are_refused_before_any_read(tmp_path, cli, rendered):
    rel = ".patforge/answers/alpha/examples.yml"
    repo = copy_rendered(tmp_path, rendered)
    secret = secret_file(tmp_path)
    text = (repo / rel).read_text()
    old = next(line for line in text.splitlines() if "instance_full.json:" in line)
    _answers(repo, rel, old, old.replace(old.strip().split(":")[0], f"../../{secret.name}"))
    commit_all(repo)
    r = cli("update", "--registry", "--repo", str(repo))
    no_traceback(r)
    assert r.code != 0 and "records output hashes" in r.text, r
    assert SECRET not in repo_text(repo)


def test_diff_refuses_a_tampered_answers_file(tmp_path, cli, rendered):
    repo = _notes_repo(tmp_path, rendered)
    r = cli("diff", "--repo", str(repo))
    no_traceback(r)
    assert r.code == 2 and 'records ps1_path "NOTES.py"' in r.text, r
    assert "my notes" not in r.out


# -- 8. check --output writes like a shell redirection ------------------------------------------------

def _small(tmp: Path) -> Path:
    repo = build(tmp)
    git(repo, "init", "-q")
    commit_all(repo)
    return repo


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_output_into_a_fifo_reaches_its_reader(tmp_path, cli):
    repo = _small(tmp_path)
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    r = cli("check", "--repo", str(repo), "--format", "json", "--output", str(fifo))
    reader.join(20)
    assert r.code == 1, r
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert json.loads(got[0])["verdict"] == "NON-COMPLIANT"


def test_output_through_a_symlink_writes_its_target(tmp_path, cli):
    repo = _small(tmp_path)
    real = tmp_path / "reports/real.json"
    real.parent.mkdir()
    real.write_text("old\n")
    link = tmp_path / "report.json"
    link.symlink_to(real)
    r = cli("check", "--repo", str(repo), "--format", "json", "--output", str(link))
    assert r.code == 1, r
    assert link.is_symlink() and json.loads(real.read_text())["verdict"] == "NON-COMPLIANT"


def test_output_through_a_dangling_symlink_creates_its_target(tmp_path, cli):
    repo = _small(tmp_path)
    link = tmp_path / "report.json"
    link.symlink_to(tmp_path / "new.json")
    r = cli("check", "--repo", str(repo), "--format", "json", "--output", str(link))
    assert r.code == 1, r
    assert link.is_symlink() and json.loads((tmp_path / "new.json").read_text())["verdict"] == "NON-COMPLIANT"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="mknod needs root")
def test_output_into_a_device_keeps_the_device(tmp_path, cli):
    repo = _small(tmp_path)
    dev = tmp_path / "null"
    os.mknod(dev, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # /dev/null's numbers
    r = cli("check", "--repo", str(repo), "--output", str(dev))
    assert r.code == 1, r
    assert stat.S_ISCHR(os.lstat(dev).st_mode)


@pytest.mark.parametrize("where", ["parent-is-a-file", "a-directory", "sys"])
def test_output_that_cannot_be_written_is_a_clear_error(tmp_path, cli, where):
    repo = _small(tmp_path)
    (tmp_path / "afile").write_text("x")
    (tmp_path / "adir").mkdir()
    target = {"parent-is-a-file": tmp_path / "afile/report.json", "a-directory": tmp_path / "adir",
              "sys": Path("/sys/patforge-report.json")}[where]
    if where == "sys" and not Path("/sys").is_dir():
        pytest.skip("no /sys")
    r = cli("check", "--repo", str(repo), "--output", str(target))
    no_traceback(r)
    assert r.code == 2, r
    assert f"cannot write the report to {target}" in r.text or "directory" in r.text, r
    assert (tmp_path / "afile").read_text() == "x"


def test_output_replaces_a_regular_file_atomically_and_keeps_its_mode(tmp_path, cli):
    repo = _small(tmp_path)
    out = tmp_path / "report.json"
    out.write_text("old\n")
    os.chmod(out, 0o640)
    r = cli("check", "--repo", str(repo), "--format", "json", "--output", str(out))
    assert r.code == 1, r
    assert json.loads(out.read_text())["verdict"] == "NON-COMPLIANT"
    if os.name == "posix":
        assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert not list(tmp_path.glob(".patforge-tmp-*"))
