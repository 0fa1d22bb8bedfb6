"""Candidate values for leaf schemas (strings, numbers, booleans, null).

Values read like the field they fill: a ``*_path`` gets a path, an ``email`` an
address, anything else ``example-<field>`` / ``test-<field>`` in a few spellings
(so common ``pattern`` constraints accept one of them). Each function returns
candidates in preference order; the walker validates them, nothing here has to
be exact.
"""

from __future__ import annotations

import math
from typing import Any

from patforge.examplegen.regexgen import regex_strings


def count(value: Any) -> int | None:
    """A length bound as an int (draft-07 allows 2.0 for 2); None when absent or odd."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float) and not value.is_integer():
        return None
    return max(int(value), 0) if value < 10**6 else 10**6


def synthesise(kind: str, schema: dict[str, Any], name: str,
               index: int) -> tuple[list[Any], list[Any]]:
    """(candidates in preference order, candidates that read as test data)."""
    if kind == "string":
        return _strings(schema, name, index)
    if kind == "integer":
        return _numbers(schema, integer=True), []
    if kind == "number":
        return _numbers(schema, integer=False), []
    if kind == "boolean":
        return [False, True], []
    if kind == "null":
        return [None], []
    return ["example-" + name], ["test-" + name]


_DIR_WORDS = {"dir", "directory", "folder", "root", "workspace"}
_DIR_OWNERS = {"repository", "repo", "project", "worktree", "workspace", "package", "working"}
_FILE_WORDS = {"path", "paths", "file", "files", "filename"}
_TEXT_WORDS = {"message", "description", "summary", "reason", "title", "comment"}


def _realistic(name: str, n: str) -> tuple[str, str] | None:
    """(full, test) spellings that read like real data, chosen by the field name's words."""
    words = name.lower().split("_")
    last = words[-1]
    if last in _DIR_WORDS or (last in ("path", "directory") and set(words) & _DIR_OWNERS):
        return f"projects/example{n}", f"projects/test-example{n}"
    if last in _FILE_WORDS or words[0] in ("file", "files"):
        return f"src/example{n}.txt", f"tests/data/test_example{n}.txt"
    if last in ("url", "uri", "endpoint"):
        return f"https://example.com/{n}", f"https://test.example.com/{n}"
    if last == "email":
        return f"dev{n}@example.com", f"test{n}@example.com"
    if last == "branch":
        return f"feature/example{n}", f"test/example-branch{n}"
    if last in _TEXT_WORDS:
        label = name.replace("_", " ")
        return f"Example {label}{n}", f"Test {label}{n}"
    return None


_GENERIC = ("example", "example_value", "example-value", "Example", "EXAMPLE", "src/example.py",
            "example.txt", "1.0.0", "v1.0.0", "main", "feature/example", "https://example.com",
            "dev@example.com", "2024-01-01", "abc123", "a", "A", "0", "1", "x")

_FORMATS: dict[str, tuple[str, ...]] = {
    "date": ("2024-01-01", "2024-06-30"),
    "date-time": ("2024-01-01T00:00:00Z", "2024-06-30T12:30:00Z"),
    "time": ("12:00:00Z", "08:30:00Z"),
    "email": ("dev@example.com", "test@example.com"),
    "idn-email": ("dev@example.com", "test@example.com"),
    "ipv4": ("192.0.2.1", "198.51.100.7"),
    "ipv6": ("2001:db8::1", "2001:db8::2"),
    "hostname": ("example.com", "test.example.com"),
    "idn-hostname": ("example.com", "test.example.com"),
    "uri": ("https://example.com/", "https://test.example.com/"),
    "uri-reference": ("https://example.com/", "docs/test"),
    "iri": ("https://example.com/", "https://test.example.com/"),
    "iri-reference": ("https://example.com/", "docs/test"),
    "uri-template": ("https://example.com/{id}", "https://test.example.com/{name}"),
    "regex": ("^example$", "^test-[a-z]+$"),
    "json-pointer": ("/example", "/test/0"),
    "relative-json-pointer": ("0", "1/test"),
    "uuid": ("00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002"),
}


def _strings(schema: dict[str, Any], name: str, index: int) -> tuple[list[str], list[str]]:
    dash = "" if index == 0 else f"-{index + 1}"
    under = "" if index == 0 else f"_{index + 1}"
    slug = name.replace("_", "-")
    # Spelling variants so that common patterns (\w-only, kebab-case) accept one of them.
    plain = [f"example-{name}{dash}", f"test-{name}{dash}",
             f"example_{name}{under}", f"test_{name}{under}",
             f"example-{slug}{dash}", f"test-{slug}{dash}"]
    real = _realistic(name, dash)
    bases = (list(real) if real else []) + plain
    tests = ([real[1]] if real else []) + plain[1::2]
    fmt = schema.get("format")
    if isinstance(fmt, str) and fmt in _FORMATS:
        bases = list(_FORMATS[fmt]) + bases
        tests = [_FORMATS[fmt][1]] + tests
    pattern = schema.get("pattern")
    if isinstance(pattern, str):
        bases += regex_strings(pattern) + list(_GENERIC)
    lo = count(schema.get("minLength")) or 0
    hi = count(schema.get("maxLength"))
    return ([f for s in bases for f in _fit(s, lo, hi)],
            [f for s in tests for f in _fit(s, lo, hi)])


def _fit(s: str, lo: int, hi: int | None) -> list[str]:
    """``s`` itself, or padded / cut to the length bounds (several tries)."""
    if len(s) >= lo and (hi is None or len(s) <= hi):
        return [s]
    if hi is not None and len(s) > hi:
        return [s[:hi], s[len(s) - hi:]]
    k = lo - len(s)
    out = [s + "x" * k]
    if s:
        out += [s + s[-1] * k, s[0] * k + s, (s * (lo // len(s) + 1))[:lo]]
    return out


def _numbers(schema: dict[str, Any], *, integer: bool) -> list[Any]:
    lo = schema.get("minimum")
    hi = schema.get("maximum")
    xlo = schema.get("exclusiveMinimum")
    xhi = schema.get("exclusiveMaximum")
    step = 1 if integer else 0.5
    if isinstance(xlo, (int, float)) and not isinstance(xlo, bool):
        cand = math.floor(xlo) + 1 if integer else xlo + step
        lo = cand if lo is None else max(lo, cand)
    if isinstance(xhi, (int, float)) and not isinstance(xhi, bool):
        cand = math.ceil(xhi) - 1 if integer else xhi - step
        hi = cand if hi is None else min(hi, cand)
    if integer:
        lo = None if lo is None else math.ceil(lo)
        hi = None if hi is None else math.floor(hi)
    bases: list[Any] = [1, 2, 10, 0, 42] if integer else [1.5, 2.5, 10.0, 0.5, 0.0]

    def clamp(x: Any) -> Any:
        if lo is not None and x < lo:
            x = lo
        if hi is not None and x > hi:
            x = hi
        return x

    cands = [clamp(b) for b in bases]
    if lo is not None:
        cands += [lo, lo + step]
    if hi is not None:
        cands += [hi, hi - step]
    if lo is not None and hi is not None:
        mid = (lo + hi) / 2
        cands.append(math.floor(mid) if integer else mid)
    mult = schema.get("multipleOf")
    if isinstance(mult, (int, float)) and not isinstance(mult, bool) and mult > 0:
        extra = []
        for c in cands:
            m = math.ceil(c / mult) * mult
            extra.append(int(m) if integer or float(m).is_integer() and isinstance(mult, int) else m)
        cands = extra + cands
    if integer:
        cands = [int(c) for c in cands]
    return cands
