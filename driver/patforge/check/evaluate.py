"""Evaluation: run every judge, add the PASSes, then filter, apply --strict and aggregate.

``evaluate`` yields only judgements: each judge reports what is wrong (FAIL for a MUST
rule, WARN for a SHOULD rule, see ``judging.bad``) or what it could not judge (SKIP);
``evaluate`` adds one PASS for every (rule, pattern) pair -- per root for root rules,
once for repository rules -- that was judged and found nothing wrong with.
``aggregate`` turns findings into records and rule summaries.
"""

from __future__ import annotations

from dataclasses import replace

from patforge import kinds

from patforge.check.judges.entries import judge_entry
from patforge.check.judges.repository import judge_repository, repo_subject, root_subject
from patforge.check.judges.suite import judge_suite
from patforge.check.rendered import judge_rendered
from patforge.check.judging import skip
from patforge.check.model import Item, RepoModel, Suite
from patforge.check.result import Record, RuleSummary
from patforge.check.rules import FAIL, PASS, RULES, RULES_BY_ID, SKIP, STATUSES, WARN, Finding, Rule, worst

#: Rules still reported under ``only``: without them nothing else means anything.
PREREQUISITES = frozenset(r.id for r in RULES if r.prerequisite)

Pair = tuple[str, str | None, str | None, str | None, int | None]  # rule, pattern, root, path, line


def evaluate(model: RepoModel) -> list[Finding]:
    """Every judgement of the repository, PASS included (unsorted)."""
    findings: list[Finding] = list(judge_repository(model))
    findings += judge_rendered(model)  # before the loop: it releases each entry's files
    unjudged: set[str] = set()
    for judge in model.judges:
        if judge.judge_repo is not None:
            findings += judge.judge_repo(model)
        if judge.not_judged is not None:
            unjudged.update(judge.not_judged(model))
    pairs: list[Pair] = []
    for rule in RULES:
        if rule.scope == "repo":
            where = repo_subject(model, rule)
            if where is not None:
                pairs.append((rule.id, None, where[0], where[1], None))
        elif rule.scope == "root":
            pairs += [(rule.id, None, root, root_subject(model, rule, root), None) for root in model.roots]
    item_rules = [r for r in RULES if r.scope in ("entry", "pattern") and r.id not in unjudged]
    artifact_subjects = {k.name for k in kinds.KINDS}
    for item in model.items:
        if model.selected is not None and item.label not in model.selected:
            continue  # check FILE...: only the patterns the files belong to
        findings += judge_entry(model, item)
        s = model.suite_for(item)
        pairs += [(rule.id, item.label, item.root, *_subject(model, rule, item, s)) for rule in item_rules]
        if s is None:
            # the entry cannot be read: its artifact rules are not judged, and say why
            findings += [skip(rule.id, item, item.why_not or "the entry cannot be read", path=model.reg_path)
                         for rule in item_rules if rule.scope == "pattern" and rule.subject in artifact_subjects]
        else:
            for judge in model.judges:
                findings += judge.judge(model, item, s)
        findings += judge_suite(model, item, s)
        model.release(item)
    return findings + passes(findings, pairs)


def passes(findings: list[Finding], pairs: list[Pair]) -> list[Finding]:
    """One PASS for every pair that no finding judged."""
    judged = {(f.rule, f.pattern, f.root if f.pattern is None else None) for f in findings}
    out = []
    for rule_id, pattern, root, path, line in pairs:
        if (rule_id, pattern, root if pattern is None else None) not in judged:
            out.append(Finding(rule_id, PASS, pattern, root, path, line, RULES_BY_ID[rule_id].holds_by or "ok"))
    return out


def _subject(model: RepoModel, rule: Rule, item: Item, s: Suite | None) -> tuple[str | None, int | None]:
    judge = model.judge_of(rule.subject)
    if item.pattern is not None and judge is not None:
        return judge.subject_path(model, item, s), None
    if item.pattern is not None and model.registry is not None and rule.subject in kinds.names():
        files = sorted(kinds.by_name(rule.subject).layout(model.registry, item.pattern).values())
        if files:
            return files[0], None
    return model.reg_path, model.entry_line(item)


# -- from findings to records -----------------------------------------------------------------

def select_items(items: list[Item], only: tuple[str, ...]) -> list[Item]:
    """The entries ``--only`` names (by name or report label); all when it names none."""
    return [it for it in items if not only or it.label in only
            or (isinstance(it.entry, dict) and it.entry.get("name") in only)]


def keep_only(findings: list[Finding], labels: set[str]) -> list[Finding]:
    """Findings about these patterns, plus the prerequisites' repository findings."""
    return [f for f in findings if f.pattern in labels or (f.pattern is None and f.rule in PREREQUISITES)]


def apply_strict(findings: list[Finding], rules: tuple[str, ...] | None = None) -> list[Finding]:
    """--strict: a SHOULD rule that does not hold fails too (``rules``: only these, --blocking)."""
    return [replace(f, status=FAIL) if f.status == WARN and (rules is None or f.rule in rules) else f
            for f in findings]


def records_of(findings: list[Finding], *, presorted: bool = False) -> list[Record]:
    """One record per (rule, pattern) -- per root for pattern-less findings -- with the worst
    status of its findings; it keeps the findings behind that status (all PASS: every one).
    ``presorted``: ``findings`` are already in ``Finding.sort_key`` order."""
    groups: dict[tuple, list[Finding]] = {}
    for f in findings if presorted else sorted(findings, key=Finding.sort_key):
        groups.setdefault((f.rule, f.pattern, f.root if f.pattern is None else None), []).append(f)
    records = []
    for (rule, pattern, _), group in groups.items():
        status = worst([f.status for f in group])
        problems = [f for f in group if f.status != PASS] or group
        records.append(Record(rule, status, pattern, group[0].root, problems))
    return records


def summaries_of(records: list[Record], selected: list[str] | None) -> list[RuleSummary]:
    """One summary per rule (``selected``: only these): FAIL if any record fails, else WARN,
    else PASS if any passed, else SKIP (nothing judged)."""
    by_rule: dict[str, list[Record]] = {}
    for r in records:
        by_rule.setdefault(r.rule, []).append(r)
    out = []
    for rule in RULES:
        if selected is not None and rule.id not in selected:
            continue
        mine = by_rule.get(rule.id, [])
        counts = {s: sum(1 for r in mine if r.status == s) for s in STATUSES}
        status = FAIL if counts[FAIL] else WARN if counts[WARN] else PASS if counts[PASS] else SKIP
        out.append(RuleSummary(rule.id, rule.level, rule.title, rule.source, status, counts))
    return out


def aggregate(findings: list[Finding], items: list[Item], *, only: tuple[str, ...] = (),
              selected: list[str] | None = None, strict: bool = False, blocking: tuple[str, ...] = ()
              ) -> tuple[list[Finding], list[Record], list[RuleSummary]]:
    """Filter (--only, --rule), apply --strict (or --blocking's rules), sort; then records
    and rule summaries."""
    if only:
        findings = keep_only(findings, {it.label for it in select_items(items, only)})
    if selected is not None:
        findings = [f for f in findings if f.rule in selected]
    if strict:
        findings = apply_strict(findings)
    elif blocking:
        findings = apply_strict(findings, blocking)
    findings = sorted(findings, key=Finding.sort_key)
    records = records_of(findings, presorted=True)
    return findings, records, summaries_of(records, selected)
