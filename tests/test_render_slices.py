"""A render builds, renders and lands each phase in slices of patterns (issue 24: a
10,000-pattern render held every unit of a phase in memory), and keeps its compile cache
as one file per entry, read when asked for. Neither may change a byte of the output, and
a run killed between two slices is completed by the next run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import commit_all, tree_snapshot

from patforge.commands import render as render_mod
from patforge.rendering.compile_cache import CACHE_DIR, LEGACY_FILE, CompileCache
from patforge.rendering.pipeline import RenderSession
from patforge.transaction.state import state_location
from patforge.transaction.state_shape import sealed


def _tree(repo: Path) -> dict[str, bytes]:
    return tree_snapshot(repo)


@pytest.mark.slow
def test_slices_of_any_size_render_the_same_bytes(demo_repo, tmp_path, cli, monkeypatch):
    import shutil

    whole = tmp_path / "whole"
    shutil.copytree(demo_repo, whole)
    assert cli("render", "--repo", str(whole), "--jobs", "1").code == 0
    monkeypatch.setattr(render_mod, "SLICE", 5)  # the demo's 24 patterns in five slices
    calls: list[int] = []
    real = RenderSession.process

    def counted(self, phase, units):
        calls.append(phase)
        return real(self, phase, units)

    monkeypatch.setattr(RenderSession, "process", counted)
    res = cli("render", "--repo", str(demo_repo), "--jobs", "1")
    assert res.code == 0, res
    assert calls.count(2) >= 2, calls  # phase 2 did run in several slices
    assert _tree(demo_repo) == _tree(whole)


@pytest.mark.slow
def test_a_run_killed_between_slices_is_completed_by_the_next(demo_repo, tmp_path, cli, monkeypatch):
    import shutil

    whole = tmp_path / "whole"
    shutil.copytree(demo_repo, whole)
    assert cli("render", "--repo", str(whole), "--jobs", "1").code == 0
    monkeypatch.setattr(render_mod, "SLICE", 5)
    real = RenderSession.process
    seen = {"phase2": 0}

    def killed_after_first_slice(self, phase, units):
        if phase == 2:
            seen["phase2"] += 1
            if seen["phase2"] == 2:  # the first slice landed; the registry edit did not run
                raise KeyboardInterrupt
        return real(self, phase, units)

    monkeypatch.setattr(RenderSession, "process", killed_after_first_slice)
    assert cli("render", "--repo", str(demo_repo), "--jobs", "1").code != 0  # interrupted
    assert seen["phase2"] == 2
    assert _tree(demo_repo) != _tree(whole)  # half done: some units landed, no paths recorded
    monkeypatch.setattr(RenderSession, "process", real)
    assert cli("render", "--repo", str(demo_repo), "--jobs", "1").code == 0
    assert _tree(demo_repo) == _tree(whole)


# -- the compile cache: one file per entry ------------------------------------------------

K1, K2 = "1" * 64, "2" * 64


def test_an_entry_is_a_file_read_when_asked_for(tmp_path):
    cache = CompileCache.load(tmp_path)
    cache.put(K1, {"schema": {"b": 1, "a": [1, 2]}, "diagnostics": []})
    assert sorted(p.name for p in (tmp_path / CACHE_DIR).iterdir()) == [f"{K1}.json"]
    again = CompileCache.load(tmp_path)
    hit = again.get(K1)
    assert hit == {"schema": {"b": 1, "a": [1, 2]}, "diagnostics": []}
    assert list(hit["schema"]) == ["b", "a"]  # key order kept: it is the order the schema is written in
    assert again.get(K2) is None


def test_a_tampered_entry_is_a_miss(tmp_path):
    cache = CompileCache.load(tmp_path)
    cache.put(K1, {"x": 1})
    cache.put(K2, {"x": 2})
    f1, f2 = (tmp_path / CACHE_DIR / f"{K1}.json"), (tmp_path / CACHE_DIR / f"{K2}.json")
    f1.write_bytes(f1.read_bytes().replace(b'"x": 1', b'"x": 9'))  # the seal no longer matches
    body = json.loads(f2.read_bytes().rpartition(b"\n")[0].rpartition(b"\n")[0])
    body["key"] = K1  # sealed again, but it names another entry
    f2.write_bytes(sealed(json.dumps(body).encode()))
    fresh = CompileCache.load(tmp_path)
    assert fresh.get(K1) is None and fresh.get(K2) is None
    other = CompileCache.load(tmp_path)
    other.code = "another patforge"
    other.put(K1, {"x": 1})
    assert CompileCache.load(tmp_path).get(K1) is None  # written by other code: a miss


def test_an_entry_is_never_read_or_written_through_a_link(tmp_path):
    state, outside = tmp_path / "state", tmp_path / "outside"
    outside.mkdir()
    writer = CompileCache.load(outside)
    writer.put(K1, {"x": 1})
    state.mkdir()
    (state / CACHE_DIR).mkdir()
    (state / CACHE_DIR / f"{K1}.json").symlink_to(outside / CACHE_DIR / f"{K1}.json")
    assert CompileCache.load(state).get(K1) is None
    (state / CACHE_DIR / f"{K1}.json").unlink()
    (state / CACHE_DIR).rmdir()
    (state / CACHE_DIR).symlink_to(outside / CACHE_DIR)  # the whole folder leads out
    cache = CompileCache.load(state)
    assert cache.get(K1) is None
    before = _tree(outside)
    cache.put(K2, {"x": 2})
    cache.save()
    assert _tree(outside) == before
    assert (state / CACHE_DIR).is_dir() and not (state / CACHE_DIR).is_symlink()
    assert CompileCache.load(state).get(K2) == {"x": 2}


def test_save_keeps_what_the_run_used(tmp_path):
    first = CompileCache.load(tmp_path)
    first.put(K1, {"x": 1})
    first.put(K2, {"x": 2})
    (tmp_path / LEGACY_FILE).write_text("{}")  # what earlier versions kept
    second = CompileCache.load(tmp_path)
    assert second.get(K1) == {"x": 1}
    second.save(prune=False)  # a run over some patterns (--only) keeps the others
    assert CompileCache.load(tmp_path).get(K2) == {"x": 2}
    second.save()
    assert sorted(p.name for p in (tmp_path / CACHE_DIR).iterdir()) == [f"{K1}.json"]
    assert not (tmp_path / LEGACY_FILE).exists()


def test_a_cache_without_a_path_writes_nothing(tmp_path):
    cache = CompileCache.load(tmp_path)
    cache.path = None  # status: read, never written
    cache.put(K1, {"x": 1})
    cache.save()
    assert not (tmp_path / CACHE_DIR).exists()


@pytest.mark.slow
def test_a_render_keeps_one_cache_file_per_entry_and_reuses_them(demo_repo, cli):
    folder, manifest = state_location(demo_repo) / CACHE_DIR, state_location(demo_repo) / "manifest.json"
    assert cli("render", "--repo", str(demo_repo)).code == 0
    commit_all(demo_repo)
    manifest.unlink()  # a full run (Phase 1 edited the specs: their schemas are compiled again)
    assert cli("render", "--repo", str(demo_repo)).code == 0
    files = sorted(folder.iterdir())
    assert len(files) >= 24  # a schema entry per pattern at least
    stamps = {p.name: p.stat().st_mtime_ns for p in files}
    manifest.unlink()  # a full run, which reads the cache
    assert cli("render", "--repo", str(demo_repo)).code == 0
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == stamps  # read, none rewritten
