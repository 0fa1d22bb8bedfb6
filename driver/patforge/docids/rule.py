"""The doc_id system (ID-SYSTEM-SPEC-V1): format, derivation, and the instance pattern."""

from __future__ import annotations

import re

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


def derive_doc_id(pattern_id: str, rule: str = "DOC-<REST>") -> str:
    """``PAT-ATOMIC-CREATE-001`` -> ``DOC-ATOMIC-CREATE-001`` under the default rule.

    ``<REST>`` is the pattern_id without its leading ``PAT-`` (the whole id if it has
    none); ``<PATTERN_ID>`` is the whole pattern_id.
    """
    rest = pattern_id[4:] if pattern_id.startswith("PAT-") else pattern_id
    return rule.replace("<REST>", rest).replace("<PATTERN_ID>", pattern_id)


def doc_id_instance_pattern(rule: str = "DOC-<REST>") -> str:
    """The JSON Schema ``pattern`` that instances' doc_id must match under ``rule``."""
    prefix = rule.split("<", 1)[0]
    return "^" + re.escape(prefix) + "[A-Z0-9-]+$"
