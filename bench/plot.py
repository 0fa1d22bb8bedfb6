#!/usr/bin/env python3
"""Plot bench/results/*.json: time against number of patterns (docs/perf.png).

    python bench/plot.py [--results bench/results] [--out docs/perf.png]

Needs matplotlib (only this script does; bench/run.py does not). Without it, the
scaling table is still printed. Also prints, for each pair of consecutive sizes,
how each figure grew relative to the number of patterns (1.0 = linear).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SERIES = [("cold_render_s", "cold render"), ("noop_rerun_s", "no-op rerun"),
          ("update_s", "update (template change)"), ("check_s", "check"),
          ("check_one_s", "check FILE (one pattern)"), ("new_s", "new (one pattern)")]


def load(folder: Path) -> list[dict]:
    rows = []
    for p in sorted(folder.glob("*.json")):
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except ValueError:
            continue
        if isinstance(data, dict) and "summary" in data:
            rows.append(data)
    return sorted(rows, key=lambda d: d["patterns"])


def scaling(rows: list[dict]) -> list[str]:
    """Growth of each figure per growth of n between consecutive sizes (1.0 = linear)."""
    lines = []
    for a, b in zip(rows, rows[1:]):
        na, nb = a["patterns"], b["patterns"]
        parts = []
        for key, label in SERIES:
            va, vb = a["summary"].get(key), b["summary"].get(key)
            if va and vb:
                parts.append(f"{label}: x{vb / va:.2f} ({(vb / va) / (nb / na):.2f} of linear)")
        lines.append(f"{na} -> {nb} patterns (x{nb / na:.1f}): " + "; ".join(parts))
    return lines


def _s(v) -> str:
    if v is None:
        return "n/a"
    return f"{v * 1000:.1f} ms" if v < 1 else f"{v:.1f} s"


def _pct(v) -> str:
    return "n/a" if v is None else f"{100 * v:.1f} %"


def _x(v) -> str:
    return "n/a" if v is None else f"{v:.1f}x"


def markdown(rows: list[dict]) -> str:
    """The results as Markdown tables (what docs/performance.md shows)."""
    out = ["| patterns | cold render | no-op rerun | check | check FILE | update (v99) | new | "
           "peak RSS (one process) | peak PSS (process tree) | runs |",
           "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for d in rows:
        s = d["summary"]
        rss = [v for v in s["peak_rss_mb"].values() if v]
        tree = [v for v in s["peak_tree_rss_mb"].values() if v]
        timed = set(s.get("timed_out_ops") or [])
        cell = lambda key, op: (">" if op in timed else "") + _s(s.get(key))  # noqa: E731
        out.append(f"| {d['patterns']:,} | {cell('cold_render_s', 'cold')} | {cell('noop_rerun_s', 'noop')} | "
                   f"{cell('check_s', 'check')} | {cell('check_one_s', 'check1')} | "
                   f"{cell('update_s', 'update')} | {cell('new_s', 'new')} | "
                   f"{max(rss) if rss else 'n/a'} MB | {max(tree) if tree else 'n/a'} MB | "
                   f"{max(s['runs_per_op'].values())} |")
    out += ["", "| patterns | patforge / artifact | floor / artifact | patforge / floor | "
            "no-op / cold | check / cold | check FILE / check | update / cold | Copier / patforge |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for d in rows:
        s, r = d["summary"], d["summary"]["ratios"]
        out.append(f"| {d['patterns']:,} | {_s(s['patforge_s_per_artifact'])} | {_s(s['floor_s_per_artifact'])} | "
                   f"{_x(r['patforge_over_floor_per_artifact'])} | {_pct(r['noop_over_cold'])} | "
                   f"{_pct(r['check_over_cold'])} | {_pct(r.get('check_one_over_check'))} | "
                   f"{_x(r.get('update_over_cold'))} | {_x(r['copier_over_patforge_per_artifact'])} |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--results", type=Path, default=HERE / "results")
    ap.add_argument("--out", type=Path, default=HERE.parent / "docs" / "perf.png")
    ap.add_argument("--markdown", action="store_true", help="print the results as Markdown tables too")
    args = ap.parse_args(argv)
    rows = load(args.results)
    if not rows:
        print(f"no results in {args.results}", file=sys.stderr)
        return 1
    for line in scaling(rows):
        print(line)
    if args.markdown:
        print(markdown(rows))
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no plot (pip install matplotlib)", file=sys.stderr)
        return 1
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 4.8))
    for key, label in SERIES:
        pts = [(d["patterns"], d["summary"][key]) for d in rows if d["summary"].get(key) is not None]
        if pts:
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=label)
    ns = [d["patterns"] for d in rows]
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("patterns in the repository")
    ax.set_ylabel("wall time (s)")
    info = rows[-1].get("machine", {})
    ax.set_title(f"patforge on {info.get('cpu_count', '?')} CPUs (copier {info.get('copier', '?')})")
    # the one absolute target (issue 14); the others are ratios, judged by run.py
    for y, label in ((1.2, "new target (1.2 s)"),):
        ax.scatter([1000], [y], marker="_", s=400, color="grey")
        ax.annotate(label, (1000, y), textcoords="offset points", xytext=(-14, -3), fontsize=7,
                    color="grey", ha="right")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_xticks(ns)
    ax.set_xticklabels([str(n) for n in ns])

    # per-artifact: patforge vs Copier vs floor
    for key, label in (("patforge_s_per_artifact", "patforge (cold / units)"),
                       ("copier_s_per_artifact", "Copier, one run_copy per artifact"),
                       ("floor_s_per_artifact", "floor: bare Jinja2 + write")):
        pts = [(d["patterns"], d["summary"][key]) for d in rows if d["summary"].get(key) is not None]
        if pts:
            ax2.plot([p[0] for p in pts], [p[1] * 1000 for p in pts], marker="o", label=label)
    ax2.set_xscale("log")
    ax2.set_yscale("log")
    ax2.set_xlabel("patterns in the repository")
    ax2.set_ylabel("ms per artifact ((pattern, kind) unit)")
    ax2.set_title("cost per artifact")
    ax2.grid(True, which="both", alpha=0.3)
    ax2.legend(fontsize=8)
    ax2.set_xticks(ns)
    ax2.set_xticklabels([str(n) for n in ns])
    fig.tight_layout()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.out, dpi=120)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
