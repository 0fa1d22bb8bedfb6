"""Each kind's check part and how a new kind plugs its rules in.

* every kind's check part honours the interface (``kinds/judge.py``): its path field and
  folder come from ``patforge.repository.layout``, its rules are its own rows (subject:
  its kind) in the rule table, and it yields findings of its own rules only;
* a kind registered at run time (``kinds.register``) with a check part and a rule of its
  own is located, judged, asked for its doc_id sources and its registry path field, and
  its rule joins the table, with no other change.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from patforge import kinds
from patforge.repository import layout
from patforge.check import CheckOptions, run_check
from patforge.check.evaluate import evaluate
from patforge.check.judging import bad
from patforge.check.load import load_model
from patforge.check.model import Item, RepoModel, Suite
from patforge.check.resolve import DocIdSource
from patforge.check.rules import FAIL, PASS, RULES, RULES_BY_ID, SHOULD, SKIP, SPEC_PATFORGE, WARN, Finding, Rule
from patforge.kinds.base import CHECKED, Kind
from patforge.kinds.judge import ArtifactJudge
from patforge.repository.registry import PATH_FIELDS, Pattern

from compliant_repo import ALPHA, BETA, DOC, GAMMA, MUST_CASES, SHOULD_CASES, build_repo

NAMES = (ALPHA, BETA, GAMMA)
ARTIFACTS = kinds.checked()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return build_repo(tmp_path / "repo")


# -- the interface, for every built-in judge -------------------------------------------------------

def test_each_artifact_judge_owns_one_registry_path_field_and_its_layout_folder():
    assert len({j.kind for j in ARTIFACTS}) == len(ARTIFACTS)
    assert sorted(j.path_field for j in ARTIFACTS) == sorted(PATH_FIELDS)
    for judge in ARTIFACTS:
        assert judge.folder == layout.KIND_DIRS[judge.path_field]
        assert kinds.judge_of(judge.kind) is judge and kinds.judge_for_field(judge.path_field) is judge
        assert kinds.by_name(judge.kind).check is judge


def test_each_kinds_rules_are_its_own_rows_of_the_rule_table():
    for judge in ARTIFACTS:
        assert judge.rules, f"the {judge.kind} kind has no rules"
        assert {r.subject for r in judge.rules} == {judge.kind}
        assert all(RULES_BY_ID[r.id] is r and r in RULES for r in judge.rules)
    owned = {r.id for j in ARTIFACTS for r in j.rules}
    assert not [r.id for r in RULES if r.subject in {j.kind for j in ARTIFACTS} and r.id not in owned]


def test_a_compliant_suite_through_each_judge(repo):
    model = load_model(repo)
    for item in model.items:
        s = model.suite_for(item)  # located on first use
        assert set(s.parts) == {j.kind for j in ARTIFACTS}
        for judge in ARTIFACTS:
            found = list(judge.judge(model, item, s))
            assert not [f for f in found if f.status in (FAIL, WARN)], (judge.kind, found)
            claims = judge.sources(model, item, s)
            assert claims, f"{judge.kind} of {item.label} claims no doc_id"
            assert {c.doc_id for c in claims} == {DOC[item.label]}
            assert judge.subject_path(model, item, s).startswith(f"{item.root}/{judge.folder}")


def _judged_by(model: RepoModel) -> dict[str, set[str]]:
    """Rule IDs each artifact judge yielded (pattern and repository findings)."""
    out: dict[str, set[str]] = {j.kind: set() for j in ARTIFACTS}
    for judge in ARTIFACTS:
        for item in model.items:
            s = model.suite_for(item)
            if s is not None:
                out[judge.kind] |= {f.rule for f in judge.judge(model, item, s)}
        if judge.judge_repo is not None:
            out[judge.kind] |= {f.rule for f in judge.judge_repo(model)}
    return out


@pytest.mark.parametrize("case_id,breaker", [(c[0], c[1]) for c in MUST_CASES + SHOULD_CASES],
                         ids=[c[0] for c in MUST_CASES + SHOULD_CASES])
def test_a_judge_yields_only_the_rules_of_its_kind(tmp_path, case_id, breaker):
    repo = build_repo(tmp_path / "repo")
    breaker(repo)
    model = load_model(repo)
    for kind, rules in _judged_by(model).items():
        strays = {r for r in rules if RULES_BY_ID[r].subject != kind}
        assert not strays, f"the {kind} judge yielded {strays}"


def test_each_kind_rule_is_judged_by_its_judge(tmp_path):
    """Over the breaker repositories of compliant_repo.py, every rule whose subject is a kind
    comes out of that kind's judge at least once."""
    seen: dict[str, set[str]] = {j.kind: set() for j in ARTIFACTS}
    for i, (_, breaker, *_rest) in enumerate(MUST_CASES + SHOULD_CASES):
        repo = build_repo(tmp_path / f"r{i}")
        breaker(repo)
        for kind, rules in _judged_by(load_model(repo)).items():
            seen[kind] |= rules
    for judge in ARTIFACTS:
        wanted = {r.id for r in RULES if r.subject == judge.kind}
        assert seen[judge.kind] == wanted, judge.kind


# -- a new artifact kind, added from inside the test ---------------------------------------------

TOY_RULE = "PATFORGE-TOY"  # the toy kind's own rule: a row of its check part
TOY_ROWS = (Rule(TOY_RULE, SHOULD, "each pattern has a toy under toys/", "pattern", "toy", SPEC_PATFORGE),)


@dataclass
class ToyPart:
    path: str
    exists: bool


def _toy_locate(model: RepoModel, p: Pattern) -> ToyPart:
    rel = f"{p.root}/toys/{p.name}.toy"
    return ToyPart(rel, model.files.is_file(rel))


def _toy_judge(model: RepoModel, item: Item, s: Suite) -> Iterator[Finding]:
    part: ToyPart = s.part("toy")
    if not part.exists:
        yield bad(TOY_RULE, item, f"no toy at {part.path}", path=part.path, hint="make one")


def _toy_sources(model: RepoModel, item: Item, s: Suite) -> list[DocIdSource]:
    part: ToyPart = s.part("toy")
    return [DocIdSource("toy", part.path, None)] if part.exists else []


@pytest.fixture
def toy_kind(monkeypatch):
    """A kind that is only checked (no template): its check part and its rule."""
    monkeypatch.setitem(layout.KIND_DIRS, "toy_path", "toys")
    judge = ArtifactJudge(kind="toy", path_field="toy_path", locate=_toy_locate, judge=_toy_judge,
                          sources=_toy_sources, link_hints={"toy": "write `toy: {ref}` into it"}, rules=TOY_ROWS,
                          subject=lambda model, item, s: f"{item.pattern.root}/toys/{item.pattern.name}.toy")
    kind = Kind("toy", CHECKED, "a toy per pattern", check=judge)
    kinds.register(kind)
    try:
        yield kind
    finally:
        kinds.unregister("toy")
    assert kinds.judge_of("toy") is None and TOY_RULE not in RULES_BY_ID


def test_a_registered_kind_with_a_check_part_plugs_into_every_stage(repo, toy_kind):
    assert RULES_BY_ID[TOY_RULE] is TOY_ROWS[0] and "toy" not in kinds.names()  # checked, never rendered
    (repo / "patterns/toys").mkdir()
    (repo / f"patterns/toys/{ALPHA}.toy").write_text("a toy without a doc_id\n")
    model = load_model(repo)
    alpha = next(it for it in model.items if it.label == ALPHA)
    assert isinstance(model.suite_for(alpha).part("toy"), ToyPart)
    findings = evaluate(model)

    def about(rule: str, pattern: str) -> list[Finding]:
        return [f for f in findings if f.rule == rule and f.pattern == pattern and f.status in (FAIL, WARN)]

    # its judge runs for each readable entry (beta has no toy)
    assert [f.message for f in about(TOY_RULE, BETA)] == [f"no toy at patterns/toys/{BETA}.toy"]
    assert about(TOY_RULE, ALPHA) == []
    # its doc_id claims join the suite's (-070), with its own hint
    (unlinked,) = about("PAT-CHECK-001-070", ALPHA)
    assert unlinked.path == f"patterns/toys/{ALPHA}.toy" and unlinked.hint == f"write `toy: {DOC[ALPHA]}` into it"
    # its registry path field is judged with the others (-013)
    assert any(f.message == "entry lacks toy_path, so it cannot be under patterns/toys/"
               for f in about("PAT-CHECK-001-013", ALPHA))
    with pytest.raises(ValueError):
        kinds.register(toy_kind)


def test_a_registered_kinds_rule_is_reported_like_any_other(repo, toy_kind):
    for name in (ALPHA, BETA):
        (repo / "patterns/toys").mkdir(exist_ok=True)
        (repo / f"patterns/toys/{name}.toy").write_text("toy\n")
    result = run_check(repo, CheckOptions(rules=("TOY",)))
    (record,) = [r for r in result.records if r.rule == TOY_RULE and r.pattern == GAMMA]
    assert record.status == WARN and record.primary.message.startswith("no toy at ")
    assert {r.status for r in result.records if r.rule == TOY_RULE and r.pattern != GAMMA} == {PASS}
    assert [s.id for s in result.rules] == [TOY_RULE] and result.exit_code == 0
    assert SKIP not in {r.status for r in result.records if r.rule == TOY_RULE}


def test_a_judged_pattern_is_released(repo):
    """check holds one pattern's artifacts at a time: once judged, its suite and the
    files read for it are forgotten (the next read goes to the disk)."""
    model = load_model(repo)
    assert model.suites == {}  # nothing located before it is judged
    item = next(it for it in model.items if it.pattern is not None)
    s = model.suite_for(item)
    assert model.suite_for(item) is s  # located once
    exe = item.pattern.executor_path
    assert model.files.text(exe) is not None and exe in model.files._text
    model.release(item)
    assert item.label not in model.suites and exe not in model.files._text
    findings = evaluate(model)
    assert model.suites == {}  # evaluate released every pattern it judged
    assert not [f for f in findings if f.status == FAIL]
