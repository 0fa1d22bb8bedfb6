"""Evaluation of ``patforge check`` in isolation: levels, PASS records, ``--strict``,
``--only`` / ``--rule`` filtering and aggregation into records and rule summaries.

The end-to-end behaviour is pinned by test_check_rules.py; these tests pin each stage of
``patforge.check.evaluate`` on hand-made findings, so a change to one stage fails here
with the stage's name on it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from patforge.check import CheckOptions, run_check
from patforge.check.evaluate import (PREREQUISITES, aggregate, apply_strict, evaluate, keep_only, passes,
                                     records_of, select_items, summaries_of)
from patforge.check.judging import bad, skip
from patforge.check.load import load_model
from patforge.check.model import Item
from patforge.check.rules import FAIL, MUST, PASS, RULES, RULES_BY_ID, SHOULD, SKIP, WARN, Finding

from compliant_repo import ALPHA, BETA, GAMMA, build_repo

MUST_RULE = "PAT-CHECK-001-040"  # executor exists (MUST)
SHOULD_RULE = "PAT-CHECK-001-043"  # no absolute paths in the executor (SHOULD)
REPO_RULE = "PAT-CHECK-001-080"  # repository scope, SHOULD


def _item(label: str, index: int = 0, name: str | None = None) -> Item:
    return Item(index, label, {"name": name or label}, "patterns", None)


def _f(rule: str, status: str, pattern: str | None = "p1", message: str = "m", root: str | None = "patterns",
       path: str | None = None) -> Finding:
    return Finding(rule, status, pattern, root, path, None, message)


# -- levels: a rule that does not hold is FAIL when MUST, WARN when SHOULD ------------------------

def test_rules_table_levels_are_must_or_should():
    assert {RULES_BY_ID[MUST_RULE].level, RULES_BY_ID[SHOULD_RULE].level} == {MUST, SHOULD}
    assert all(r.level in (MUST, SHOULD) for r in RULES)


def test_bad_takes_its_status_from_the_rule_level():
    item = _item("p1")
    assert bad(MUST_RULE, item, "gone").status == FAIL
    assert bad(SHOULD_RULE, item, "absolute").status == WARN
    f = bad(SHOULD_RULE, item, "absolute", path="x.ps1", line=3, hint="do this")
    assert (f.pattern, f.root, f.path, f.line, f.hint) == ("p1", "patterns", "x.ps1", 3, "do this")


def test_skip_says_why_it_was_not_judged():
    f = skip(MUST_RULE, _item("p1"), "the folder is missing")
    assert f.status == SKIP and f.message == "not judged: the folder is missing"


def test_bad_without_an_item_is_about_the_repository_or_a_root():
    f = bad("PAT-CHECK-001-002", None, "lacks tests/", root="patterns/extra")
    assert (f.pattern, f.root, f.status) == (None, "patterns/extra", FAIL)


# -- --strict ---------------------------------------------------------------------------------

def test_strict_turns_warnings_into_failures_and_nothing_else():
    findings = [_f(SHOULD_RULE, WARN), _f(MUST_RULE, FAIL), _f(MUST_RULE, PASS, "p2"), _f(MUST_RULE, SKIP, "p3")]
    strict = apply_strict(findings)
    assert [f.status for f in strict] == [FAIL, FAIL, PASS, SKIP]
    assert [f.status for f in findings] == [WARN, FAIL, PASS, SKIP]  # the input is left alone
    assert strict[0].message == findings[0].message and strict[0].rule == SHOULD_RULE


# -- PASS records -----------------------------------------------------------------------------

def test_passes_fill_only_the_pairs_no_finding_judged():
    pairs = [(MUST_RULE, "p1", "patterns", "a.ps1", None), (MUST_RULE, "p2", "patterns", "b.ps1", None),
             (REPO_RULE, None, None, "reg.yaml", None)]
    out = passes([_f(MUST_RULE, FAIL, "p1")], pairs)
    assert [(f.rule, f.pattern, f.status, f.path) for f in out] == [
        (MUST_RULE, "p2", PASS, "b.ps1"), (REPO_RULE, None, PASS, "reg.yaml")]
    assert out[0].message == "ok"
    assert "validates every rule" in out[1].message  # the self-evident rules say how they hold


def test_a_skip_counts_as_judged():
    out = passes([_f(MUST_RULE, SKIP, "p1")], [(MUST_RULE, "p1", "patterns", "a", None)])
    assert out == []


def test_root_pairs_are_told_apart_by_root():
    pairs = [("PAT-CHECK-001-002", None, "patterns", "patterns", None),
             ("PAT-CHECK-001-002", None, "patterns/extra", "patterns/extra", None)]
    out = passes([_f("PAT-CHECK-001-002", FAIL, None, root="patterns/extra")], pairs)
    assert [(f.root, f.status) for f in out] == [("patterns", PASS)]


# -- records and summaries --------------------------------------------------------------------

def test_a_record_has_the_worst_status_and_keeps_only_the_findings_behind_it():
    findings = [_f(MUST_RULE, PASS, message="fine"), _f(MUST_RULE, FAIL, message="broken"),
                _f(MUST_RULE, SKIP, message="unjudged")]
    (record,) = records_of(findings)
    assert record.status == FAIL and record.primary.message == "broken"
    assert {f.status for f in record.findings} == {FAIL, SKIP}  # PASS is dropped once anything else is there


@pytest.mark.parametrize("statuses,worst", [([WARN, PASS], WARN), ([PASS, PASS], PASS), ([SKIP, PASS], PASS),
                                            ([SKIP], SKIP), ([WARN, FAIL, SKIP], FAIL)])
def test_worst_status_order(statuses, worst):
    (record,) = records_of([_f(SHOULD_RULE, s, message=str(i)) for i, s in enumerate(statuses)])
    assert record.status == worst


def test_records_group_by_rule_and_pattern_and_by_root_without_a_pattern():
    findings = [_f(MUST_RULE, FAIL, "p1"), _f(MUST_RULE, FAIL, "p1", message="again"), _f(MUST_RULE, PASS, "p2"),
                _f("PAT-CHECK-001-002", FAIL, None, root="a"), _f("PAT-CHECK-001-002", PASS, None, root="b")]
    records = records_of(findings)
    assert [(r.rule, r.pattern, r.root, r.status, len(r.findings)) for r in records] == [
        ("PAT-CHECK-001-002", None, "a", FAIL, 1), ("PAT-CHECK-001-002", None, "b", PASS, 1),
        (MUST_RULE, "p1", "patterns", FAIL, 2), (MUST_RULE, "p2", "patterns", PASS, 1)]


def test_rule_summaries_count_records_and_take_the_worst():
    records = records_of([_f(MUST_RULE, FAIL, "p1"), _f(MUST_RULE, PASS, "p2"), _f(SHOULD_RULE, WARN, "p1"),
                          _f(SHOULD_RULE, PASS, "p2"), _f("PAT-CHECK-001-041", SKIP, "p1")])
    by_id = {s.id: s for s in summaries_of(records, None)}
    assert len(by_id) == len(RULES)
    assert (by_id[MUST_RULE].status, by_id[MUST_RULE].counts[FAIL], by_id[MUST_RULE].counts[PASS]) == (FAIL, 1, 1)
    assert by_id[SHOULD_RULE].status == WARN
    assert by_id["PAT-CHECK-001-041"].status == SKIP
    assert by_id["PAT-CHECK-001-050"].status == SKIP and sum(by_id["PAT-CHECK-001-050"].counts.values()) == 0
    assert by_id[MUST_RULE].level == MUST and by_id[MUST_RULE].title == RULES_BY_ID[MUST_RULE].title


def test_rule_summaries_follow_the_rule_selection():
    records = records_of([_f(MUST_RULE, FAIL)])
    assert [s.id for s in summaries_of(records, [MUST_RULE])] == [MUST_RULE]


# -- --only / --rule ----------------------------------------------------------------------------

def test_only_selects_entries_by_name_or_label():
    items = [_item("alpha", 0), _item("beta", 1), _item("beta (entry #3)", 2, name="beta")]
    assert [it.label for it in select_items(items, ())] == ["alpha", "beta", "beta (entry #3)"]
    assert [it.label for it in select_items(items, ("beta",))] == ["beta", "beta (entry #3)"]
    assert [it.label for it in select_items(items, ("beta (entry #3)",))] == ["beta (entry #3)"]


def test_only_keeps_the_prerequisites_repository_findings():
    findings = [_f(MUST_RULE, FAIL, "alpha"), _f(MUST_RULE, FAIL, "beta"),
                _f("PAT-CHECK-001-010", FAIL, None), _f(REPO_RULE, PASS, None), _f("PAT-CHECK-001-063", WARN, None)]
    kept = keep_only(findings, {"alpha"})
    assert [(f.rule, f.pattern) for f in kept] == [(MUST_RULE, "alpha"), ("PAT-CHECK-001-010", None)]
    assert PREREQUISITES == {"PAT-CHECK-001-001", "PAT-CHECK-001-002", "PAT-CHECK-001-010"}


def test_aggregate_filters_then_applies_strict_then_sorts():
    items = [_item("alpha", 0), _item("beta", 1)]
    findings = [_f(SHOULD_RULE, WARN, "beta"), _f(SHOULD_RULE, WARN, "alpha"), _f(MUST_RULE, FAIL, "alpha"),
                _f(REPO_RULE, PASS, None)]
    kept, records, summaries = aggregate(findings, items, only=("alpha",), selected=[SHOULD_RULE], strict=True)
    assert [(f.rule, f.pattern, f.status) for f in kept] == [(SHOULD_RULE, "alpha", FAIL)]
    assert [(r.rule, r.pattern, r.status) for r in records] == [(SHOULD_RULE, "alpha", FAIL)]
    assert [(s.id, s.status) for s in summaries] == [(SHOULD_RULE, FAIL)]
    kept, _, _ = aggregate(findings, items)
    assert kept == sorted(findings, key=Finding.sort_key)


# -- the whole evaluation on a real repository --------------------------------------------------

@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return build_repo(tmp_path / "repo")


def test_every_pair_of_a_compliant_repository_passes_once(repo):
    model = load_model(repo)
    findings = evaluate(model)
    _, records, _ = aggregate(findings, model.items)
    assert {r.status for r in records} <= {PASS, SKIP}
    keys = [(r.rule, r.pattern, r.root if r.pattern is None else None) for r in records]
    assert len(keys) == len(set(keys))
    item_rules = {r.id for r in RULES if r.scope in ("entry", "pattern")}
    for name in (ALPHA, BETA, GAMMA):
        assert {r.rule for r in records if r.pattern == name} == item_rules
    root_rules = {r.id for r in RULES if r.scope == "root"}
    for root in model.roots:
        assert {r.rule for r in records if r.pattern is None and r.root == root} >= root_rules


def test_strict_changes_the_exit_code_of_a_warning_only_repository(repo):
    (repo / "patterns/tests/test_helpers_misc.py").write_text("def helper():\n    pass\n")  # -063 WARN
    plain = run_check(repo, CheckOptions())
    strict = run_check(repo, CheckOptions(strict=True))
    assert plain.exit_code == 0 and plain.verdict == "COMPLIANT"
    assert {(r.rule, r.status) for r in plain.records if r.status != PASS and r.status != SKIP} == {
        ("PAT-CHECK-001-063", WARN)}
    assert strict.exit_code == 1 and strict.verdict == "NON-COMPLIANT"
    assert {(r.root, r.status) for r in strict.records if r.rule == "PAT-CHECK-001-063"} == {
        ("patterns", FAIL), ("patterns/legacy_atoms/converted", PASS)}
    summary = {s.id: s for s in strict.rules}["PAT-CHECK-001-063"]
    assert summary.level == SHOULD and summary.status == FAIL
