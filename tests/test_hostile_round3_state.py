"""Issue 21, round 3: hangs, runaway memory and tampered state.

Each case runs the real command in a separate process under a guard of 60 s of the
child's CPU time (a hang is a failure, not a slow pass; CPU time, so a loaded machine
makes a case slower, never red; no timed assertion of speed here) and asserts a clear
refusal or an exact recovery: no traceback, the message naming the file, nothing
written outside the repository. The classes and their guarantees are in
docs/reliability.md ("Untrusted repository: bounds and state (issue 21)").
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from typing import Callable
from pathlib import Path

import pytest

from conftest import commit_all, git, tree_snapshot
from hostile_repo import GOOD_SPEC, REG, SPEC, build
from hostile_repo import copy_rendered, rendered  # noqa: F401 - the shared rendered fixture

from patforge.transaction.state import state_location

#: CPU seconds of the child: past this a command counts as hung. CPU time, not wall time:
#: a loaded machine stretches the wall clock (a 20 s wall guard failed at load 15), not this.
GUARD = 60
#: Wall seconds: only for a child that hangs without spending CPU (blocked on a FIFO).
BACKSTOP = 900
POSIX = pytest.mark.skipif(os.name != "posix", reason="devices and symlinks to them are POSIX")
SCHEMA = "patterns/schemas/alpha.schema.json"
EXECUTOR = "patterns/executors/alpha_executor.py"
EXAMPLES = "patterns/examples/alpha"
MAPPING = "patterns/registry/doc_id_mapping.json"


def _cpu_limit(seconds: int) -> Callable[[], None] | None:
    """A preexec function capping the child's CPU time (POSIX); None elsewhere."""
    try:
        import resource
    except ImportError:  # Windows: the wall backstop alone
        return None
    return lambda: resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 5))


def run(*args: str, cwd: Path | None = None, guard: int = GUARD) -> subprocess.CompletedProcess:
    """``patforge *args`` in its own process; a run past ``guard`` CPU seconds (or the wall
    backstop, for a child blocked without spending CPU) fails the test."""
    import patforge  # the child runs the code this test imported (the worktree's, in CI the installed)

    driver = str(Path(patforge.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONIOENCODING": "utf-8",
           "PYTHONPATH": os.pathsep.join([driver, os.environ.get("PYTHONPATH", "")])}
    try:
        res = subprocess.run([sys.executable, "-m", "patforge", *args], cwd=cwd, capture_output=True,
                             text=True, encoding="utf-8", errors="replace", env=env, timeout=BACKSTOP,
                             preexec_fn=_cpu_limit(guard))
    except subprocess.TimeoutExpired:
        pytest.fail(f"patforge {' '.join(args)} ran past {BACKSTOP} s without finishing (hung)")
    if -res.returncode in {getattr(signal, "SIGXCPU", None), getattr(signal, "SIGKILL", None)} - {None}:
        pytest.fail(f"patforge {' '.join(args)} spent more than {guard} s of CPU (hung)")
    assert "Traceback" not in res.stdout + res.stderr, res.stdout + res.stderr
    return res


def out(res: subprocess.CompletedProcess) -> str:
    return res.stdout + res.stderr


def fresh(tmp: Path, spec: str = GOOD_SPEC) -> Path:
    repo = build(tmp, spec=spec)
    git(repo, "init", "-q")
    commit_all(repo, "registry")
    return repo


def spec_with(extra: str) -> str:
    """GOOD_SPEC with ``extra`` lines added under inputs.target."""
    return GOOD_SPEC + extra


def hand_schema(repo: Path, schema: dict | str) -> None:
    """A hand-written schema for alpha (render keeps it, examples are generated from it)."""
    text = schema if isinstance(schema, str) else json.dumps(schema, indent=2)
    (repo / SCHEMA).write_text(text, encoding="utf-8")
    commit_all(repo, "hand-written schema")


def outside_unchanged(tmp: Path, repo: Path, before: dict[str, bytes]) -> None:
    after = {k: v for k, v in tree_snapshot(tmp).items() if not k.startswith(repo.name + "/")}
    assert after == before


# -- regular expressions ------------------------------------------------------------

@pytest.mark.slow  # a patforge subprocess over a whole repository (issue 20: fast lane)
def test_a_catastrophic_spec_pattern_does_not_hang_render(tmp_path):
    repo = fresh(tmp_path, spec_with("    pattern: '^(\\w+\\s?)*$'\n    min_length: 40\n"))
    res = run("render", "--repo", str(repo))
    assert res.returncode == 0, out(res)
    example = json.loads((repo / EXAMPLES / "instance_minimal.json").read_text("utf-8")) \
        if (repo / EXAMPLES / "instance_minimal.json").is_file() else None
    assert example is None or len(example["inputs"]["target"]) >= 40


@pytest.mark.slow  # a patforge subprocess over a whole repository (issue 20: fast lane)
def test_example_with_a_catastrophic_pattern_finishes(tmp_path):
    schema = tmp_path / "s.json"
    schema.write_text(json.dumps({"type": "object", "required": ["a"], "properties": {
        "a": {"type": "string", "pattern": "(x+x+)+y", "minLength": 40}}}), "utf-8")
    res = run("example", str(schema))
    assert res.returncode == 0, out(res)
    assert "xxy" in json.loads(res.stdout)["a"]


@pytest.mark.slow  # a patforge subprocess over a whole repository (issue 20: fast lane)
def test_check_validating_an_example_against_a_catastrophic_pattern_finishes(tmp_path, rendered):
    repo = copy_rendered(tmp_path, rendered)
    schema = json.loads((repo / SCHEMA).read_text("utf-8"))
    schema["properties"]["inputs"]["properties"]["target"]["pattern"] = "^(x+x+)+y$"
    (repo / SCHEMA).write_text(json.dumps(schema, indent=2), "utf-8")
    for f in (repo / EXAMPLES).glob("*.json"):
        data = json.loads(f.read_text("utf-8"))
        data["inputs"]["target"] = "x" * 60
        f.write_text(json.dumps(data, indent=2), "utf-8")
    res = run("check", "--repo", str(repo), "--verbose")  # the summary cuts at 200 characters
    assert res.returncode == 1, out(res)
    assert "does not match" in out(res)


@pytest.mark.slow  # a patforge subprocess over a whole repository (issue 20: fast lane)
def test_a_backtracking_only_pattern_past_its_bound_is_named(tmp_path):
    schema = tmp_path / "s.json"
    schema.write_text(json.dumps({"type": "string", "pattern": "^(a|aa)+(?=b)c", "minLength": 40,
                                  "maxLength": 40}), "utf-8")
    res = run("example", str(schema))
    assert res.returncode == 1, out(res)
    assert "ran past its 1 s bound" in out(res) and "^(a|aa)+(?=b)c" in out(res)


@pytest.mark.slow  # a patforge subprocess over a whole repository (issue 20: fast lane)
def test_an_invalid_pattern_in_a_hand_written_schema_is_refused_by_check(tmp_path, rendered):
    repo = copy_rendered(tmp_path, rendered)
    schema = json.loads((repo / SCHEMA).read_text("utf-8"))
    schema["properties"]["inputs"]["properties"]["target"]["pattern"] = "(unclosed"
    (repo / SCHEMA).write_text(json.dumps(schema, indent=2), "utf-8")
    res = run("check", "--repo", str(repo), "--verbose")  # the summary cuts at 200 characters
    assert res.returncode == 1, out(res)
    assert "'(unclosed' is not a valid regular expression" in out(res)


@pytest.mark.slow  # a patforge subprocess over a whole repository (issue 20: fast lane)
def test_ecma_named_groups_are_read_in_generation_and_validation(tmp_path):
    schema = tmp_path / "s.json"
    schema.write_text(json.dumps({"type": "string", "pattern": "^(?<y>[0-9]{4})-\\k<y>$"}), "utf-8")
    res = run("example", str(schema))
    assert res.returncode == 0, out(res)
    y, again = json.loads(res.stdout).split("-")
    assert y == again and len(y) == 4


@pytest.mark.parametrize("pattern,value,valid", [
    ("^abc$", "abc\n", False),          # $ is the very end (Python's $ also before a final \n)
    ("^\\d$", "\u0664", False),          # \d is ASCII
    ("^\\w$", "\u00e9", False),          # \w is ASCII
    ("^\\s$", "\u00a0", True),           # \s is Unicode white space
    ("^\\s$", "\ufeff", True),
    ("^.$", "\u2028", False),           # . stops at every line terminator
    ("^[^]$", "\n", True),              # [^] is any character
    ("^\\cJ$", "\n", True),
    ("a{,5}", "a{,5}", True),           # not a quantifier in ECMA-262
    ("\\u00e9", "\u00e9", True),
    ("^\\ud83d\\ude00$", "\U0001F600", True),
])
def test_patterns_follow_ecma_262(pattern, value, valid):
    from patforge.validation.bounded_schema import Draft7

    assert Draft7({"pattern": pattern}).is_valid(value) is valid


def test_the_fast_path_is_not_taken_for_a_pattern_re2_cannot_run():
    """jsonschema-rs runs look-arounds and back-references on fancy-regex, which
    backtracks without a bound: such a schema is judged by the bounded jsonschema."""
    from patforge.validation.bounded_schema import Draft7
    from patforge.validation.fastvalid import FastValidator, jsonschema_rs

    if jsonschema_rs is None:
        pytest.skip("jsonschema-rs is not installed")
    assert FastValidator({"pattern": "^(x+x+)+y$"}, Draft7)._rs is not None  # linear: fast path kept
    assert FastValidator({"pattern": "^(a|aa)+(?=b)c"}, Draft7)._rs is None
    assert FastValidator({"properties": {"a": {"patternProperties": {"(a)\\1": {}}}}}, Draft7)._rs is None


def test_unevaluated_properties_run_patterns_bounded_too():
    """2019-09 / 2020-12 schemas: unevaluatedProperties consults patternProperties."""
    import jsonschema

    from patforge.validation.bounded_schema import bounded

    cls = bounded(jsonschema.Draft202012Validator)
    schema = {"patternProperties": {"^(x+x+)+y$": {}}, "unevaluatedProperties": False}
    errors = list(cls(schema).iter_errors({"x" * 60: 1, "xxy": 2}))
    assert [e.message for e in errors] == [f"Unevaluated properties are not allowed ('{'x' * 60}' was unexpected)"]


# -- bounded example generation ------------------------------------------------------

def _nest(depth: int, leaf: dict) -> dict:
    schema = leaf
    for _ in range(depth):
        schema = {"type": "object", "required": ["a"], "properties": {"a": schema, "b": {"type": "string"}}}
    return schema


@pytest.mark.parametrize("depth", [10, 14, 18])
@pytest.mark.slow  # a patforge subprocess over a whole repository (issue 20: fast lane)
def test_an_unsatisfiable_nested_schema_is_reported_not_searched_forever(tmp_path, depth):
    schema = tmp_path / "s.json"
    schema.write_text(json.dumps(_nest(depth, {"type": "string", "minLength": 5, "maxLength": 2})), "utf-8")
    res = run("example", str(schema))
    assert res.returncode == 1, out(res)
    assert "could not find a valid instance" in out(res)
    assert '"minLength" at #' + "/properties/a" * depth in out(res)
    assert "no valid instance exists" not in out(res)


@pytest.mark.slow  # a patforge subprocess over a whole repository (issue 20: fast lane)
def test_a_chain_deeper_than_the_generator_follows_names_the_depth_bound(tmp_path):
    schema = tmp_path / "s.json"
    schema.write_text(json.dumps(_nest(49, {"type": "string"})), "utf-8")
    res = run("example", str(schema))
    assert res.returncode == 1, out(res)
    assert "the generator's depth bound at #/properties/a" in out(res)


def test_the_search_spends_at_most_its_work_bound():
    from patforge.examplegen.instances import generate_examples
    from patforge.examplegen.schemawalk import Walker

    walkers = []
    init = Walker.__init__

    def spy(self, *a, **k):
        init(self, *a, **k)
        walkers.append(self)

    Walker.__init__ = spy
    try:
        generate_examples(_nest(18, {"type": "string", "minLength": 5, "maxLength": 2}), strict=False)
        generate_examples(_nest(49, {"type": "string"}), strict=False)
    finally:
        Walker.__init__ = init
    # every walk stops at its check budget (a deterministic count, not a clock)
    assert walkers and all(w.checks <= w.budget + 1 for w in walkers)


# -- bounded reads ---------------------------------------------------------------------

@POSIX
@pytest.mark.slow  # a patforge subprocess over a whole repository (issue 20: fast lane)
def test_check_refuses_a_mapping_that_links_to_dev_zero(tmp_path, rendered):
    repo = copy_rendered(tmp_path, rendered)
    (repo / MAPPING).unlink(missing_ok=True)
    os.symlink("/dev/zero", repo / MAPPING)
    res = run("check", "--repo", str(repo))
    assert res.returncode == 1, out(res)
    assert MAPPING in out(res)


@POSIX
@pytest.mark.slow  # a patforge subprocess over a whole repository (issue 20: fast lane)
def test_render_refuses_a_forged_manifest_naming_dev_zero(tmp_path, rendered):
    from patforge.rendering.manifest import FORMAT, MANIFEST

    repo = copy_rendered(tmp_path, rendered)
    state = state_location(repo)
    path = state / MANIFEST
    body = json.loads(path.read_bytes().rsplit(b"\n", 2)[0]) if path.is_file() else {}
    body.setdefault("files", {})["/dev/zero"] = [0, 0, "0" * 64]
    body.setdefault("inputs", []).append("/dev/zero")
    body["format"] = FORMAT
    raw = json.dumps(body).encode()
    try:
        from patforge.transaction.state_shape import sealed
        raw = sealed(raw)  # a well-sealed forgery: refused for its path, not its seal
    except ImportError:
        pass
    path.write_bytes(raw)
    (repo / EXECUTOR).unlink()
    res = run("render", "--repo", str(repo))
    assert res.returncode == 0, out(res)
    assert "nothing to do" not in out(res)
    assert (repo / EXECUTOR).is_file()


@POSIX
@pytest.mark.slow  # a patforge subprocess over a whole repository (issue 20: fast lane)
def test_status_names_a_sha256_list_that_lists_dev_zero(tmp_path, rendered):
    repo = copy_rendered(tmp_path, rendered)
    sha = next((repo / ".patforge" / "answers").rglob("*.sha256"))
    sha.write_text(f"{'0' * 64}  /dev/zero\n", "utf-8")
    res = run("status", "--repo", str(repo))
    rel = sha.relative_to(repo).as_posix()
    assert rel in out(res), out(res)
    assert "resolves outside" not in out(res)


DEEP = "[" * 100_000


@pytest.mark.parametrize("where", ["mapping", "schema", "example"])
@pytest.mark.slow  # a patforge subprocess over a whole repository (issue 20: fast lane)
def test_deep_nesting_in_a_repository_file_is_refused_by_check(tmp_path, rendered, where):
    repo = copy_rendered(tmp_path, rendered)
    target = {"mapping": repo / MAPPING, "schema": repo / SCHEMA,
              "example": next((repo / EXAMPLES).glob("*.json"))}[where]
    target.write_text(DEEP, "utf-8")
    res = run("check", "--repo", str(repo))
    assert res.returncode == 1, out(res)
    assert "RecursionError" not in out(res)
    assert target.relative_to(repo).as_posix() in out(res)


@pytest.mark.slow  # a patforge subprocess over a whole repository (issue 20: fast lane)
def test_deep_nesting_in_the_file_given_to_example_is_refused(tmp_path):
    schema = tmp_path / "s.json"
    schema.write_text(DEEP, "utf-8")
    res = run("example", str(schema))
    assert res.returncode == 2, out(res)
    assert "nested more than" in out(res) and str(schema) in out(res)


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "sarif", "github", "html"])
@pytest.mark.slow  # a patforge subprocess over a whole repository (issue 20: fast lane)
def test_a_lone_surrogate_in_an_example_is_reported_in_every_check_format(tmp_path, rendered, fmt):
    repo = copy_rendered(tmp_path, rendered)
    example = next((repo / EXAMPLES).glob("*.json"))
    example.write_text(example.read_text("utf-8").replace('"inputs": {', '"inputs": {"x": "\\ud800", ', 1),
                       "utf-8")
    res = run("check", "--repo", str(repo), "--format", fmt)
    assert res.returncode == 1, out(res)
    assert "UnicodeEncodeError" not in out(res)


@pytest.mark.slow  # a patforge subprocess over a whole repository (issue 20: fast lane)
def test_a_lone_surrogate_in_a_hand_written_schema_does_not_crash_render(tmp_path):
    repo = fresh(tmp_path)
    hand_schema(repo, '{"type": "object", "required": ["target"], '
                      '"properties": {"target": {"const": "\\ud800"}}}')
    res = run("render", "--repo", str(repo))
    assert res.returncode in (1, 2), out(res)
    assert SCHEMA in out(res) and "surrogate" in out(res)
    assert not (repo / EXAMPLES).exists() or not list((repo / EXAMPLES).glob("*.json"))


# -- tampered state ---------------------------------------------------------------------

def _manifest(repo: Path) -> Path:
    from patforge.rendering.manifest import MANIFEST

    return state_location(repo) / MANIFEST


def _fresh_manifest(repo: Path) -> Path:
    """Render again with no manifest, so one is recorded for the repository as it is."""
    _manifest(repo).unlink(missing_ok=True)
    res = run("render", "--repo", str(repo))
    assert res.returncode == 0, out(res)
    assert _manifest(repo).is_file()
    return _manifest(repo)


def _body(path: Path) -> tuple[dict, bool]:
    raw = path.read_bytes()
    try:
        return json.loads(raw), False
    except ValueError:
        return json.loads(raw.rstrip(b"\n").rpartition(b"\n")[0]), True


def _write_body(path: Path, body: dict, sealed_: bool) -> None:
    raw = json.dumps(body).encode()
    if sealed_:
        from patforge.transaction.state_shape import sealed
        raw = sealed(raw)
    path.write_bytes(raw)


@pytest.mark.parametrize("reseal", [False, True])
@pytest.mark.slow  # a patforge subprocess over a whole repository (issue 20: fast lane)
def test_a_manifest_with_empty_files_does_not_hide_a_missing_executor(tmp_path, rendered, reseal):
    repo = copy_rendered(tmp_path, rendered)
    path = _fresh_manifest(repo)
    body, sealed_ = _body(path)
    body["files"] = {}
    _write_body(path, body, sealed_ and reseal)
    (repo / EXECUTOR).unlink()
    res = run("render", "--repo", str(repo))
    assert res.returncode == 0, out(res)
    assert "nothing to do" not in out(res)
    assert (repo / EXECUTOR).is_file()


@pytest.mark.parametrize("damage", ["unit-not-an-object", "report-without-template", "file-entry-short",
                                    "diagnostic-not-an-object", "written-ns-text"])
@pytest.mark.slow  # a patforge subprocess over a whole repository (issue 20: fast lane)
def test_a_wrong_shaped_manifest_is_a_full_run(tmp_path, rendered, damage):
    repo = copy_rendered(tmp_path, rendered)
    path = _fresh_manifest(repo)
    body, sealed_ = _body(path)
    if damage == "unit-not-an-object":
        body["units"][next(iter(body["units"]))] = ["x"]
    elif damage == "report-without-template":
        del body["report"]["template"]
    elif damage == "file-entry-short":
        body["files"][next(iter(body["files"]))] = [1]
    elif damage == "diagnostic-not-an-object":
        body["report"]["diagnostics"] = ["x"]
    else:
        body["written_ns"] = "soon"
    _write_body(path, body, sealed_)
    res = run("render", "--repo", str(repo))
    assert res.returncode == 0, out(res)


@pytest.mark.slow  # a patforge subprocess over a whole repository (issue 20: fast lane)
def test_an_input_edited_with_its_size_and_mtime_kept_is_noticed(tmp_path, rendered):
    repo = copy_rendered(tmp_path, rendered)
    spec = repo / SPEC
    old = (1_600_000_000, 1_600_000_000)
    os.utime(spec, old)
    _fresh_manifest(repo)
    text = spec.read_text("utf-8")
    edited = text.replace("Demo.", "Dome.")
    assert len(edited) == len(text) and edited != text
    spec.write_text(edited, "utf-8")
    os.utime(spec, old)  # what touch -r, cp -p, rsync and tar do
    res = run("render", "--repo", str(repo))
    assert "nothing to do" not in out(res), out(res)
    status = run("status", "--repo", str(repo))
    assert "stale" in out(status)


@pytest.mark.slow  # a patforge subprocess over a whole repository (issue 20: fast lane)
def test_an_overflowing_number_in_the_failed_units_list_is_refused_clearly(tmp_path, rendered):
    from patforge.rendering.failed_units import FILE

    repo = copy_rendered(tmp_path, rendered)
    path = state_location(repo) / FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"units": [[1e400, "executor", "alpha"]], "other_errors": 0}', "utf-8")
    res = run("render", "--repo", str(repo), "--failed")
    assert res.returncode == 2, out(res)
    assert "failed-units record is damaged" in out(res) and FILE in out(res)


@pytest.mark.slow  # a patforge subprocess over a whole repository (issue 20: fast lane)
def test_a_damaged_compile_cache_entry_is_a_cache_miss(tmp_path, rendered):
    from patforge.rendering.compile_cache import CACHE_DIR

    repo = copy_rendered(tmp_path, rendered)
    entries = sorted((state_location(repo) / CACHE_DIR).iterdir())
    assert entries
    for path in entries:
        body, sealed_ = _body(path)
        entry = body["value"]
        if isinstance(entry, dict) and "instances" in entry:
            del entry["blocker"]  # the damage that made a unit fail with 'blocker'
        elif isinstance(entry, dict):
            entry["diagnostics"] = [7]
        _write_body(path, body, sealed_)
    _manifest(repo).unlink(missing_ok=True)  # a full run, which consults the cache
    (repo / EXAMPLES / "instance_minimal.json").unlink()
    res = run("render", "--repo", str(repo))
    assert res.returncode == 0, out(res)
    assert "'blocker'" not in out(res)
    assert (repo / EXAMPLES / "instance_minimal.json").is_file()
    # and the damaged entries the run used were written again, whole (the others pruned)
    rewritten = {p.name: _body(p)[0]["value"] for p in (state_location(repo) / CACHE_DIR).iterdir()}
    assert {p.name for p in entries} & set(rewritten)
    assert all("blocker" in v if "instances" in v else v["diagnostics"] != [7] for v in rewritten.values())
    res = run("render", "--repo", str(repo))
    assert res.returncode == 0, out(res)


def test_a_rollback_killed_after_its_journal_committed_is_completed_truthfully(tmp_path, cli, monkeypatch):
    from patforge.transaction import journal as journal_mod

    repo = fresh(tmp_path)
    assert cli("render", "--repo", str(repo)).code == 0
    created = [p for p in (repo / "patterns" / "examples").iterdir() if p.is_dir()]
    assert created
    real = journal_mod.Journal._replay
    calls = {"n": 0}

    def killed(self, writes):  # the journal is committed; the process dies before landing
        calls["n"] += 1
        raise KeyboardInterrupt

    monkeypatch.setattr(journal_mod.Journal, "_replay", killed)
    with pytest.raises(KeyboardInterrupt):
        from patforge.transaction.rollback import rollback
        rollback(repo)
    monkeypatch.setattr(journal_mod.Journal, "_replay", real)
    r = cli("rollback", "--repo", str(repo))
    assert r.code == 0, r
    assert "completed a rollback that was interrupted" in r.text
    assert "deleted 0" not in r.text
    assert not any(p.exists() for p in created)
    assert git(repo, "status", "--porcelain") == ""


@pytest.mark.slow  # a patforge subprocess over a whole repository (issue 20: fast lane)
def test_a_killed_runs_temporary_folder_is_swept_by_the_next_run(tmp_path, rendered):
    from patforge.transaction.state import TMP

    repo = copy_rendered(tmp_path, rendered)
    left = state_location(repo) / TMP / "999999999"
    (left / "copier._vcs.clone.x").mkdir(parents=True)
    (left / "copier._vcs.clone.x" / "f").write_text("left by a killed run", "utf-8")
    (repo / EXECUTOR).unlink()  # a full run, which renders with Copier
    res = run("render", "--repo", str(repo))
    assert res.returncode == 0, out(res)
    assert not left.exists()


# -- the same causes through other doors ------------------------------------------------
#
# Each case builds a repository (or a schema file), runs one command in the guarded
# subprocess and expects a clear refusal or an exact recovery: its exit code, a message
# naming what is wrong, and nothing changed outside the repository.

#: A case's setup: (a fresh folder, the shared rendered repository) -> (the
#: repository, the command's arguments).
Setup = Callable[[Path, Path], tuple[Path, tuple[str, ...]]]


def _schema_file(schema: dict | str) -> "Setup":
    def setup(tmp: Path, _rendered: Path) -> tuple[Path, tuple[str, ...]]:
        path = tmp / "s.json"
        path.write_text(schema if isinstance(schema, str) else json.dumps(schema), "utf-8")
        return tmp, ("example", str(path))
    return setup


def _edit_rendered(edit, *args: str) -> "Setup":
    def setup(tmp: Path, rendered_repo: Path) -> tuple[Path, tuple[str, ...]]:
        repo = copy_rendered(tmp, rendered_repo)
        edit(repo)
        return repo, (*args, "--repo", str(repo))
    return setup


def _fresh_with(edit, *args: str, spec: str = GOOD_SPEC) -> "Setup":
    def setup(tmp: Path, _rendered: Path) -> tuple[Path, tuple[str, ...]]:
        repo = fresh(tmp, spec)
        edit(repo)  # after the commit: git cannot add a FIFO
        return repo, (*args, "--repo", str(repo))
    return setup


def _set_schema_prop(prop: dict, example_value=None):
    def edit(repo: Path) -> None:
        schema = json.loads((repo / SCHEMA).read_text("utf-8"))
        schema["properties"]["inputs"]["properties"]["target"] = prop
        (repo / SCHEMA).write_text(json.dumps(schema, indent=2), "utf-8")
        if example_value is not None:
            for f in (repo / EXAMPLES).glob("*.json"):
                data = json.loads(f.read_text("utf-8"))
                data["inputs"]["target"] = example_value
                f.write_text(json.dumps(data, indent=2), "utf-8")
    return edit


def _replace(rel: str, kind: str, payload: bytes = b""):
    """Replace ``rel`` with a link to ``/dev/...``, a FIFO, or ``payload`` bytes."""
    def edit(repo: Path) -> None:
        path = repo / rel
        if path.is_file() or path.is_symlink():
            path.unlink()
        path.parent.mkdir(parents=True, exist_ok=True)
        if kind == "fifo":
            os.mkfifo(path)
        elif kind.startswith("/dev/"):
            os.symlink(kind, path)
        else:
            path.write_bytes(payload)
    return edit


def _state(name: str, kind: str, payload: bytes = b""):
    """Replace the state file ``name`` the same way (the state folder is outside the tree)."""
    def edit(repo: Path) -> None:
        state = state_location(repo)
        state.mkdir(parents=True, exist_ok=True)
        _replace(name, kind, payload)(state)
    return edit


def _cache_entries(kind: str, payload: bytes = b""):
    """Replace every entry file of the compile cache the same way (``_replace``)."""
    def edit(repo: Path) -> None:
        from patforge.rendering.compile_cache import CACHE_DIR

        folder = state_location(repo) / CACHE_DIR
        names = sorted(f.name for f in folder.iterdir())
        assert names, "the rendered copy has a compile cache"
        for name in names:
            _replace(name, kind, payload)(folder)
    return edit


def _cache_folder_links_out(repo: Path) -> None:
    """The compile cache folder is a link to a folder outside the repository, holding a
    copy of the real entries: nothing is read from it or written into it."""
    from patforge.rendering.compile_cache import CACHE_DIR

    folder = state_location(repo) / CACHE_DIR
    outside = repo.parent / "outside-cache"
    shutil.copytree(folder, outside)
    shutil.rmtree(folder)
    os.symlink(outside, folder)


def _two(*edits):
    def edit(repo: Path) -> None:
        for e in edits:
            e(repo)
    return edit


def _unlink(rel: str):
    return lambda repo: (repo / rel).unlink()


def _deep_nest(depth: int, leaf: dict, wrap) -> dict:
    schema = leaf
    for _ in range(depth):
        schema = wrap(schema)
    return schema


def _sha256_of(kind: str):
    def edit(repo: Path) -> None:
        sha = repo / ".patforge" / "answers" / "alpha" / f"{kind}.sha256"
        sha.write_text(f"{'0' * 64}  ../outside.txt\n", "utf-8")
    return edit


UNSAT = {"type": "string", "minLength": 5, "maxLength": 2}
DOORS = [
    # regular expressions
    ("example-patternProperties-catastrophic",
     _schema_file({"type": "object", "minProperties": 1, "patternProperties": {"^(x+x+)+y$": {"type": "string"}},
                   "additionalProperties": False}), {0, 1}, ""),
    ("example-propertyNames-catastrophic",
     _schema_file({"type": "object", "minProperties": 1, "propertyNames": {"pattern": "^(a|aa)+(?=b)c"}}),
     {1}, "could not find"),
    ("example-pattern-too-long", _schema_file({"type": "string", "pattern": "a" * 20_000}), {2},
     "characters long"),
    ("example-pattern-python-only-escape", _schema_file({"type": "string", "pattern": "\\Aabc"}), {2},
     "not an ECMA-262 escape"),
    ("example-format-regex-instance", _schema_file({"type": "string", "format": "regex", "const": "(x"}), {1},
     "could not find"),
    ("check-patternProperties-catastrophic-key",
     _edit_rendered(_set_schema_prop({"type": "object", "patternProperties": {"^(x+x+)+y$": {"type": "integer"}}},
                                     {"x" * 60: "s"}), "check"), {0}, "COMPLIANT"),
    ("check-additionalProperties-with-backtracking-pattern",
     _edit_rendered(_set_schema_prop({"type": "object", "additionalProperties": False,
                                      "patternProperties": {"^(a|aa)+(?=b)c": {}}}, {"a" * 40: 1}), "check", "--verbose"),
     {1}, "ran past its 1 s bound"),
    ("render-spec-pattern-invalid",
     _fresh_with(lambda r: None, "render", spec=spec_with("    pattern: '(unclosed'\n")), {1, 2},
     "not a valid regular expression"),
    ("render-spec-pattern-named-group",
     _fresh_with(lambda r: None, "render", spec=spec_with("    pattern: '^(?<w>[a-z]+)-\\k<w>$'\n")), {0}, ""),
    ("render-name-pattern-catastrophic",
     _fresh_with(lambda r: (r / "patforge.toml").write_text('name_pattern = "^(a|aa)+(?=b)c"\n', "utf-8"),
                 "render"), {1, 2}, "does not match ^(a|aa)+(?=b)c"),
    # bounded generation
    ("example-anyOf-nested-unsatisfiable",
     _schema_file(_deep_nest(12, UNSAT, lambda s: {"anyOf": [{"type": "object", "required": ["a"],
                                                              "properties": {"a": s}}, {"not": {}}]})),
     {1}, "could not find"),
    ("example-arrays-nested-unsatisfiable",
     _schema_file(_deep_nest(30, UNSAT, lambda s: {"type": "array", "minItems": 1, "items": s})),
     {1}, "could not find"),
    ("example-recursive-ref-required-self",
     _schema_file({"$ref": "#/definitions/n", "definitions": {"n": {"type": "object", "required": ["next"],
                                                                    "properties": {"next": {"$ref": "#/definitions/n"}}}}}),
     {1}, "could not find"),
    ("example-if-then-nested",
     _schema_file(_deep_nest(14, UNSAT, lambda s: {"type": "object", "required": ["a"], "if": {"required": ["a"]},
                                                   "then": {"properties": {"a": s}}, "else": {"properties": {"a": s}}})),
     {1}, "could not find"),
    ("render-hand-written-deep-unsatisfiable",
     _fresh_with(lambda r: hand_schema(r, _nest(18, UNSAT)), "render"), {1}, "could not find a valid example"),
    # bounded reads: devices, FIFOs, sizes, depth, surrogates
    ("render-spec-is-dev-zero", _fresh_with(_replace(SPEC, "/dev/zero"), "render"), {1, 2}, SPEC),
    ("render-spec-is-a-fifo", _fresh_with(_replace(SPEC, "fifo"), "render"), {1, 2}, SPEC),
    ("render-id-yaml-is-a-fifo", _fresh_with(_replace("patterns/schemas/other.schema.id.yaml", "fifo"), "render"),
     {0}, "wrote"),
    ("check-registry-is-a-fifo", _edit_rendered(_replace(REG, "fifo"), "check"), {1, 2}, "PATTERN_INDEX.yaml"),
    ("check-schema-is-a-fifo", _edit_rendered(_replace(SCHEMA, "fifo"), "check"), {1}, "schema_path"),
    ("check-example-is-dev-urandom",
     _edit_rendered(_replace(EXAMPLES + "/instance_full.json", "/dev/urandom"), "check"), {0, 1}, "Verdict"),
    ("check-example-over-the-size-bound",
     _edit_rendered(_replace(EXAMPLES + "/instance_test.json", "bytes", b" " * (17 * 1024 * 1024) + b"{}"), "check"),
     {1}, "instance_test"),
    ("render-config-is-dev-zero", _fresh_with(_replace("patforge.toml", "/dev/zero"), "render"), {2},
     "patforge.toml"),
    ("status-answers-is-a-fifo", _edit_rendered(_replace(".patforge/answers/alpha/executor.yml", "fifo"), "status"),
     {2}, "executor.yml: not a regular file"),
    ("status-sha256-is-a-fifo", _edit_rendered(_replace(".patforge/answers/alpha/tests.sha256", "fifo"), "status"),
     {0, 1, 2}, "tests.sha256"),
    ("status-sha256-lists-a-path-outside", _edit_rendered(_sha256_of("schema"), "status"), {0, 1, 2},
     "schema.sha256"),
    ("check-schema-key-lone-surrogate",
     _edit_rendered(_replace(SCHEMA, "bytes", b'{"type": "object", "properties": {"\\udc00": {}}}'), "check"),
     {1}, "surrogate"),
    ("render-spec-deep-yaml", _fresh_with(_replace(SPEC, "bytes", b"inputs: " + b"[" * 100_000), "render"),
     {1, 2}, SPEC),
    ("status-answers-deep-yaml",
     _edit_rendered(_replace(".patforge/answers/alpha/executor.yml", "bytes", b"a: " + b"[" * 100_000), "status"),
     {0, 1, 2}, "executor.yml"),
    ("render-mapping-deep-json",
     _edit_rendered(_two(_replace(MAPPING, "bytes", DEEP.encode()), _unlink(EXECUTOR)), "render"), {0, 1, 2},
     "doc_id_mapping.json"),
    # state files: devices, FIFOs, depth, shapes
    ("render-manifest-is-a-fifo", _edit_rendered(_two(_state("manifest.json", "fifo"), _unlink(EXECUTOR)), "render"),
     {0}, "wrote"),
    ("render-manifest-deep-json",
     _edit_rendered(_two(_state("manifest.json", "bytes", DEEP.encode()), _unlink(EXECUTOR)), "render"), {0},
     "wrote"),
    ("render-compile-cache-is-dev-zero",
     _edit_rendered(_two(_cache_entries("/dev/zero"), _state("manifest.json", "bytes", b"{}"),
                         _unlink(EXAMPLES + "/instance_full.json")), "render"), {0}, "wrote"),
    ("render-compile-cache-is-a-fifo",
     _edit_rendered(_two(_cache_entries("fifo"), _state("manifest.json", "bytes", b"{}"),
                         _unlink(EXAMPLES + "/instance_full.json")), "render"), {0}, "wrote"),
    ("render-compile-cache-deep-json",
     _edit_rendered(_two(_cache_entries("bytes", DEEP.encode()), _state("manifest.json", "bytes", b"{}"),
                         _unlink(EXAMPLES + "/instance_full.json")), "render"), {0}, "wrote"),
    ("render-compile-cache-folder-links-out",
     _edit_rendered(_two(_cache_folder_links_out, _state("manifest.json", "bytes", b"{}"),
                         _unlink(EXAMPLES + "/instance_full.json")), "render"), {0}, "wrote"),
    ("render-journal-is-dev-zero", _edit_rendered(_state("journal.json", "/dev/zero"), "render"), {0, 1, 2}, ""),
    ("render-journal-deep-json", _edit_rendered(_state("journal.json", "bytes", DEEP.encode()), "render"), {0},
     "could not be used"),
    ("render-journal-entry-without-data",
     _edit_rendered(_state("journal.json", "bytes", b'{"writes": [{"path": "x.txt"}]}'), "render"), {0},
     "could not be used"),
    ("render-failed-units-is-dev-zero",
     _edit_rendered(_state("failed-units.json", "/dev/zero"), "render", "--failed"), {2}, "failed-units"),
    ("render-failed-units-wrong-shape",
     _edit_rendered(_state("failed-units.json", "bytes", b'{"units": [["a"]]}'), "render", "--failed"), {2},
     "failed-units record is damaged"),
]


@POSIX
@pytest.mark.parametrize("case_id,setup,codes,message", DOORS, ids=[d[0] for d in DOORS])
@pytest.mark.slow  # a patforge subprocess over a whole repository (issue 20: fast lane)
def test_other_doors_to_the_same_causes(tmp_path, rendered, case_id, setup, codes, message):
    (tmp_path / "outside.txt").write_text("keep me\n", "utf-8")
    where, args = setup(tmp_path, rendered)
    repo_name = "repo" if (tmp_path / "repo").exists() else None
    before = {k: v for k, v in tree_snapshot(tmp_path).items()
              if repo_name is None or not k.startswith(repo_name + "/")}
    res = run(*args)
    assert res.returncode in codes, out(res)
    assert message in out(res), out(res)
    after = {k: v for k, v in tree_snapshot(tmp_path).items()
             if repo_name is None or not k.startswith(repo_name + "/")}
    assert after == before, "something outside the repository changed"


def test_the_other_doors_are_at_least_thirty():
    assert len(DOORS) >= 30
