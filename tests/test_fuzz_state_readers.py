"""Fuzzing the readers of patforge's own state: the no-op manifest, the failed-units
list, the compile cache, answers files, output-hash lists, the journal and the
rollback record (issue 21: state is input too).

Arbitrary bytes, and well-formed files with one value replaced by an arbitrary JSON
structure, must end in one of: the reader's "nothing usable" answer (a cache miss,
None), a value the caller can use without another exception, or a clear
``PatforgeError`` / the reader's documented ``ValueError``. Never another exception.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from patforge.errors import PatforgeError

FUZZ = settings(max_examples=80, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

SCALARS = (st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
           | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12)
           | st.sampled_from(["/dev/zero", "../x", "C:\\x", "a/../../b", "\ud800", "", "x" * 300,
                              "0" * 64, "up-to-date", "generated"]))
JSON = st.recursive(SCALARS, lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c, max_size=4),
                    max_leaves=12)
RAW = st.one_of(st.binary(max_size=400), st.sampled_from([
    b"", b"{", b"[" * 5000, b"1e400", b'{"format": 2}', b"\xff\xfe", b'"\\ud800"', b"null", b"[]",
    b'{"units": [[1e400, "x", "y"]]}']))


@contextmanager
def folder() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="patforge-fuzz-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path (tuple of keys / indexes) into a JSON value."""
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, prefix + (i,))
    return out


@st.composite
def mutated(draw, base: Any) -> Any:
    """``base`` with the value at one path replaced by an arbitrary JSON value (or deleted)."""
    doc = json.loads(json.dumps(base))
    path = draw(st.sampled_from(_paths(doc)[1:]))
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    if draw(st.booleans()) and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = draw(JSON)
    return doc


# -- the no-op manifest ------------------------------------------------------------------

def _manifest_body() -> dict:
    from patforge.rendering.manifest import FORMAT
    from patforge.rendering.template_source import REPO_BUNDLE

    digest = "a" * 64
    return {"format": FORMAT, "written_ns": 10, "context": {"patforge": "x"},
            "files": {REPO_BUNDLE: [3, 5, digest], "patterns/specs/a.yaml": [3, 5, digest],
                      "patterns/executors/a.py": [3, 5, digest], "gone.txt": [None, None, None]},
            "dirs": {".patforge/answers": digest, "patterns/examples/a": None},
            "units": {"a/executor": {"phase": 2, "kind": "executor", "pattern": "a", "status": "current",
                                     "message": "", "files": ["patterns/executors/a.py"], "answers": None}},
            "report": {"template": {"location": "x", "record": REPO_BUNDLE, "ref": "v1", "tags": ["v1"],
                                    "notes": []},
                       "mapping": [{"pattern": "a", "doc_id": "DOC-A", "source": "registry"}],
                       "notes": ["n"],
                       "diagnostics": [{"severity": "warning", "message": "m", "path": "p", "line": 2}]},
            "inputs": [REPO_BUNDLE, "patterns/specs/a.yaml"]}


def _write_manifest(state: Path, body: Any, seal: bool) -> None:
    from patforge.rendering.manifest import MANIFEST
    from patforge.transaction.state_shape import sealed

    raw = json.dumps(body).encode("utf-8")
    (state / MANIFEST).write_bytes(sealed(raw) if seal else raw)


def _load_and_replay(repo: Path, state: Path) -> None:
    from patforge.rendering.manifest import Manifest, unchanged
    from patforge.rendering.noop import _report

    m = Manifest.load(state)
    if m is not None:
        _report(repo, m)  # what a replay shows must be buildable from anything load accepts
        unchanged(repo, state, m.context)


def test_the_unmutated_manifest_body_is_accepted():
    """The fuzz below starts from a body the reader accepts (else it proves nothing)."""
    from patforge.rendering.manifest import Manifest

    with folder() as repo:
        _write_manifest(repo, _manifest_body(), seal=True)
        assert Manifest.load(repo) is not None


@FUZZ
@given(data=st.data())
def test_manifest_fields_of_any_shape_are_a_cache_miss_or_usable(data):
    body = data.draw(mutated(_manifest_body()))
    with folder() as repo:
        _write_manifest(repo, body, seal=True)
        _load_and_replay(repo, repo)


@FUZZ
@given(raw=RAW)
def test_manifest_bytes_of_any_kind_are_a_cache_miss(raw):
    from patforge.rendering.manifest import MANIFEST, Manifest

    with folder() as repo:
        (repo / MANIFEST).write_bytes(raw)
        assert Manifest.load(repo) is None


# -- the failed-units list ---------------------------------------------------------------

@FUZZ
@given(payload=st.one_of(RAW, JSON.map(lambda v: json.dumps(v).encode()),
                         mutated({"units": [[2, "executor", "alpha"]], "other_errors": 0})
                         .map(lambda v: json.dumps(v).encode())))
def test_the_failed_units_list_is_read_or_refused_clearly(payload):
    from patforge.rendering import failed_units

    with folder() as repo, pytest.MonkeyPatch.context() as mp:
        mp.setattr(failed_units, "state_dir", lambda _r: repo)  # no git needed
        (repo / failed_units.FILE).write_bytes(payload)
        try:
            record = failed_units.load(repo)
        except PatforgeError as exc:
            assert failed_units.FILE in exc.message
        else:
            assert record is not None
            assert all(isinstance(p, int) and isinstance(k, str) and isinstance(n, str)
                       for p, k, n in record.units)


# -- the compile cache -------------------------------------------------------------------

@FUZZ
@given(entry=JSON, raw=RAW, seal=st.booleans())
def test_compile_cache_entries_of_any_shape_are_a_miss(entry, raw, seal):
    from patforge.rendering.compile_cache import CACHE_DIR, CompileCache, _code_fingerprint
    from patforge.kinds.examples import _cached_examples
    from patforge.kinds.schema import _cached_schema
    from patforge.transaction.state_shape import sealed

    k = "0" * 64
    with folder() as state:
        body = json.dumps({"code": _code_fingerprint(), "key": k, "value": entry}).encode()
        (state / CACHE_DIR).mkdir()
        (state / CACHE_DIR / f"{k}.json").write_bytes(sealed(body) if seal else raw)
        cache = CompileCache.load(state)
        for shape in (_cached_schema, _cached_examples):
            hit = cache.get(k, shape)
            if hit is not None:
                assert shape is not _cached_schema or isinstance(hit, tuple)


# -- answers files, output-hash lists, the journal ---------------------------------------

ANSWERS_BASE = {"_commit": "v1.0.0", "_src_path": ".patforge/templates.bundle", "artifact": "executor",
                "units": [{"name": "alpha", "pattern_id": "PAT-ALPHA-001"}]}


@FUZZ
@given(doc=st.one_of(JSON, mutated(ANSWERS_BASE)), raw=RAW, use_raw=st.booleans())
def test_answers_files_parse_or_refuse(doc, raw, use_raw):
    from patforge.rendering.answers import AnswersError, parse_answers

    payload = raw if use_raw else json.dumps(doc).encode("utf-8")  # JSON is YAML
    try:
        parse_answers(payload, ".patforge/answers/alpha/executor.yml")
    except AnswersError:
        pass


@FUZZ
@given(lines=st.lists(st.one_of(st.text(max_size=80), st.sampled_from([
    "0" * 64 + "  /dev/zero", "0" * 64 + "  ../x", "0" * 64 + "  a/b.py", "0" * 64 + " *c:/x",
    "0" * 63 + "  a"])), max_size=6))
def test_output_hash_lists_parse_or_name_the_file_and_line(lines):
    from patforge.repository.bounded import ContentError
    from patforge.rendering.output_hashes import parse_manifest

    text = "\n".join(lines)
    try:
        parsed = parse_manifest(text, "x.sha256")
    except ContentError as exc:
        assert exc.message.startswith("x.sha256:")
    else:
        from patforge.repository.paths import normalize_repo_path

        for rel in parsed or {}:
            assert normalize_repo_path(rel, internal=True) == rel


@FUZZ
@given(doc=st.one_of(JSON, mutated({"writes": [{"path": "a.txt", "data": "aGk="}, {"path": "b", "data": None}]})),
       raw=RAW, use_raw=st.booleans())
def test_the_journal_parses_or_says_why(doc, raw, use_raw):
    from patforge.transaction.journal import _parse_journal

    try:
        _parse_journal(raw if use_raw else json.dumps(doc).encode("utf-8"))
    except ValueError:
        pass


# -- the rollback record ------------------------------------------------------------------

@settings(FUZZ)
@given(lines=st.lists(st.one_of(JSON.map(json.dumps), st.text(max_size=40)), max_size=5),
       meta=st.one_of(RAW, JSON.map(lambda v: json.dumps(v).encode())))
def test_the_rollback_record_is_read_or_refused_clearly(lines, meta):
    from patforge.transaction.rollback_record import LOG, META, read_record

    with folder() as run:
        (run / LOG).write_text("\n".join(lines) + "\n", "utf-8")
        (run / META).write_bytes(meta)
        try:
            read_record(run)
        except PatforgeError:
            pass
