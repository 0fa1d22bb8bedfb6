"""The manifest (manifest.py) and render's no-op fast path (noop.py).

A replayed no-op must say exactly what a full render says, and any changed input or
output must send render down the full path (which notices it as before)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import git

from patforge.rendering import manifest, noop
from patforge.transaction.state import state_dir
from patforge.commands.render import RenderOptions, Renderer, render


def _full(repo: Path) -> dict:
    """The report of a render that does not use the manifest."""
    return Renderer(repo, RenderOptions()).run().to_dict()


@pytest.fixture
def rendered(rendered_demo: Path) -> Path:
    return rendered_demo  # conftest.py: a copy of the demo rendered once, with its manifest


def test_a_full_render_records_every_unit(rendered: Path) -> None:
    m = manifest.Manifest.load(state_dir(rendered))
    assert m is not None
    report = _full(rendered)
    units = {(o["pattern"], o["kind"]) for o in report["outcomes"]}
    assert {(u["pattern"], u["kind"]) for u in m.units.values()} == units
    for u in m.units.values():
        # the doc_id mapping is a step, not a unit: it has no answers file
        managed = [u["answers"]] if u["answers"] else []
        for rel in [*u["files"], *managed] if u["status"] == "current" else []:
            assert m.files[rel][2] == manifest.digest((rendered / rel).read_bytes()), rel


def test_replayed_no_op_is_the_full_report(rendered: Path) -> None:
    replayed = noop.replay(rendered, RenderOptions())
    assert replayed is not None
    assert replayed.to_dict() == _full(rendered)
    assert git(rendered, "status", "--porcelain") == ""


@pytest.mark.parametrize("change", ["edit-output", "delete-output", "edit-spec", "edit-registry",
                                    "delete-answers", "new-answers-file", "config",
                                    "delete-mapping", "new-root-mapping", "delete-output-hashes"])
def test_any_change_takes_the_full_path(rendered: Path, change: str) -> None:
    # wait past the racy window so that only a real change can fail the stat check
    m = manifest.Manifest.load(state_dir(rendered))
    m.written_ns += 2 * manifest.RACY_NS
    _save_keeping_clock(m, state_dir(rendered))
    exe = rendered / "patterns/executors/batch_create_executor.ps1"
    if change == "edit-output":
        exe.write_text(exe.read_text() + "# my hand edit\n")
    elif change == "delete-output":
        (rendered / "patterns/examples/self_heal/instance_full.json").unlink()
    elif change == "edit-spec":
        spec = rendered / "patterns/specs/self_heal.pattern.yaml"
        spec.write_text(spec.read_text() + "# a comment\n")
    elif change == "edit-registry":
        reg = rendered / "patterns/registry/PATTERN_INDEX.yaml"
        reg.write_text(reg.read_text() + "# a comment\n")
    elif change == "delete-answers":
        next((rendered / ".patforge/answers").rglob("executor.yml")).unlink()
    elif change == "new-answers-file":
        (rendered / ".patforge/answers/stray").mkdir()
        (rendered / ".patforge/answers/stray/x.yml").write_text("{}\n")
    elif change == "delete-mapping":
        (rendered / "patterns/registry/doc_id_mapping.json").unlink()
    elif change == "new-root-mapping":  # existing doc_ids are read from it too
        (rendered / "doc_id_mapping.json").write_text("{}\n")
    elif change == "delete-output-hashes":
        next((rendered / ".patforge/answers").rglob("executor.sha256")).unlink()
    else:
        (rendered / "patforge.toml").write_text("[patforge]\n")
    assert noop.replay(rendered, RenderOptions()) is None


def _save_keeping_clock(m: manifest.Manifest, state: Path) -> None:
    from patforge.transaction.state_shape import sealed, unseal

    path = manifest.manifest_path(state)
    data = json.loads(unseal(path.read_bytes()))  # the manifest is sealed: an edit re-seals it
    data["written_ns"] = m.written_ns
    path.write_bytes(sealed(json.dumps(data).encode("utf-8")))


def test_a_deleted_output_is_still_restored(rendered: Path) -> None:
    target = rendered / "patterns/examples/self_heal/instance_full.json"
    target.unlink()
    report = render(rendered, RenderOptions())
    assert not report.failed and target.is_file()
    assert any(o.message == "restored missing files" for o in report.outcomes)
    # ... and the manifest is rewritten: the next render is a replay again
    assert noop.replay(rendered, RenderOptions()) is not None


def test_partial_and_dry_runs_neither_replay_nor_record(rendered: Path) -> None:
    for options in (RenderOptions(only=("self_heal",)), RenderOptions(kinds=("schema",)),
                    RenderOptions(phases=(1,)), RenderOptions(dry_run=True)):
        assert noop.replay(rendered, options) is None
    path = manifest.manifest_path(state_dir(rendered))
    path.unlink()
    render(rendered, RenderOptions(only=("self_heal",)))
    assert not path.exists()


def test_known_digest_trusts_an_unchanged_stat_only(rendered: Path) -> None:
    m = manifest.Manifest.load(state_dir(rendered))
    m.written_ns += 2 * manifest.RACY_NS  # as a later run sees it
    rel = "patterns/executors/batch_create_executor.ps1"
    assert m.known_digest(rendered, rel) == manifest.digest((rendered / rel).read_bytes())
    (rendered / rel).write_text((rendered / rel).read_text() + "# edit\n")
    assert m.known_digest(rendered, rel) is None


@pytest.mark.parametrize("garbage", [b"", b"{not json", b'{"format": 1}', b"[]", b"\xff\xfe"])
def test_a_damaged_manifest_only_costs_a_full_run(rendered: Path, garbage: bytes) -> None:
    path = manifest.manifest_path(state_dir(rendered))
    path.write_bytes(garbage)
    assert noop.replay(rendered, RenderOptions()) is None
    report = render(rendered, RenderOptions())
    assert not report.failed and git(rendered, "status", "--porcelain") == ""
    assert noop.replay(rendered, RenderOptions()) is not None  # rewritten whole


def test_a_file_added_to_an_example_folder_takes_the_full_path(rendered: Path) -> None:
    # the examples kind reads its folder's listing (Kind.inputs): a new file there is a change
    m = manifest.Manifest.load(state_dir(rendered))
    m.written_ns += 2 * manifest.RACY_NS
    _save_keeping_clock(m, state_dir(rendered))
    (rendered / "patterns/examples/self_heal/instance_extra.json").write_text("{}\n")
    assert noop.replay(rendered, RenderOptions()) is None


def test_a_spec_edit_keeping_size_and_mtime_is_noticed_by_the_command_path(rendered: Path) -> None:
    """`patforge render` answers a no-op before importing the render (render_run ->
    noop.replay_run): that path too hashes every input, so an edit that keeps a spec's
    size and mtime (touch -r, cp -p, rsync, tar) is rendered, not replayed."""
    import os

    from patforge.commands.render_run import run_render

    m = manifest.Manifest.load(state_dir(rendered))
    m.written_ns += 2 * manifest.RACY_NS  # every stat old enough to trust: only content can differ
    _save_keeping_clock(m, state_dir(rendered))
    rel = "patterns/specs/self_heal.pattern.yaml"
    spec = rendered / rel
    st = spec.stat()
    text = spec.read_text(encoding="utf-8")
    at = text.index("intent:") + len("intent:")
    at += next(i for i, c in enumerate(text[at:]) if c.isalpha())
    edited = text[:at] + ("X" if text[at] != "X" else "Y") + text[at + 1:]
    assert len(edited.encode()) == len(text.encode()) and edited != text
    spec.write_text(edited, encoding="utf-8")
    os.utime(spec, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (spec.stat().st_size, spec.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)
    assert noop.replay(rendered, RenderOptions()) is None
    run = run_render(rendered, RenderOptions())
    assert not run.report.failed
    # the full render ran: it recorded the spec's new content
    assert manifest.Manifest.load(state_dir(rendered)).files[rel][2] == manifest.digest(spec.read_bytes())


def test_a_manifest_past_a_repository_files_bound_is_read(tmp_path: Path) -> None:
    """The manifest grows with the repository (44.7 MB at 10,000 patterns): the 16 MiB
    bound of a repository file made it a miss there, so every no-op was a full run."""
    from patforge.repository.bounded import MAX_FILE_BYTES
    from patforge.rendering.manifest import MANIFEST, Manifest
    from patforge.rendering.template_source import REPO_BUNDLE

    digest = "0" * 64
    files = {f"patterns/executors/p{i:06d}_executor.ps1": [1234, 1_700_000_000_000_000_000, digest]
             for i in range(MAX_FILE_BYTES // 80)}
    files[REPO_BUNDLE] = [10, 1_700_000_000_000_000_000, digest]
    report = {"template": {"location": REPO_BUNDLE, "record": REPO_BUNDLE, "ref": "v1.0.0", "tags": ["v1.0.0"],
                           "notes": []}, "mapping": [], "diagnostics": []}
    Manifest(files=files, report=report, inputs=[REPO_BUNDLE]).save(tmp_path)
    assert (tmp_path / MANIFEST).stat().st_size > MAX_FILE_BYTES
    loaded = Manifest.load(tmp_path)
    assert loaded is not None and loaded.files == files
