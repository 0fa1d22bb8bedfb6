"""The one unit classification (unitstate.classify_unit) and the output hashes it reads
(outputs.py), on an in-memory repository: every state, its order, CRLF checkouts."""

from __future__ import annotations

import yaml
from hypothesis import given, strategies as st

from patforge.rendering.output_hashes import hashes_path, manifest_bytes, matches, modified_files, parse_manifest, sha256_bytes
from patforge.kinds import Unit
from patforge.rendering.unitstate import (BLOCKED, CURRENT, HAND_WRITTEN, MISSING, MODIFIED, OUTDATED, RENDER, RESTORE,
                                STALE, changed_inputs, classify_unit)

ANS = ".patforge/answers/p/executor.yml"
EXE = "patterns/executors/p_executor.py"


class Files(dict):
    def exists(self, rel):
        return rel in self

    def read_bytes(self, rel):
        return self.get(rel)

    def read_text(self, rel):
        data = self.get(rel)
        return None if data is None else data.decode("utf-8")


def unit(**extra) -> Unit:
    return Unit("executor", "p", 2, {"answers_file": ANS, "name": "p", "pattern_id": "PAT-P-001",
                                     "executor_path": EXE, "intent": "do it", **extra}, [EXE])


def rendered(u: Unit, commit: str = "v1.0.0", body: bytes = b"print(1)\n", hashes: bool = True) -> Files:
    f = Files()
    f[ANS] = yaml.safe_dump({"_commit": commit, "_src_path": ".patforge/templates.bundle", "artifact": u.kind,
                             "units": [u.answers]}).encode()
    f[EXE] = body
    if hashes:
        f[hashes_path(ANS)] = manifest_bytes({EXE: body})
    return f


def test_every_state_in_order():
    u = unit()
    assert classify_unit(u, Files(), "v1.0.0").state == MISSING and classify_unit(u, Files(), "v1").action == RENDER
    hand = classify_unit(u, Files({EXE: b"x"}), "v1.0.0")
    assert hand.state == HAND_WRITTEN and hand.files == (EXE,) and not hand.lags
    assert classify_unit(u, Files({ANS: b"units: [\n"}), "v1.0.0").state == BLOCKED
    out = classify_unit(u, rendered(u, "v0.9.0"), "v1.0.0")
    assert (out.state, out.recorded, out.newest) == (OUTDATED, "v0.9.0", "v1.0.0") and "patforge update" in out.detail
    stale = classify_unit(unit(intent="do it better"), rendered(u), "v1.0.0")
    assert stale.state == STALE and stale.inputs == ("spec",)
    moved = classify_unit(unit(executor_path="x.py"), rendered(u), "v1.0.0")
    assert moved.inputs == ("registry entry",)
    gone = rendered(u)
    del gone[EXE]
    m = classify_unit(u, gone, "v1.0.0")
    assert (m.state, m.action, m.files) == (MISSING, RESTORE, (EXE,))
    edited = rendered(u)
    edited[EXE] = b"print(2)\n"
    assert classify_unit(u, edited, "v1.0.0").state == CURRENT  # render does not look for edits
    mod = classify_unit(u, edited, "v1.0.0", edits=True)
    assert mod.state == MODIFIED and mod.files == (EXE,) and mod.lags
    assert classify_unit(u, rendered(u), "v1.0.0", edits=True).state == CURRENT
    old = classify_unit(u, rendered(u, hashes=False), "v1.0.0", edits=True)
    assert old.state == CURRENT and "no output hashes" in old.detail


def test_outdated_wins_over_missing_files_as_render_has_always_done():
    u = unit()
    f = rendered(u, "v0.9.0")
    del f[EXE]
    assert classify_unit(u, f, "v1.0.0").state == OUTDATED


def test_changed_inputs_names_the_input():
    assert changed_inputs("examples", {"instance_full": "a"}, {"instance_full": "b"}) == ("schema",)
    assert changed_inputs("schema", {"schema_json": "a", "doc_id": "X"}, {"schema_json": "b", "doc_id": "Y"}) == \
        ("registry entry", "spec")
    assert changed_inputs("repo", {"doc_id_rule": "A"}, {"doc_id_rule": "B"}) == ("repository settings",)
    assert changed_inputs("tests", {"a": "\x85"}, {"a": "\x85"}) == ()


def test_crlf_checkout_is_not_a_hand_edit():
    u = unit()
    f = rendered(u, body=b"a\nb\n")
    f[EXE] = b"a\r\nb\r\n"
    assert classify_unit(u, f, "v1.0.0", edits=True).state == CURRENT
    f[EXE] = b"a\r\nc\r\n"
    assert classify_unit(u, f, "v1.0.0", edits=True).state == MODIFIED


# normalised repository paths: folders of letters, digits and _ joined by single slashes
# (a list naming anything else is damaged state, refused: test_hostile_round3_state.py)
@given(st.dictionaries(st.from_regex(r"[a-z][a-z0-9_]{0,8}(/[a-z][a-z0-9_]{0,8}){0,2}(\.[a-z]{1,4})?", fullmatch=True),
                       st.binary(), max_size=5))
def test_manifest_round_trip(files):
    text = manifest_bytes(files).decode()
    assert parse_manifest(text) == {rel: sha256_bytes(b) for rel, b in files.items()}
    assert modified_files(parse_manifest(text), files.get) == []
    assert all(matches(b, sha256_bytes(b)) for b in files.values())


def test_manifest_rejects_what_is_not_one():
    assert parse_manifest(None) is None
    assert parse_manifest("not a hash  x\n") is None
    assert parse_manifest("") == {}
