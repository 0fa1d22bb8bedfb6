#!/usr/bin/env python3
"""Time the example generator on a corpus of schemas, in-process.

    python bench/example_corpus.py [--suite DIR] [--repeat 5] [--write docs/performance.md]
    python bench/example_corpus.py --corpus schemastore [--repeat 1] [--write docs/performance.md]

``--corpus schemastore``: the 240 real-world SchemaStore schemas vendored in
tests/data/schemastore-draft07 (issue 22). Besides the times it counts, per kind, the
instances that validate (patterns read as ECMA-262, formats checked), how many schemas
take over 1 s, and the CPU time (``time.process_time``: what the machine's other jobs
disturb least); a kind the generator reduced to minimal on its check budget is listed.

For every satisfiable group of the suite (233 outside refRemote.json) and every
kind (minimal, full, test) it times ``patforge.examplegen.instances.example_instance`` --
the generator plus its Draft7Validator checks, what ``patforge example`` does
after reading the file -- ``--repeat`` times and keeps the median per schema
and kind (after one warm-up call per schema, so imports and first-use caches
are not counted). It prints, per kind and for "all three kinds of one schema":
min / median / p95 / max over the schemas and how many stay within the 10 ms
budget of issue #12. ``--write`` replaces the section "Example generator on the
draft-07 corpus" in the given Markdown file with the same table.

The suite is found beside the clone (../shared/reference/json-schema-test-suite)
or under $PATFORGE_SHARED/reference/. This is a benchmark, never a test: no
assertion on time anywhere.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "driver"))

from patforge.examplegen.instances import KINDS, example_instance  # noqa: E402

BUDGET_MS = 10.0
SECTION = "## Example generator on the draft-07 corpus"
SCHEMASTORE_SECTION = "## Example generator on real-world schemas (SchemaStore)"


def find_suite(explicit: str | None) -> Path:
    rel = Path("reference") / "json-schema-test-suite" / "draft7"
    options = [Path(explicit)] if explicit else []
    options.append(REPO / "tests" / "data" / "json-schema-test-suite" / "draft7")  # vendored (every clone)
    options.append(REPO.parent / "shared" / rel)
    if os.environ.get("PATFORGE_SHARED"):
        options.append(Path(os.environ["PATFORGE_SHARED"]) / rel)
    for o in options:
        if o.is_dir():
            return o
    sys.exit("draft-07 suite not found: pass --suite or set PATFORGE_SHARED")


def satisfiable(suite: Path) -> list[tuple[str, object]]:
    out = []
    for f in sorted(suite.glob("*.json")):
        if f.name == "refRemote.json":
            continue
        for i, group in enumerate(json.loads(f.read_text(encoding="utf-8"))):
            if any(t["valid"] for t in group["tests"]):
                out.append((f"{f.stem}[{i}]", group["schema"]))
    return out


def time_ms(schema: object, kind: str, repeat: int) -> tuple[float, float]:
    """(median, best) of ``repeat`` runs, in ms."""
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        example_instance(schema, kind)
        runs.append((time.perf_counter() - t) * 1000)
    return statistics.median(runs), min(runs)


def schemastore_rows(repeat: int, limit: int | None = None) -> tuple[dict, list[str]]:
    """Per kind: valid count, wall and CPU median/max, over 1 s; and the notes."""
    sys.path.insert(0, str(REPO / "tests"))
    from schemastore import corpus  # the vendored corpus, sha256-checked

    from patforge.errors import NoInstanceError
    from patforge.examplegen.instances import validate_instance

    rows: dict[str, dict] = {k: {"valid": 0, "wall": [], "cpu": [], "n": 0} for k in KINDS}
    notes: list[str] = []
    for name, schema in corpus()[:limit]:
        for kind in KINDS:
            walls, cpus = [], []
            for _ in range(repeat):
                t, c = time.perf_counter(), time.process_time()
                try:
                    result = example_instance(schema, kind)
                except NoInstanceError as exc:
                    result = exc
                except Exception as exc:  # noqa: BLE001 - a bench reports a crash, then goes on
                    result = NoInstanceError(f"{type(exc).__name__}: {exc}", keyword="", pointer="#")
                walls.append((time.perf_counter() - t) * 1000)
                cpus.append((time.process_time() - c) * 1000)
            r = rows[kind]
            r["n"] += 1
            r["wall"].append((statistics.median(walls), name))
            r["cpu"].append((statistics.median(cpus), name))
            if isinstance(result, NoInstanceError):
                notes.append(f"{name} {kind}: {result.message}")
                continue
            try:
                r["valid"] += not validate_instance(schema, result.instances[f"instance_{kind}"])
            except Exception as exc:  # noqa: BLE001 - e.g. a pattern the validator cannot read
                notes.append(f"{name} {kind}: not validated: {type(exc).__name__}: {exc}")
            notes += [f"{name} {kind}: {n}" for n in getattr(result, "notes", [])]  # main had none
    return rows, notes


def schemastore_table(rows: dict, notes: list[str], repeat: int, command: str, load: str) -> str:
    lines = [SCHEMASTORE_SECTION, "",
             f"Measured with `{command}` on {platform.python_implementation()} "
             f"{platform.python_version()}, {os.cpu_count()} CPUs, 1-minute load average {load} "
             f"when it started (the machine is shared); median of {repeat} run(s) per schema and "
             "kind, in-process, validation included. Wall time is what a user waits; CPU time "
             "(this process only) is what other jobs on the machine disturb least.", "",
             "| kind | valid | median ms | max ms (schema) | over 1 s | CPU median ms | "
             "CPU max ms (schema) | CPU over 1 s |", "|---|---|---|---|---|---|---|---|"]
    for kind, r in rows.items():
        wall, cpu = r["wall"], r["cpu"]
        wmax, cmax = max(wall), max(cpu)
        lines.append(f"| {kind} | {r['valid']}/{r['n']} | {statistics.median(w for w, _ in wall):.2f} | "
                     f"{wmax[0]:.0f} ({wmax[1]}) | {sum(w > 1000 for w, _ in wall)} | "
                     f"{statistics.median(c for c, _ in cpu):.2f} | {cmax[0]:.0f} ({cmax[1]}) | "
                     f"{sum(c > 1000 for c, _ in cpu)} |")
    lines += ["", "Kinds the generator reduced or could not produce: "
              + ("; ".join(notes) if notes else "none") + ".", ""]
    return "\n".join(lines)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(groups: list[tuple[str, object]], repeat: int) -> dict[str, dict[str, float]]:
    per_kind: dict[str, list[float]] = {k: [] for k in KINDS}
    best: dict[str, list[float]] = {k: [] for k in KINDS}
    together: list[float] = []
    together_best: list[float] = []
    slowest: list[tuple[float, str]] = []
    for gid, schema in groups:
        for kind in KINDS:
            example_instance(schema, kind)  # warm-up
        times = {k: time_ms(schema, k, repeat) for k in KINDS}
        for k, (median, fastest) in times.items():
            per_kind[k].append(median)
            best[k].append(fastest)
        together.append(sum(m for m, _ in times.values()))
        together_best.append(sum(b for _, b in times.values()))
        slowest.append((together[-1], gid))
    rows = {}
    for label, values, fastest in [*((k, per_kind[k], best[k]) for k in KINDS),
                                   ("all three kinds", together, together_best)]:
        rows[label] = {"min": min(values), "median": statistics.median(values), "p95": p95(values),
                       "max": max(values), "within": sum(v <= BUDGET_MS for v in values),
                       "within_best": sum(v <= BUDGET_MS for v in fastest),
                       "max_best": max(fastest), "n": len(values)}
    rows["_slowest"] = {gid: t for t, gid in sorted(slowest, reverse=True)[:3]}  # type: ignore[dict-item]
    return rows


def load_average() -> str:
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except (AttributeError, OSError):  # Windows has no load average
        return "n/a"


def table(rows: dict, repeat: int, command: str, load: str) -> str:
    lines = [SECTION, "",
             f"Measured with `{command}` on {platform.python_implementation()} "
             f"{platform.python_version()}, {os.cpu_count()} CPUs, 1-minute load average {load} "
             f"when it started (the machine is shared); median of {repeat} runs per schema and "
             "kind after a warm-up call; in-process, Draft7Validator checks included.", "",
             "Columns min..max are over the schemas (each schema's median); the last two use "
             "each schema's best run, which other jobs on the machine disturb least.", "",
             "| kind | schemas | min ms | median ms | p95 ms | max ms | within 10 ms | "
             "max ms (best run) | within 10 ms (best run) |",
             "|---|---|---|---|---|---|---|---|---|"]
    for label, r in rows.items():
        if label.startswith("_"):
            continue
        lines.append(f"| {label} | {r['n']} | {r['min']:.2f} | {r['median']:.2f} | {r['p95']:.2f} | "
                     f"{r['max']:.2f} | {r['within']}/{r['n']} | {r['max_best']:.2f} | "
                     f"{r['within_best']}/{r['n']} |")
    slow = ", ".join(f"{gid} {t:.1f} ms" for gid, t in rows["_slowest"].items())
    lines += ["", f"Slowest schemas (all three kinds together): {slow}.", ""]
    return "\n".join(lines)


def write_section(doc: Path, text: str, section: str = SECTION) -> None:
    old = doc.read_text(encoding="utf-8") if doc.exists() else ""
    if section in old:
        start = old.index(section)
        nxt = old.find("\n## ", start + len(section))
        new = old[:start] + text + (old[nxt + 1:] if nxt != -1 else "")
    else:
        new = old.rstrip("\n") + "\n\n" + text
    tmp = doc.with_suffix(doc.suffix + ".tmp")
    tmp.write_text(new, encoding="utf-8", newline="\n")
    os.replace(tmp, doc)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--suite", help="the draft7 folder of JSON-Schema-Test-Suite")
    ap.add_argument("--corpus", choices=("draft7-suite", "schemastore"), default="draft7-suite")
    ap.add_argument("--repeat", type=int, default=None, help="runs per schema and kind "
                    "(default 5 on the draft-07 suite, 1 on SchemaStore)")
    ap.add_argument("--write", metavar="MARKDOWN", help="replace the results section in this file")
    ap.add_argument("--limit", type=int, help="only the first N schemas (a smoke run)")
    args = ap.parse_args()
    load = load_average()
    if args.corpus == "schemastore":
        repeat = args.repeat or 1
        command = "python bench/example_corpus.py --corpus schemastore" + (f" --repeat {repeat}" if repeat != 1 else "")
        rows, notes = schemastore_rows(repeat, args.limit)
        text = schemastore_table(rows, notes, repeat, command, load)
        print(text)
        if args.write:
            write_section(Path(args.write), text, SCHEMASTORE_SECTION)
        return
    args.repeat = args.repeat or 5
    groups = satisfiable(find_suite(args.suite))
    rows = measure(groups, args.repeat)
    command = "python bench/example_corpus.py" + (f" --repeat {args.repeat}" if args.repeat != 5 else "")
    text = table(rows, args.repeat, command, load)
    print(text)
    if args.write:
        write_section(Path(args.write), text)


if __name__ == "__main__":
    main()
