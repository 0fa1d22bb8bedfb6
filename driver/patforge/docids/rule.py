"""The doc_id system (ID-SYSTEM-SPEC-V1): format, derivation, and the instance pattern."""

from __future__ import annotations

import re

#: The rule new doc_ids follow unless patforge.toml (or the repository's majority) says otherwise.
DEFAULT_RULE = "DOC-<REST>"
#: What a pattern_id's ``<REST>`` leaves out.
PATTERN_ID_PREFIX = "PAT-"
#: ID-SYS-101: uppercase letters and digits in groups joined by single dashes.
DOC_ID_RE = re.compile(r"^[A-Z0-9]+(-[A-Z0-9]+)*$")
#: pattern_ids follow the same shape; they feed the derivation, so they are held to it.
PATTERN_ID_RE = DOC_ID_RE


def is_valid_doc_id(value: object) -> bool:
    return isinstance(value, str) and DOC_ID_RE.fullmatch(value) is not None


def suggest_id(value: object) -> str | None:
    """The well-formed id an ill-formed one most likely means: uppercase, every run of
    other characters a single dash (``PAT_X_001`` -> ``PAT-X-001``); None if nothing is left."""
    groups = re.findall(r"[A-Z0-9]+", str(value).upper())
    return "-".join(groups) or None


def pattern_rest(pattern_id: str) -> str:
    """``<REST>``: the pattern_id without its leading ``PAT-`` (the whole id if it has none)."""
    return pattern_id.removeprefix(PATTERN_ID_PREFIX)


def derive_doc_id(pattern_id: str, rule: str = DEFAULT_RULE) -> str:
    """``PAT-ATOMIC-CREATE-001`` -> ``DOC-ATOMIC-CREATE-001`` under the default rule.

    ``<REST>`` is the pattern_id without its leading ``PAT-`` (the whole id if it has
    none); ``<PATTERN_ID>`` is the whole pattern_id.
    """
    return rule.replace("<REST>", pattern_rest(pattern_id)).replace("<PATTERN_ID>", pattern_id)


def doc_id_instance_pattern(rule: str = DEFAULT_RULE) -> str:
    """The JSON Schema ``pattern`` that instances' doc_id must match under ``rule``."""
    prefix = rule.split("<", 1)[0]
    return "^" + re.escape(prefix) + "[A-Z0-9-]+$"


def instance_pattern_for(rule: str, doc_id: str) -> str:
    """The instances' doc_id ``pattern`` under ``rule``, widened when this pattern's own
    (reused) doc_id does not follow the rule: its examples must still validate."""
    pattern = doc_id_instance_pattern(rule)
    if re.search(pattern, doc_id):
        return pattern
    generic = doc_id_instance_pattern(DEFAULT_RULE)
    return generic if re.search(generic, doc_id) else DOC_ID_RE.pattern


#: A per-file id: the pattern's doc_id stem, the file's role, a number.
_PER_FILE = re.compile(r"^(?P<stem>[A-Z0-9]+(?:-[A-Z0-9]+)*)-(?P<role>SCHEMA|EXECUTOR|SPEC|PATTERN)-[0-9]+$")


def per_file_stem(doc_id: str) -> tuple[str, str] | None:
    """(stem, role) of a per-file id such as ``DOC-PAT-AGENTS-SCHEMA-022``; None otherwise
    (the stem must keep at least two groups: ``DOC-SCHEMA-001`` is an ordinary id)."""
    m = _PER_FILE.fullmatch(doc_id)
    if m is None or "-" not in m.group("stem"):
        return None
    return m.group("stem"), m.group("role")


def stem_of(doc_id: str) -> str:
    """``DOC-PAT-AGENTS-739`` -> ``DOC-PAT-AGENTS`` (the id without its trailing number)."""
    head, _, tail = doc_id.rpartition("-")
    return head if head and tail.isdigit() else doc_id
