"""CI smoke test of the benchmark harness: bench/run.py on 24 patterns, one run.

It checks that every figure is recorded, never how fast anything was (CI machines
vary); docs/performance.md has the measured numbers.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_bench_run_records_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "24.json"
    res = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--patterns", "24",
                          "--repeat", "1", "--out", str(out)],
                         capture_output=True, text=True, timeout=900)
    assert out.is_file(), res.stdout + res.stderr
    data = json.loads(out.read_text(encoding="utf-8"))

    for key in ("cpu_count", "python", "copier", "git"):
        assert data["machine"][key], key
    s = data["summary"]
    assert s["patterns"] == 24
    for key in ("cold_render_s", "noop_rerun_s", "update_s", "new_s", "patforge_s_per_artifact",
                "copier_s_per_artifact", "floor_s_per_artifact"):
        assert isinstance(s[key], float) and s[key] > 0, key
    # check is null only while the command does not exist
    assert (s["check_s"] is None) == (not data["check_command_available"])
    for op in ("cold", "noop", "update", "new"):
        assert s["peak_rss_mb"][op] > 0, op
    for key in ("copier_over_patforge_per_artifact", "patforge_over_floor_per_artifact",
                "noop_over_cold", "update_s_per_unit"):
        assert s["ratios"][key] is not None, key
    assert s["cold_units_generated"] > 0
    # Correctness, not speed: a no-op rerun writes nothing; the update reached every executor.
    assert s["noop_wrote_nothing"] is True
    assert s["update_executors_changed"] == 24
    assert isinstance(s["check_one_s"], float) and s["check_one_s"] > 0  # check FILE (pre-commit)
    judged = {t["target"]: t for t in data["targets"]}
    # every figure issue 24 states a target for is judged, with its verdict
    for name in ("cold render / bare-Jinja floor (per artifact)", "no-op rerun / cold render",
                 "no-op notices a spec edit that keeps size and mtime",
                 "check / cold render", "check of one changed pattern / full check",
                 "update after a template bump / cold render", "new (one pattern)",
                 "status on a fresh clone / check on the same clone",
                 *(f"peak memory of {op}, whole process tree (PSS)"
                   for op in ("cold", "noop", "check", "check1", "update", "new", "status"))):
        assert name in judged, name
        assert judged[name]["value"] is not None and judged[name]["met"] in (True, False), judged[name]
    # Correctness, not speed: the edit that keeps size and mtime is noticed.
    assert judged["no-op notices a spec edit that keeps size and mtime"]["met"] is True
    assert isinstance(s["status_fresh_s"], float) and isinstance(s["check_fresh_s"], float)
    assert res.returncode == 0, res.stdout + res.stderr


def test_example_corpus_bench_reports_every_kind(tmp_path: Path) -> None:
    """bench/example_corpus.py on a two-file suite: every row and the section it writes
    are there (the figures themselves are in docs/performance.md, never asserted)."""
    suite = tmp_path / "draft7"
    suite.mkdir()
    (suite / "one.json").write_text(json.dumps([
        {"description": "d", "schema": {"type": "integer", "minimum": 3},
         "tests": [{"description": "t", "data": 3, "valid": True}]},
        {"description": "never", "schema": False,
         "tests": [{"description": "t", "data": 1, "valid": False}]}]), encoding="utf-8")
    (suite / "refRemote.json").write_text("[]", encoding="utf-8")
    doc = tmp_path / "perf.md"
    doc.write_text("# Performance\n\n## Example generator on the draft-07 corpus\n\nold\n\n## Next\n",
                   encoding="utf-8")
    res = subprocess.run([sys.executable, str(ROOT / "bench" / "example_corpus.py"), "--suite", str(suite),
                          "--repeat", "1", "--write", str(doc)], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    text = doc.read_text(encoding="utf-8")
    for row in ("| minimal | 1 |", "| full | 1 |", "| test | 1 |", "| all three kinds | 1 |"):
        assert row in text, row
    assert "old" not in text and text.endswith("## Next\n") and text.count("## Example generator") == 1


def test_example_corpus_bench_on_schemastore(tmp_path: Path) -> None:
    """--corpus schemastore (a smoke run on three schemas): the valid counts, the time
    columns and the section it writes (figures in docs/performance.md, never asserted)."""
    doc = tmp_path / "perf.md"
    res = subprocess.run([sys.executable, str(ROOT / "bench" / "example_corpus.py"), "--corpus", "schemastore",
                          "--limit", "3", "--write", str(doc)], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    text = doc.read_text(encoding="utf-8")
    assert "## Example generator on real-world schemas (SchemaStore)" in text
    for kind in ("minimal", "full", "test"):
        assert f"| {kind} | 3/3 |" in text, text
