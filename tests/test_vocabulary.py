"""One vocabulary (issue 23): a unit's state has one name in every command, report,
JSON schema and document. ``patforge status`` names the states (unitstate.STATES);
render names a unit it leaves alone by the same state, and adds only what it did
(generated, edited, failed)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import ROOT, commit_all

from patforge.rendering import unitstate
from patforge.rendering.report import STATUSES

RENDER_ACTIONS = {"generated", "edited", "failed"}
#: Synonyms of a state that must not appear as a state name anywhere.
SYNONYMS = {"up-to-date": "current", "out-of-date": "outdated", "changed-inputs": "stale"}


def test_render_statuses_are_status_states_or_actions():
    assert set(STATUSES) - RENDER_ACTIONS <= set(unitstate.STATES)
    assert "stale" in STATUSES and "outdated" in STATUSES


def _enums(node):
    if isinstance(node, dict):
        if "enum" in node:
            yield node["enum"]
        for v in node.values():
            yield from _enums(v)
    elif isinstance(node, list):
        for v in node:
            yield from _enums(v)


def test_json_report_schemas_use_the_one_vocabulary():
    for path in sorted((ROOT / "docs").glob("*.schema.json")):
        text = path.read_text(encoding="utf-8")
        for word in SYNONYMS:
            assert f'"{word}"' not in text, f"{path.name} names the state {word}; say {SYNONYMS[word]}"
        for enum in _enums(json.loads(text)):
            if {"outdated", "stale"} & set(enum) or "current" in enum:
                assert set(enum) <= set(unitstate.STATES) | RENDER_ACTIONS, (path.name, enum)


def test_docs_and_help_use_the_one_vocabulary(cli):
    texts = {p.name: p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]}
    from patforge.cli import cli as group

    for name in group.commands:
        texts[f"{name} --help"] = cli(name, "--help").out
    for where, text in texts.items():
        for word in SYNONYMS:
            assert not re.search(rf"`{word}`|\b{word}\b(?! version)", text), f"{where} says {word}"


def test_a_spec_edit_is_stale_in_status_render_and_json(rendered_demo, cli):
    spec = rendered_demo / "patterns/specs/batch_create.pattern.yaml"
    spec.write_text(spec.read_text().replace("intent: |\n", "intent: |\n  Create harder.\n", 1))
    commit_all(rendered_demo, "edit a spec")
    status = json.loads(cli("status", "--repo", str(rendered_demo), "--json").out)
    states = {(u["pattern"], u["kind"]): u["state"] for u in status["units"]}
    render = json.loads(cli("render", "--repo", str(rendered_demo), "--json").out)
    outcomes = {(o["pattern"], o["kind"]): o["status"] for o in render["outcomes"]}
    stale = {k for k, v in states.items() if v == "stale"}
    assert stale and all(outcomes[k] == "stale" for k in stale)
    for k, state in states.items():
        if k in outcomes and outcomes[k] not in RENDER_ACTIONS:
            # render does not read managed files for hand edits: a modified unit is current to it
            assert outcomes[k] == (state if state != "modified" else "current"), (k, outcomes[k], state)
    text = cli("render", "--repo", str(rendered_demo)).out
    assert re.search(r"^3 stale unit\(s\) left as they are", text, re.M), text
    assert "nothing written (the 3 stale unit(s) are left for `patforge update`)" in text
    assert "outdated unit" not in text and " 3 outdated" not in text
