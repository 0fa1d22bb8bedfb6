"""Every ``--json`` report carries ``format`` and ``format_version`` and matches its schema
in docs/ (render, update, new, doctor here; check in test_check_formats.py; status in
test_status.py). Real commands on the rendered demo (real Copier, real git)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from conftest import ROOT, commit_all

pytestmark = pytest.mark.slow  # renders the demo with Copier


def validate(command: str, data: dict) -> None:
    schema = json.loads((ROOT / "docs" / f"{command}-report.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    jsonschema.Draft7Validator(schema).validate(data)
    assert data["format"] == f"patforge-{command}-report" and data["format_version"] == 1


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> tuple[Path, dict]:
    from patforge.commands.demo import copy_demo
    from conftest import Cli

    repo = copy_demo(tmp_path_factory.mktemp("json") / "demo")
    res = Cli()("render", "--repo", str(repo), "--json")
    assert res.code == 0, res
    commit_all(repo, "rendered")
    return repo, json.loads(res.out)


def test_render_report(rendered, cli):
    repo, data = rendered
    validate("render", data)
    assert data["ok"] and data["changes"] and data["doc_id_mapping"]
    again = json.loads(cli("render", "--repo", str(repo), "--json", "--dry-run").out)
    validate("render", again)
    assert again["changes"] == [] and {o["status"] for o in again["outcomes"]} <= {"current", "hand-written"}


def test_update_report(rendered, cli):
    repo, _ = rendered
    res = cli("update", "--repo", str(repo), "--json", "--dry-run")
    data = json.loads(res.out)
    validate("update", data)
    assert data["ok"] and data["conflicts"] == []


def test_new_report(rendered, cli, tmp_path):
    repo, _ = rendered
    planned = json.loads(cli("new", "file_sync", "-c", "file ops", "--repo", str(repo), "--json", "--dry-run").out)
    validate("new", planned)
    assert planned["render"] is None or planned["render"]["format"] == "patforge-render-report"
    copy = tmp_path / "copy"
    shutil.copytree(repo, copy)
    res = cli("new", "file_sync", "-c", "file ops", "--repo", str(copy), "--json")
    data = json.loads(res.out)
    validate("new", data)
    validate("render", data["render"])
    assert data["name"] == "file_sync" and data["ok"]


def test_doctor_report(rendered, cli):
    repo, _ = rendered
    data = json.loads(cli("doctor", "--repo", str(repo), "--json").out)
    validate("doctor", data)
    assert {c["status"] for c in data["checks"]} <= {"ok", "warn", "fail"}


def test_check_report_has_the_shared_header(rendered, cli):
    repo, _ = rendered
    data = json.loads(cli("check", "--repo", str(repo), "--format", "json").out)
    validate("check", data)
