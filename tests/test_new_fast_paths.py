"""`patforge new`'s fast paths give what the full paths give.

* The entry is placed from libyaml's event stream and the edited registry is proven
  to be the old data plus the entry by comparing event signatures
  (``repository/yamlevents.py``): the text and the data must be what the full position
  walk and a second parse give, for any registry layout.
* The template trust check takes unchanged answers files' sources from an index in
  the state folder (``rendering/source_index.py``): a stale, damaged or forged index
  never makes ``new`` use a template the user did not name.
* The five Copier runs share one template clone: the suite is byte for byte the one
  five clones render.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import commit_all, tree_snapshot

from patforge.commands import new as newcmd
from patforge.docids.edits import new_entry_insertion
from patforge.rendering import copier_speedups, source_index
from patforge.rendering.template_source import recorded_sources
from patforge.repository.edits import apply_insertions, yaml_scalar
from patforge.repository.yamlevents import scan_list
from patforge.repository.yamlsrc import load_yaml_text
from patforge.transaction.state import state_dir
from patforge.transaction.state_shape import sealed

FIELDS = [("pattern_id", "PAT-NEW-ONE-001"), ("doc_id", "DOC-NEW-ONE-001"), ("name", "new_one"),
          ("version", '"0.1.0"'), ("status", "draft"), ("category", yaml_scalar("ops: x")),
          ("spec_path", "patterns/specs/new_one.pattern.yaml")]


def _full_path(text: str) -> tuple[str, object]:
    """What `new` did before the fast path: positions walked, the edited text parsed again."""
    doc = load_yaml_text(text, "r.yaml")
    new_text = apply_insertions(text, [new_entry_insertion(text, doc, FIELDS)])
    return new_text, load_yaml_text(new_text, "r.yaml", positions=False).data


def _fast_path(text: str) -> tuple[str, object]:
    doc = load_yaml_text(text.lstrip("\ufeff"), "r.yaml", positions=False)
    new_text, new_doc = newcmd.append_entry(text, doc, FIELDS)
    return new_text, new_doc.data


ENTRY = """{dash}name: {name}
{ind}pattern_id: PAT-{upper}-001
{ind}spec_path: patterns/specs/{name}.pattern.yaml
"""

LAYOUTS = {
    "plain": "version: 1\npatterns:\n{entries}",
    "dash at column 1": "patterns:\n{entries}roots:\n- patterns\n",
    "comments around": "# head\npatterns:\n  # core\n{entries}  # trailing comment in the list\n# end\n",
    "a key after the list": "patterns:\n{entries}metadata:\n  owner: me\n  tags: [a, b]\n",
    "block scalar last": "patterns:\n{entries}{last_scalar}",
    "blank lines": "patterns:\n\n{entries}\n\n",
    "no final newline": "patterns:\n{entries_nonl}",
}


def _registry(layout: str, names: list[str], dash_col: int, newline: str, bom: bool) -> str:
    dash = " " * dash_col + "- "
    ind = " " * (dash_col + 2)
    entries = "".join(ENTRY.format(dash=dash, ind=ind, name=n, upper=n.upper()) for n in names)
    last_scalar = f"{ind}notes: |\n{ind}  first line\n\n{ind}  after a blank line\n"
    text = LAYOUTS[layout].format(entries=entries, entries_nonl=entries.rstrip("\n"), last_scalar=last_scalar)
    if layout == "block scalar last":
        text = "patterns:\n" + entries + last_scalar
    text = text.replace("\n", newline)
    return ("\ufeff" if bom else "") + text


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("dash_col", [0, 2, 4])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_the_fast_append_is_the_full_one(layout: str, dash_col: int, newline: str) -> None:
    text = _registry(layout, ["alpha", "beta", "gamma"], dash_col, newline, bom=False)
    assert _fast_path(text) == _full_path(text)
    assert scan_list(text, "patterns") is not None  # the fast path was taken, not the fallback


def test_the_scan_finds_the_walks_marks(demo_repo: Path) -> None:
    text = (demo_repo / "patterns/registry/PATTERN_INDEX.yaml").read_text(encoding="utf-8")
    doc = load_yaml_text(text, "r.yaml")
    entries = doc.data["patterns"]
    scan = scan_list(text, "patterns")
    assert scan is not None and scan.count == len(entries)
    assert scan.first_key == doc.key_mark("patterns", 0, next(iter(entries[0])))
    assert scan.last_key == doc.key_mark("patterns", len(entries) - 1, list(entries[-1])[-1])
    assert _fast_path(text) == _full_path(text)


@pytest.mark.parametrize("text", [
    "patterns:\n- &a {name: x}\n- name: y\n",  # an anchor
    "base: &b {k: 1}\npatterns:\n- <<: *b\n  name: y\n",  # an alias and a merge key
    "patterns: [{name: x}, {name: y}]\n",  # a flow list
    "patterns:\n- name: x\n- just text\n",  # an item that is not a mapping
])
def test_registries_the_scan_does_not_cover_are_not_scanned(text: str) -> None:
    assert scan_list(text, "patterns") is None


def test_a_registry_the_scan_does_not_cover_is_placed_and_parsed_in_full() -> None:
    text = "defaults: &d draft\npatterns:\n  - name: a\n    status: *d\n  - name: b\n"
    assert scan_list(text, "patterns") is None
    assert _fast_path(text) == _full_path(text)


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(names=st.lists(st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True), min_size=1, max_size=5,
                      unique=True),
       extra=st.lists(st.tuples(st.from_regex(r"[a-z_]{1,8}", fullmatch=True), _TEXT), max_size=3),
       layout=st.sampled_from(sorted(LAYOUTS)), dash_col=st.sampled_from([0, 2, 3]),
       newline=st.sampled_from(["\n", "\r\n"]), bom=st.booleans())
def test_any_registry_appends_as_the_full_path_does(names, extra, layout, dash_col, newline, bom) -> None:
    text = _registry(layout, names, dash_col, newline, bom)
    # values of any text in the last entry (quoted as `new` quotes them)
    ind = " " * (dash_col + 2)
    tail = "".join(f"{ind}x_{k}: {yaml_scalar(v)}{newline}" for k, v in dict(extra).items())
    if tail and layout in ("plain", "dash at column 1", "a key after the list", "blank lines"):
        marker = f"spec_path: patterns/specs/{names[-1]}.pattern.yaml{newline}"
        text = text.replace(marker, marker + tail, 1)
    try:
        expected = _full_path(text)
    except Exception as exc:  # the full path refuses it: the fast path must refuse it too
        with pytest.raises(type(exc)):
            _fast_path(text)
        return
    assert _fast_path(text) == expected


# -- the answers files' source index -----------------------------------------------------

def _age_answers(repo: Path, seconds: int = 600) -> None:
    """Answers files last modified long ago: their stat can be trusted by the index."""
    old = time.time() - seconds
    for p in (repo / ".patforge/answers").rglob("*.yml"):
        os.utime(p, (old, old))


def test_the_index_gives_what_reading_every_file_gives(rendered_demo: Path) -> None:
    _age_answers(rendered_demo)
    full = recorded_sources(rendered_demo)
    assert recorded_sources(rendered_demo, index=True) == full  # writes the index
    assert source_index.load(state_dir(rendered_demo)) is not None
    assert recorded_sources(rendered_demo, index=True) == full  # reads it


def test_an_answers_file_changed_since_is_read_again(rendered_demo: Path) -> None:
    _age_answers(rendered_demo)
    recorded_sources(rendered_demo, index=True)
    target = next((rendered_demo / ".patforge/answers").rglob("executor.yml"))
    target.write_text(target.read_text().replace("_src_path: .patforge/templates.bundle",
                                                 "_src_path: /elsewhere/evil.bundle"))
    found = recorded_sources(rendered_demo, index=True)
    assert "/elsewhere/evil.bundle" in found


def test_an_edit_that_keeps_size_and_mtime_is_read_while_racy(rendered_demo: Path) -> None:
    """Modified in the same instant as the index was written: its stat cannot vouch for
    its content (git's racily clean entries). An older file is taken by its stat, as git's
    index and the manifest's outputs are."""
    target = next((rendered_demo / ".patforge/answers").rglob("executor.yml"))
    target.touch()
    (state_dir(rendered_demo) / source_index.INDEX).unlink(missing_ok=True)
    recorded_sources(rendered_demo, index=True)  # written now: the file's mtime is in the racy window
    st_before = target.stat()
    text = target.read_text()
    same_size = text.replace("_src_path: .patforge/templates.bundle", "_src_path: .patforge/templates.bundlX")
    assert len(same_size) == len(text)
    target.write_text(same_size)
    os.utime(target, ns=(st_before.st_atime_ns, st_before.st_mtime_ns))
    assert ".patforge/templates.bundlX" in recorded_sources(rendered_demo, index=True)


def _forge_index(repo: Path, source: str) -> None:
    """An index with a valid seal and every answers file's real stat, naming ``source``."""
    files = {}
    for p in sorted((repo / ".patforge/answers").rglob("*.yml")):
        st_ = p.stat()
        files[p.relative_to(repo).as_posix()] = [st_.st_size, st_.st_mtime_ns, 0]
    body = {"format": source_index.FORMAT, "written_ns": time.time_ns() + 10**12, "sources": [source],
            "files": files}
    (state_dir(repo) / source_index.INDEX).write_bytes(sealed(json.dumps(body).encode("utf-8")))


def test_a_forged_index_cannot_make_new_use_a_template_nobody_named(rendered_demo: Path, cli, tmp_path) -> None:
    _age_answers(rendered_demo)
    commit_all(rendered_demo, "aged")
    evil = tmp_path / "evil.bundle"
    shutil.copy(rendered_demo / ".patforge/templates.bundle", evil)
    _forge_index(rendered_demo, str(evil))
    r = cli("new", "brand_new", "-c", "x", "--repo", str(rendered_demo), "--json")
    assert r.code == 2 and "does not know" in r.text, r  # refused, not rendered from it
    assert not (rendered_demo / ".patforge/answers/brand_new").exists()


@pytest.mark.parametrize("damage", ["garbage", "bad seal", "wrong stats", "foreign source, stale stats"])
def test_a_damaged_or_stale_index_is_a_full_read(rendered_demo: Path, damage: str) -> None:
    _age_answers(rendered_demo)
    index = state_dir(rendered_demo) / source_index.INDEX
    target = next((rendered_demo / ".patforge/answers").rglob("executor.yml"))
    target.write_text(target.read_text().replace("_src_path: .patforge/templates.bundle",
                                                 "_src_path: /elsewhere/evil.bundle"))
    _age_answers(rendered_demo)
    truth = recorded_sources(rendered_demo)
    if damage == "garbage":
        index.write_bytes(b"\x00not json")
    elif damage == "bad seal":
        _forge_index(rendered_demo, ".patforge/templates.bundle")
        index.write_bytes(index.read_bytes().replace(b'"format"', b'"format" '))
    else:  # the index says every file records the bundle, with stats that are not theirs
        _forge_index(rendered_demo, ".patforge/templates.bundle")
        data = json.loads(index.read_bytes().rsplit(b"\n", 2)[0])
        for entry in data["files"].values():
            entry[1] += 1 if damage == "wrong stats" else -10**9
        index.write_bytes(sealed(json.dumps(data).encode("utf-8")))
    assert recorded_sources(rendered_demo, index=True) == truth


# -- the suite: one shared clone and the fast paths render what the full paths render ---------

@pytest.mark.slow
def test_new_renders_the_same_bytes_as_the_full_paths(rendered_demo: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    other = tmp_path / "other"
    shutil.copytree(rendered_demo, other, symlinks=True)
    fast = newcmd.create_pattern(rendered_demo, "file_sync", "file ops: sync")
    # the full paths: positions walked, a second parse, a clone per Copier run, every answers file read
    monkeypatch.setattr(newcmd, "scan_list", lambda text, key: None)
    monkeypatch.setattr(copier_speedups, "shared_clones", lambda folder=None: contextlib.nullcontext())
    monkeypatch.setattr(source_index, "load", lambda state: None)
    full = newcmd.create_pattern(other, "file_sync", "file ops: sync")
    assert not fast.failed and not full.failed
    shown = json.dumps(fast.to_dict()).replace(str(rendered_demo), "REPO")
    assert shown == json.dumps(full.to_dict()).replace(str(other), "REPO")
    assert tree_snapshot(rendered_demo) == tree_snapshot(other)
