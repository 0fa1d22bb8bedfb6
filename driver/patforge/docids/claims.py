"""A doc_id a file already claims: what each kind answers (``Kind.claims``) and render reuses.

The type and the small readers the kinds (and the registry's sidecar index) share live here, below ``kinds/`` and
``docids/existing.py``, so that both can use them without importing each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from patforge.repository.bounded import read_regular
from patforge.repository.paths import resolve_inside

_DOC_ID_HEADER = re.compile(r"^\s*(?:#|//|--|;|<#|/\*|\*|\"\"\"|''')?\s*DOC_ID:\s*(\S+?)\s*(?:#>|\*/)?\s*$")
_HEADER_LINES = 60
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_inside(repo: Path, rel: str) -> bytes:
    """A repository file through the reading layer (repository/bounded.py): ``ContentError``
    or ``PathProblem`` when it is not a regular file inside the repository of bounded size."""
    return read_regular(resolve_inside(repo, rel), rel)


@dataclass(frozen=True)
class IdClaim:
    source: str  # "registry entry", "spec", "schema sidecar", "schema", "doc_id_mapping.json", "executor header"
    path: str
    line: int | None
    doc_id: str

    def describe(self) -> str:
        loc = f"{self.path}:{self.line}" if self.line else self.path
        return f"{self.source} ({loc}) says {self.doc_id}"


def find_doc_id_header(text: str) -> tuple[str, int] | None:
    """``DOC_ID: X`` in a header comment of the first lines: (X, 1-based line)."""
    for i, line in enumerate(text.removeprefix("\ufeff").splitlines()[:_HEADER_LINES], start=1):
        m = _DOC_ID_HEADER.match(line)
        if m:
            return m.group(1), i
    return None


def json_key_line(text: str, key: str) -> int | None:
    """The 1-based line of the first ``"key":`` in JSON text."""
    m = re.search(r'"' + re.escape(key) + r'"\s*:', text)
    return text.count("\n", 0, m.start()) + 1 if m else None


@dataclass(frozen=True)
class SidecarFields:
    """What a schema sidecar (``<schema>.id.yaml``) says, as written."""

    doc_id: Any
    schema_path: Any
    doc_id_line: int | None  # 1-based line of its ``doc_id:`` key

    @classmethod
    def of(cls, data: dict[str, Any], doc_id_line: int | None = None) -> SidecarFields:
        """The fields of a sidecar already loaded as a mapping: the one place that
        knows which keys a sidecar has (check's positional reader uses it too)."""
        return cls(data.get("doc_id"), data.get("schema_path"), doc_id_line)


def sidecar_fields(text: str) -> SidecarFields | None:
    """A schema sidecar's doc_id and schema_path, read with the fast loader (no positions:
    a 1,000-pattern render reads every sidecar); None when it is not a YAML mapping.
    Check reads sidecars with positions for its findings (``kinds/schema.py``)."""
    try:
        data = yaml.load(text, Loader=_FAST_LOADER)
    except (yaml.YAMLError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    m = re.search(r"^doc_id\s*:", text, re.M)
    return SidecarFields.of(data, text.count("\n", 0, m.start()) + 1 if m else None)
