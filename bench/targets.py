"""Issue 24's targets, judged from one bench run (and, for growth, the run at the
other size that ``--compare`` names). Ratios are taken within one run, so the
machine's load hits both sides alike.

Each target is a dict: ``target`` (what), ``value`` (the figure), ``limit`` (as
the issue states it), ``met`` (True / False, or None when the figure is missing,
with the reason in ``note``) and ``source``.
"""

from __future__ import annotations

from typing import Any

SOURCE = "issue 24"
#: Growth factor per command from the reference size to this one, divided by the
#: growth of the registry (1.00 = linear).
GROWTH_KEYS = (("cold", "cold_render_s"), ("noop", "noop_rerun_s"), ("check", "check_s"),
               ("update", "update_s"), ("status (fresh clone)", "status_fresh_s"),
               ("peak PSS", "peak_tree_pss_mb_all_ops"))
GROWTH_LIMIT = 1.1
#: Commands whose work is one pattern: their cost may grow at most this much in
#: absolute terms from 1,000 to 10,000 patterns.
FLAT_KEYS = (("check FILE", "check_one_s"), ("new", "new_s"))
FLAT_LIMIT = 1.5
#: Every command's peak memory (whole process tree, PSS) at 10,000 patterns.
MEMORY_LIMIT_MB = 1024.0
PER_OP_MEMORY = ("cold", "noop", "check", "check1", "update", "new", "status", "checkfresh")


def growth(s: dict[str, Any], ref: dict[str, Any] | None) -> dict[str, Any] | None:
    """How each figure grew from the reference size to this one: ``of_linear`` divides
    by the growth in patterns (1.00 = linear); ``absolute`` is the plain ratio, for the
    commands that touch one pattern."""
    if not ref or ref.get("patterns") in (None, s["patterns"]):
        return None
    k = s["patterns"] / ref["patterns"]
    out: dict[str, Any] = {"from_patterns": ref["patterns"], "to_patterns": s["patterns"],
                           "reference_commit": ref.get("commit"), "of_linear": {}, "absolute": {}}
    for op, key in GROWTH_KEYS:
        a, b = ref.get(key), s.get(key)
        out["of_linear"][op] = (b / a) / k if a and b else None
    for op, key in FLAT_KEYS:
        a, b = ref.get(key), s.get(key)
        out["absolute"][op] = b / a if a and b else None
    return out


def targets(s: dict[str, Any], grown: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Every target of issue 24 at this size. The issue states check FILE's share and
    new's ceiling at 1,000 patterns, memory at 10,000, and growth between the two:
    a figure judged at another size says so in its note."""
    n = s["patterns"]
    r = s["ratios"]
    ran = s.get("runs_per_op", {})
    t: list[dict[str, Any]] = []

    def add(name: str, value: Any, limit: str, met: bool | None, note: str = "") -> None:
        t.append({"target": name, "value": value, "limit": limit, "met": met, "note": note,
                  "source": SOURCE})

    def judge(value: float | None, limit: float) -> bool | None:
        return None if value is None else value <= limit

    def missing(op: str) -> str:
        return "not run (--ops)" if not ran.get(op) else "not measured"

    for op in s.get("failed_ops", []):
        add(f"{op} exits 0", False, "exit 0", False, "the command failed: its figures are left out")

    complete = not s["cold_units_failed"] and "cold" not in s["timed_out_ops"]
    add("cold render / bare-Jinja floor (per artifact)", r["patforge_over_floor_per_artifact"], "<= 2x",
        judge(r["patforge_over_floor_per_artifact"], 2.0),
        ("" if complete else f"{s['cold_units_failed']} unit(s) failed: not a complete render; ")
        + ("" if s["floor_s_per_artifact"] else "floor not measured in this run (--no-baselines)"))
    add("no-op rerun / cold render", r["noop_over_cold"], "<= 1 %", judge(r["noop_over_cold"], 0.01),
        "" if n <= 1000 else "the limit is stated for 1,000 patterns")
    add("no-op rerun writes nothing", s["noop_wrote_nothing"], "git status empty", s["noop_wrote_nothing"])
    add("no-op notices a spec edit that keeps size and mtime", s.get("noop_noticed_content_edit"),
        "the report changes", s.get("noop_noticed_content_edit"),
        "" if s.get("noop_noticed_content_edit") is not None else missing("noop"))
    add("check / cold render", r["check_over_cold"], "<= 8 %", judge(r["check_over_cold"], 0.08),
        "" if s["check_s"] is not None else missing("check"))
    add("check of one changed pattern / full check", r["check_one_over_check"], "<= 15 %",
        judge(r["check_one_over_check"], 0.15),
        ("" if n <= 1000 else "the limit is stated for 1,000 patterns")
        if s["check_one_s"] is not None else missing("check1"))
    add("update after a template bump / cold render", r["update_over_cold"], "<= 0.5x",
        judge(r["update_over_cold"], 0.5), "" if s["update_s"] is not None else missing("update"))
    add("new (one pattern)", s["new_s"], "<= 1.2 s",
        judge(s["new_s"], 1.2) if n <= 1000 else None,
        "" if n <= 1000 else "the limit is stated for 1,000 patterns; at 10,000 see its growth")
    add("status on a fresh clone / check on the same clone", r.get("status_over_check_fresh"), "<= 1.0x",
        judge(r.get("status_over_check_fresh"), 1.0),
        "" if r.get("status_over_check_fresh") is not None else missing("status"))
    for op in PER_OP_MEMORY:
        pss, note = s["peak_tree_rss_mb"].get(op), ""
        if pss is None and s["peak_rss_mb"].get(op):
            # a run shorter than the sampler's first tick (0.2 s): the largest process's
            # resident set stands in for the tree (one process: RSS >= its PSS)
            pss, note = s["peak_rss_mb"][op], "max RSS of one process: ended before the PSS sampler's first sample; "
        if pss is None:
            continue
        add(f"peak memory of {op}, whole process tree (PSS)", pss, f"<= {MEMORY_LIMIT_MB:.0f} MB",
            judge(pss, MEMORY_LIMIT_MB), note + ("" if n >= 10000 else "the limit is stated for 10,000 patterns"))
    if grown:
        span = f"{grown['from_patterns']:,} -> {grown['to_patterns']:,}"
        for op, v in grown["of_linear"].items():
            add(f"growth {span}: {op}", v, f"<= {GROWTH_LIMIT}x linear", judge(v, GROWTH_LIMIT),
                "" if v is not None else "not measured at both sizes")
        for op, v in grown["absolute"].items():
            add(f"growth {span}: {op} (absolute)", v, f"<= {FLAT_LIMIT}x", judge(v, FLAT_LIMIT),
                "" if v is not None else "not measured at both sizes")
    return t
