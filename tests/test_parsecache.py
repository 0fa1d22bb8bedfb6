"""The parse cache (repository/parsecache.py): check reads specs, sidecars and the
registry through it; a cache file is input like any other -- damaged, edited, foreign,
oversized or holding what JSON cannot give back, it is ignored, never trusted -- and
an edited file is read again even when its size and mtime are kept."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from conftest import git, tree_snapshot
from compliant_repo import A_SPEC, ALPHA, PID

from patforge.repository import parsecache
from patforge.repository.parsecache import MISS, ParseCache
from patforge.repository.yamlsrc import load_yaml_data
from patforge.transaction.state_shape import sealed

TEXT = "pattern_id: PAT-A-001\nname: a\ninputs:\n  path: {type: string, required: true}\nn: 1.5\n"
DATA = {"pattern_id": "PAT-A-001", "name": "a", "inputs": {"path": {"type": "string", "required": True}}, "n": 1.5}


@pytest.fixture
def repo(compliant_committed: Path) -> Path:
    return compliant_committed


def _saved(folder: Path) -> None:
    """TEXT parsed once through a writable cache, saved."""
    cache = ParseCache(folder, writable=True)
    with parsecache.active(cache):
        assert load_yaml_data(TEXT, "x.yaml") == DATA
    cache.save()


def _shard_of(folder: Path, text: str = TEXT) -> Path:
    key = parsecache.digest(text)
    return folder / f"{int(key[:8], 16) % parsecache.SHARDS:02d}.json"


def _body(path: Path) -> dict:
    return json.loads(path.read_bytes().rstrip(b"\n").rpartition(b"\n")[0])


def _reseal(path: Path, body: dict) -> None:
    path.write_bytes(sealed(json.dumps(body).encode("utf-8")))


def test_a_saved_parse_is_read_back_as_fresh_objects(tmp_path):
    _saved(tmp_path)
    cache = ParseCache(tmp_path)
    first = cache.lookup(TEXT)
    assert first == DATA
    first["name"] = "changed"  # a caller may change what it got
    assert cache.lookup(TEXT) == DATA


def test_an_edit_is_another_key_whatever_the_size(tmp_path):
    _saved(tmp_path)
    cache = ParseCache(tmp_path)
    edited = TEXT.replace("PAT-A-001", "PAT-A-002")  # same length
    assert len(edited) == len(TEXT) and cache.lookup(edited) is MISS
    with parsecache.active(cache):
        assert load_yaml_data(edited, "x.yaml")["pattern_id"] == "PAT-A-002"


def test_damaged_shard_is_ignored(tmp_path):
    _saved(tmp_path)
    shard = _shard_of(tmp_path)
    raw = bytearray(shard.read_bytes())
    raw[len(raw) // 2] ^= 0x20
    shard.write_bytes(bytes(raw))
    assert ParseCache(tmp_path).lookup(TEXT) is MISS


def test_edited_shard_without_its_seal_is_ignored(tmp_path):
    _saved(tmp_path)
    shard = _shard_of(tmp_path)
    text = shard.read_bytes().replace(b"PAT-A-001", b"PAT-EVIL-1")
    shard.write_bytes(text)
    cache = ParseCache(tmp_path)
    assert cache.lookup(TEXT) is MISS
    with parsecache.active(cache):
        assert load_yaml_data(TEXT, "x.yaml") == DATA  # parsed again, never the edited value


@pytest.mark.parametrize("change", ["format", "code", "entries"])
def test_shard_of_another_format_or_parser_is_ignored(tmp_path, change):
    _saved(tmp_path)
    shard = _shard_of(tmp_path)
    body = _body(shard)
    body[change] = {"format": 99, "code": "0" * 16, "entries": []}[change]
    _reseal(shard, body)
    assert ParseCache(tmp_path).lookup(TEXT) is MISS


@pytest.mark.parametrize("entry", [
    "NaN", "1e999", '{"n": Infinity}', "[1, 2", "\"" + "x" * 2000 + "\"",  # not finite, not JSON, past its text
])
def test_entry_the_text_cannot_give_is_a_miss(tmp_path, entry):
    _saved(tmp_path)
    shard = _shard_of(tmp_path)
    body = _body(shard)
    body["entries"][parsecache.digest(TEXT)] = entry
    _reseal(shard, body)
    assert ParseCache(tmp_path).lookup(TEXT) is MISS


@pytest.mark.parametrize("text", [
    "when: 2024-01-02\n",  # a date: JSON has none
    "1: one\n",  # a key that is not text
    "a: &x [1, 2]\nb: *x\n",  # an alias is shared data
    "a: .inf\n",
])
def test_what_json_cannot_give_back_is_never_stored(tmp_path, text):
    cache = ParseCache(tmp_path, writable=True)
    with parsecache.active(cache):
        first = load_yaml_data(text, "x.yaml")
    cache.save()
    assert ParseCache(tmp_path).lookup(text) is MISS
    with parsecache.active(ParseCache(tmp_path)):
        assert load_yaml_data(text, "x.yaml") == first


@settings(max_examples=40, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
                    | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                    max_leaves=12))
def test_stored_data_reads_back_equal_and_of_the_same_types(tmp_path_factory, value):
    folder = tmp_path_factory.mktemp("pc")
    text = "x" * 4096  # stands for the YAML text the value came from
    cache = ParseCache(folder, writable=True)
    cache.store(text, value)
    cache.save()
    got = ParseCache(folder).lookup(text)
    assert got == value and json.dumps(got) == json.dumps(value)
    assert type(got) is type(value)


def test_shards_are_bounded_and_a_whole_run_keeps_only_what_it_used(tmp_path, monkeypatch):
    monkeypatch.setattr(parsecache, "SHARDS", 1)
    monkeypatch.setattr(parsecache, "MAX_SHARD_BYTES", 4096 + 1200)
    cache = ParseCache(tmp_path, writable=True)
    texts = [f"k{i}: {'v' * 200}\n" for i in range(10)]
    for t in texts:
        cache.store(t, {"k": "v" * 200})
    cache.save()
    shard = tmp_path / "00.json"
    assert shard.stat().st_size <= parsecache.MAX_SHARD_BYTES
    kept = ParseCache(tmp_path)
    assert kept.lookup(texts[-1]) is not MISS and kept.lookup(texts[0]) is MISS  # the oldest went first
    run = ParseCache(tmp_path, writable=True)
    assert run.lookup(texts[-1]) is not MISS
    run.save(prune=True)
    assert list(_body(shard)["entries"]) == [parsecache.digest(texts[-1])]


def test_check_keeps_its_cache_in_the_state_folder_and_rereads_an_edited_spec(cli, repo):
    """An edit that keeps the spec's size and mtime is seen (the key is the content's digest);
    the cache lives under .git/patforge, never in the tree."""
    before = {k: v for k, v in tree_snapshot(repo).items() if not k.startswith(".git/")}
    res = cli("check", "--repo", str(repo))
    assert res.code == 0, res
    assert list((repo / ".git" / "patforge" / "parse-cache").glob("*.json"))
    assert {k: v for k, v in tree_snapshot(repo).items() if not k.startswith(".git/")} == before
    assert cli("check", "--repo", str(repo)).code == 0  # from the cache: the same verdict
    spec = repo / A_SPEC
    st_before = spec.stat()
    text = spec.read_text(encoding="utf-8")
    wrong = PID[ALPHA][:-1] + ("2" if PID[ALPHA][-1] != "2" else "3")
    spec.write_text(text.replace(PID[ALPHA], wrong), encoding="utf-8", newline="")
    os.utime(spec, ns=(st_before.st_atime_ns, st_before.st_mtime_ns))
    assert spec.stat().st_size == st_before.st_size and spec.stat().st_mtime_ns == st_before.st_mtime_ns
    for args in ((), (A_SPEC,)):
        res = cli("check", "--repo", str(repo), "-v", *args)
        assert res.code == 1 and wrong in res.text, res


def test_check_with_a_garbled_cache_gives_the_same_report(cli, repo):
    first = cli("check", "--repo", str(repo), "--format", "json")
    for shard in (repo / ".git" / "patforge" / "parse-cache").glob("*.json"):
        shard.write_bytes(b"\x00garbage" + shard.read_bytes()[::-1])
    again = cli("check", "--repo", str(repo), "--format", "json")
    strip = lambda out: {k: v for k, v in json.loads(out).items() if k != "generated_at"}  # noqa: E731
    assert again.code == first.code == 0 and strip(again.out) == strip(first.out)


def test_a_read_only_cache_creates_and_writes_nothing(tmp_path):
    """status reads the cache check keeps, and writes none: not even the state folder."""
    from patforge.transaction.state import state_location

    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    cache = parsecache.open_for(repo, writable=False)
    cache.store(TEXT, DATA)
    cache.save()
    assert not cache.writable and not state_location(repo).exists()
