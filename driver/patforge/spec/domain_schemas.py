"""The repository-level ("domain") schemas patforge ships: what a spec file, an
instance and an executor's result look like, independent of any one pattern.

They live as plain JSON in ``patforge/data/schema/`` so that they can be copied
into a user's repository unchanged and read by non-Python tools (the
PowerShell executors validate against them too). Loading goes through
``importlib.resources`` so it works from a wheel or a zip as well as a checkout.
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from importlib import resources
from typing import Any

from patforge.validation.messages import shown

DOMAIN_SCHEMA_FILES: tuple[str, ...] = (
    "pattern_spec.v1.json",
    "pattern_instance.v1.json",
    "pattern_execution_result.v1.json",
)


def _check_name(filename: str) -> None:
    if filename not in DOMAIN_SCHEMA_FILES:
        raise ValueError(f"unknown domain schema {shown(filename)}; expected one of "
                         f"{', '.join(DOMAIN_SCHEMA_FILES)}")


@lru_cache(maxsize=None)
def domain_schema_text(filename: str) -> str:
    """The schema file's exact text (for copying it into a repository byte for byte)."""
    _check_name(filename)
    return (resources.files("patforge") / "data" / "schema" / filename).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def _parsed(filename: str) -> dict[str, Any]:
    return json.loads(domain_schema_text(filename))


def load_domain_schema(filename: str) -> dict[str, Any]:
    """The parsed schema. Parsing is cached; each call returns a fresh copy so a
    caller that mutates it cannot corrupt the cache."""
    return copy.deepcopy(_parsed(filename))
