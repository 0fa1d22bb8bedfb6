"""A tiny regex-to-string generator for JSON Schema ``pattern`` keywords.

Built on Python's own regex parser, reading the ECMA-262 pattern as
:mod:`patforge.validation.regexes` translates it; every string is then matched the way
validation matches it (bounded, ECMA-262 semantics). It covers
literals, classes (incl. negated ones and categories such as ``\\d``/``\\w``),
quantifiers, anchors, groups, back-references and alternation; lookarounds emit
nothing and the caller's validation filters what they reject. ``variant`` shifts
every choice, so several distinct strings come out of one pattern, deterministically.

Why not exrex/rstr/hypothesis ``from_regex``: see docs/design.md (determinism,
readable output, no new dependency for ~150 lines).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from patforge.validation.regexes import generator_syntax, matches_or_false

try:  # Python 3.11+
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser as _sre  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - older interpreters
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _sre  # type: ignore[no-redef]


class _Unsupported(Exception):
    pass


_DIGITS = "0123456789"
_LOWER = "abcdefghijklmnopqrstuvwxyz"
_UPPER = _LOWER.upper()
_POOL = _LOWER + _DIGITS + _UPPER + "-_./ "
_CATEGORY_CHARS: dict[Any, str] = {
    _c.CATEGORY_DIGIT: _DIGITS,
    _c.CATEGORY_NOT_DIGIT: _LOWER,
    _c.CATEGORY_WORD: _LOWER + _DIGITS + "_",
    _c.CATEGORY_NOT_WORD: "-./ ",
    _c.CATEGORY_SPACE: " ",
    _c.CATEGORY_NOT_SPACE: _LOWER + _DIGITS,
}
_REPEAT_OPS = {_c.MAX_REPEAT, _c.MIN_REPEAT} | (
    {_c.POSSESSIVE_REPEAT} if hasattr(_c, "POSSESSIVE_REPEAT") else set())


def regex_strings(pattern: str, variants: int = 6) -> list[str]:
    """A few distinct strings that ``pattern`` (ECMA-262) should accept.

    Covers literals, classes, quantifiers, anchors, groups, back-references and
    alternation; lookarounds are ignored. Results are checked by the caller."""
    return list(_regex_strings(pattern, variants))


@lru_cache(maxsize=2048)
def _regex_strings(pattern: str, variants: int) -> tuple[str, ...]:
    """:func:`regex_strings`, remembered: one schema uses the same pattern in many places."""
    spelled = generator_syntax(pattern)  # ECMA-262 read into Python's syntax
    if spelled is None:
        return ()
    try:
        parsed = _sre.parse(spelled)
    except (re.error, RecursionError, OverflowError):
        return ()
    out = []
    for v in range(variants):
        try:
            out.append(_Emitter(v).emit(parsed))
        except (_Unsupported, RecursionError):
            continue
    return tuple(s for s in dict.fromkeys(out) if _matches(pattern, s))


def _matches(pattern: str, s: str) -> bool:
    return matches_or_false(pattern, s)  # bounded, as validation reads it


class _Emitter:
    """Emits one string for a parsed regex; ``variant`` shifts every choice."""

    _COUNTS = (0, 1, 2, 4, 8, 3)

    def __init__(self, variant: int) -> None:
        self.v = variant
        self.pos = 0
        self.groups: dict[int, str] = {}

    def _char(self, pool: str) -> str:
        ch = pool[(self.v + self.pos) % len(pool)]
        self.pos += 1
        return ch

    def emit(self, seq: Any) -> str:
        return "".join(self._one(op, av) for op, av in seq)

    def _one(self, op: Any, av: Any) -> str:
        if op is _c.LITERAL:
            return chr(av)
        if op is _c.NOT_LITERAL:
            return self._char("".join(ch for ch in _POOL if ord(ch) != av))
        if op is _c.ANY:
            return self._char(_LOWER)
        if op is _c.IN:
            return self._class(av)
        if op is _c.BRANCH:
            branches = av[1]
            return self.emit(branches[self.v % len(branches)])
        if op is _c.SUBPATTERN:
            group, p = av[0], av[-1]
            s = self.emit(p)
            if group is not None:
                self.groups[group] = s
            return s
        if op in _REPEAT_OPS:
            lo, hi, p = av
            hi = 30 if hi == _c.MAXREPEAT else hi
            count = min(max(lo, lo + self._COUNTS[self.v % len(self._COUNTS)]), hi)
            if self.v == 0 and lo == 0:
                count = 0
            return "".join(self.emit(p) for _ in range(count))
        if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
            return ""
        if op is _c.CATEGORY:
            return self._char(_CATEGORY_CHARS.get(av, _LOWER))
        if op is _c.GROUPREF:
            return self.groups.get(av, "")
        raise _Unsupported(str(op))

    def _class(self, items: list[Any]) -> str:
        negate = bool(items) and items[0][0] is _c.NEGATE
        body = items[1:] if negate else items
        if negate:
            pool = "".join(ch for ch in _POOL if not _in_class(ch, body))
        else:
            pool = ""
            for op, av in body:
                if op is _c.LITERAL:
                    pool += chr(av)
                elif op is _c.RANGE:
                    pool += "".join(chr(x) for x in range(av[0], min(av[1], av[0] + 25) + 1))
                elif op is _c.CATEGORY:
                    pool += _CATEGORY_CHARS.get(av, "")
        if not pool:
            raise _Unsupported("empty class")
        return self._char(pool)


def _in_class(ch: str, body: list[Any]) -> bool:
    o = ord(ch)
    for op, av in body:
        if op is _c.LITERAL and av == o:
            return True
        if op is _c.RANGE and av[0] <= o <= av[1]:
            return True
        if op is _c.CATEGORY:
            chars = _CATEGORY_CHARS.get(av)
            if chars is not None and ch in chars:
                return True
            if av is _c.CATEGORY_NOT_WORD and not (ch.isalnum() or ch == "_"):
                return True
            if av is _c.CATEGORY_NOT_DIGIT and not ch.isdigit():
                return True
            if av is _c.CATEGORY_NOT_SPACE and not ch.isspace():
                return True
    return False


__all__ = ["regex_strings"]
