"""Every regular expression that comes from a repository, compiled and run with a bound.

A repository is untrusted input (issue 21): a JSON Schema ``pattern`` such as
``(x+x+)+y`` makes a backtracking engine (Python's ``re``) run for hours on a
40-character value. So no repository regex is run by ``re``:

* the pattern is read as **ECMA-262**, the syntax JSON Schema draft-07 specifies
  (named groups ``(?<name>...)``, ``\\k<name>``, ``\\d``/``\\w``/``\\b`` over ASCII,
  ``\\s`` over Unicode white space, ``.`` not matching line terminators, ``$`` only
  at the very end, ``\\uXXXX`` escapes) and translated to the engines' syntax;
* it runs on **RE2** (``google-re2``: linear time in the value's length, no
  backtracking) whenever the pattern fits it: everything but back-references and
  lookarounds;
* otherwise on the ``regex`` module with a **timeout** (:data:`TIMEOUT` seconds per
  match). A pattern that runs past it once is marked and not run again in this
  process: every later match of it fails at once with the same message, so the work
  a repository can cause is bounded by one timeout per distinct pattern.

Callers get :class:`Regex` objects (cached by source): ``search`` raises
:class:`~patforge.errors.RegexError` (invalid pattern, or past the bound) and the
message names the pattern; the caller adds the file. The jsonschema keywords that
run patterns (``pattern``, ``patternProperties``, ``additionalProperties``, the
``regex`` format) are replaced in :mod:`patforge.validation.bounded_schema`.

``syntax="python"`` is for the few patterns a repository writes in Python's own
syntax (``name_pattern`` in ``patforge.toml``): no translation, the same bound.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from patforge.errors import RegexError


@functools.lru_cache(maxsize=1)
def _engines() -> tuple[Any, Any, Any]:
    """(regex module, re2 module or None, RE2 options): imported on first use, so that
    commands that never compile a repository regex (render's no-op) do not pay for it."""
    # why: start-up time: loaded only when this function runs, not when the module is imported
    import regex

    try:  # linear-time engine; without a wheel everything runs on ``regex`` with its timeout
        # why: start-up time: loaded only when this function runs, not when the module is imported
        import re2
    except ImportError:  # pragma: no cover - google-re2 ships wheels for every supported platform
        return regex, None, None
    options = re2.Options()
    options.log_errors = False  # RE2 prints every parse error to stderr otherwise
    return regex, re2, options

#: Seconds one match may take on the backtracking engine (only patterns RE2 cannot run).
TIMEOUT = 1.0
#: Longest pattern read (a longer one is refused as too long, not compiled).
MAX_PATTERN = 10_000

_MAX = 0x10FFFF
_DIGIT = ((0x30, 0x39),)
_WORD = ((0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A))
# ECMA-262 WhiteSpace and LineTerminator code points
_SPACE = ((0x09, 0x0D), (0x20, 0x20), (0xA0, 0xA0), (0x1680, 0x1680), (0x2000, 0x200A),
          (0x2028, 0x2029), (0x202F, 0x202F), (0x205F, 0x205F), (0x3000, 0x3000), (0xFEFF, 0xFEFF))
_LINE_END = ((0x0A, 0x0A), (0x0D, 0x0D), (0x2028, 0x2029))
_QUANT = re.compile(r"\{\d+(?:,\d*)?\}")
_HEX2 = re.compile(r"[0-9A-Fa-f]{2}")
_HEX4 = re.compile(r"[0-9A-Fa-f]{4}")
_BRACED = re.compile(r"\{([0-9A-Fa-f]{1,6})\}")
_NAME = re.compile(r"<([A-Za-z_$][A-Za-z0-9_$]*)>")
_DIGITS = re.compile(r"\d+")
_PROPERTY = re.compile(r"\{[A-Za-z0-9_=]+\}")
_CLASS_ESCAPES = {"d": (_DIGIT, False), "D": (_DIGIT, True), "w": (_WORD, False),
                  "W": (_WORD, True), "s": (_SPACE, False), "S": (_SPACE, True)}


class _Invalid(Exception):
    def __init__(self, what: str, at: int) -> None:
        super().__init__(f"{what} at offset {at}")


class _NotRe2(Exception):
    """The construct has no RE2 spelling (back-reference, lone surrogate)."""


def _complement(ranges: tuple[tuple[int, int], ...]) -> list[tuple[int, int]]:
    out, lo = [], 0
    for a, b in ranges:
        if a > lo:
            out.append((lo, a - 1))
        lo = b + 1
    if lo <= _MAX:
        out.append((lo, _MAX))
    return out


def _cp(c: int, target: str) -> str:
    """One code point in the target's syntax (printable ASCII letters and digits as is)."""
    if c < 0x80 and chr(c).isalnum():
        return chr(c)
    if target == "re2":
        return "\\x{%x}" % c
    return "\\x%02x" % c if c < 0x100 else "\\u%04x" % c if c < 0x10000 else "\\U%08x" % c


def _ranges(ranges: Any, target: str) -> str:
    return "".join(_cp(a, target) if a == b else f"{_cp(a, target)}-{_cp(b, target)}"
                   for a, b in ranges)


def _translate(p: str, target: str) -> str:
    """``p`` (ECMA-262) in ``target`` syntax: ``python`` (the ``regex`` module, exact),
    ``re2`` (exact; raises :class:`_NotRe2`) or ``gen`` (Python's parser, for the example
    generator: ``\\d``/``\\w``/``.`` kept as categories, the matching is done exactly)."""
    out: list[str] = []
    i, n, in_class = 0, len(p), False
    while i < n:
        c = p[i]
        if c == "\\":
            i, text = _escape(p, i, target, in_class)
            out.append(text)
            continue
        i += 1
        if in_class:
            if c == "]":
                in_class = False
                out.append("]")
            else:  # '[', '&', '~', '|' open Python's future set operations: always literal here
                out.append("\\" + c if c in "[&~|" else c)
            continue
        if c == "[":
            if p.startswith("]", i):  # ECMA: [] matches nothing
                out.append("(?!)" if target != "re2" else _raise_not_re2())
                i += 1
            elif p.startswith("^]", i):  # ECMA: [^] matches any character
                out.append("(?s:.)")
                i += 2
            else:
                in_class = True
                out.append("[")
                if p.startswith("^", i):
                    out.append("^")
                    i += 1
        elif c == "(":
            if p.startswith("?<", i) and not p.startswith(("?<=", "?<!"), i):
                out.append("(?P<")
                i += 2
            else:
                out.append("(")
        elif c == "{":
            m = _QUANT.match(p, i - 1)
            if m:  # a quantifier; anything else is a literal brace in ECMA (Python reads {,5})
                out.append(m.group())
                i = m.end()
            else:
                out.append("\\{")
        elif c == "}":
            out.append("\\}")
        elif c == "." and target != "gen":
            out.append(f"[^{_ranges(_LINE_END, target)}]")
        elif c == "$" and target == "python":
            out.append("\\Z")  # Python's $ also matches before a final newline; ECMA's does not
        else:
            out.append(c)
    if in_class:
        raise _Invalid("a character class '[' that is never closed", n)
    return "".join(out)


def _raise_not_re2() -> str:
    raise _NotRe2()


def _escape(p: str, i: int, target: str, in_class: bool) -> tuple[int, str]:
    """(index after the escape at ``i``, its spelling in ``target``)."""
    if i + 1 >= len(p):
        raise _Invalid("a backslash at the end of the pattern", i)
    e, j = p[i + 1], i + 2
    if e in _CLASS_ESCAPES:
        if target == "gen":
            return j, "\\" + e
        ranges, negate = _CLASS_ESCAPES[e]
        body = _ranges(_complement(ranges) if negate else ranges, target)
        return j, body if in_class else f"[{body}]"
    if e in "bB":
        if in_class:
            if e == "B":
                raise _Invalid("\\B inside a character class", i)
            return j, _cp(8, target)  # [\b] is a backspace
        return j, f"(?a:\\{e})" if target == "python" else "\\" + e  # ASCII word boundary
    if e in "fnrtv":
        return j, "\\" + e
    if e == "0" and not p[j:j + 1].isdigit():
        return j, _cp(0, target)
    if e.isdigit():
        if in_class:
            raise _Invalid(f"the back-reference \\{e} inside a character class", i)
        m = _DIGITS.match(p, i + 1)
        assert m is not None
        if target == "re2":
            raise _NotRe2()
        return m.end(), f"(?:\\{m.group()})"
    if e == "c" and j < len(p) and p[j].isascii() and p[j].isalpha():
        return j + 1, _cp(ord(p[j]) % 32, target)
    if e == "x":
        m = _HEX2.match(p, j)
        if not m:
            raise _Invalid("\\x without two hex digits", i)
        return m.end(), _cp(int(m.group(), 16), target)
    if e == "u":
        return _unicode(p, i, target)
    if e == "k":
        m = _NAME.match(p, j)
        if not m or in_class:
            raise _Invalid("\\k without a <name>", i)
        if target == "re2":
            raise _NotRe2()
        return m.end(), f"(?P={m.group(1)})"
    if e in "pP":
        m = _PROPERTY.match(p, j)
        if not m:
            raise _Invalid(f"\\{e} without a {{property}}", i)
        return m.end(), "\\" + e + m.group()
    if e.isalnum() or e == "_":
        raise _Invalid(f"\\{e} is not an ECMA-262 escape", i)
    return j, _literal(e, target)


def _unicode(p: str, i: int, target: str) -> tuple[int, str]:
    j = i + 2
    m = _BRACED.match(p, j)
    if m:
        c, end = int(m.group(1), 16), m.end()
        if c > _MAX:
            raise _Invalid("\\u{...} beyond U+10FFFF", i)
    else:
        m = _HEX4.match(p, j)
        if not m:
            raise _Invalid("\\u without four hex digits", i)
        c, end = int(m.group(), 16), m.end()
        if 0xD800 <= c < 0xDC00 and p.startswith("\\u", end) and _HEX4.match(p, end + 2):
            low = int(p[end + 2:end + 6], 16)
            if 0xDC00 <= low < 0xE000:  # a surrogate pair spells one code point
                c, end = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00), end + 6
    if 0xD800 <= c < 0xE000 and target == "re2":
        raise _NotRe2()
    return end, _cp(c, target)


def _literal(ch: str, target: str) -> str:
    if ch.isascii() and not ch.isalnum() and ch not in " \t":
        return "\\" + ch
    return ch if target == "re2" else re.escape(ch)


def _describe(pattern: str) -> str:
    """The pattern as messages show it: quoted, control characters escaped, cut short."""
    shown = pattern if len(pattern) <= 120 else pattern[:117] + "..."
    return "'" + "".join(ch if ch.isprintable() else ch.encode("unicode_escape", "backslashreplace")
                         .decode("ascii") for ch in shown) + "'"


@dataclass
class Regex:
    """One compiled repository regex; ``search`` is bounded (see the module docstring)."""

    source: str
    engine: str  # "re2" (linear) or "regex" (backtracking, with a timeout)
    _re2: Any = field(repr=False, default=None)
    _bt: Any = field(repr=False, default=None)
    _over: str | None = field(repr=False, default=None)

    @property
    def linear(self) -> bool:
        return self.engine == "re2"

    def search(self, text: str) -> bool:
        return self._run(text, full=False)

    def fullmatch(self, text: str) -> bool:
        return self._run(text, full=True)

    def _run(self, text: str, *, full: bool) -> bool:
        if self._over is not None:
            raise RegexError(self._over)
        if self._re2 is not None:
            try:
                hit = (self._re2.fullmatch if full else self._re2.search)(text)
                return hit is not None
            except UnicodeEncodeError:  # a lone surrogate in the value: RE2 takes UTF-8 only
                pass
        try:
            hit = (self._bt.fullmatch if full else self._bt.search)(text, timeout=TIMEOUT)
        except TimeoutError:
            self._over = (f"the regular expression {_describe(self.source)} ran past its {TIMEOUT:g} s "
                          f"bound (on a {len(text)}-character value): it backtracks catastrophically; "
                          "rewrite it without nested repetition or back-references")
            raise RegexError(self._over) from None
        return hit is not None


def _compile(source: str, syntax: str) -> Regex:
    if not isinstance(source, str):
        raise RegexError(f"a regular expression must be text, found {type(source).__name__}")
    if len(source) > MAX_PATTERN:
        raise RegexError(f"the regular expression {_describe(source)} is {len(source)} characters "
                         f"long (at most {MAX_PATTERN})")
    _regex, _re2, options = _engines()
    try:
        exact = _translate(source, "python") if syntax == "ecma" else source
        bt = _regex.compile(exact)
    except _Invalid as exc:
        raise RegexError(f"{_describe(source)} is not a valid regular expression (ECMA-262): {exc}") from None
    except (_regex.error, OverflowError, RecursionError, MemoryError, ValueError) as exc:
        what = " (ECMA-262)" if syntax == "ecma" else ""
        raise RegexError(f"{_describe(source)} is not a valid regular expression{what}: {exc}") from None
    linear = None
    if _re2 is not None:
        try:
            spelled = _translate(source, "re2") if syntax == "ecma" else source
            linear = _re2.compile(spelled, options)
        except Exception:  # noqa: BLE001 - anything RE2 cannot read runs on the bounded engine
            linear = None
    return Regex(source, "re2" if linear is not None else "regex", linear, bt)


@functools.lru_cache(maxsize=4096)
def compile_regex(source: str, syntax: str = "ecma") -> Regex:
    """The bounded :class:`Regex` for ``source``; :class:`RegexError` when it is not valid."""
    return _compile(source, syntax)


def regex_problem(source: Any) -> str | None:
    """Why ``source`` is not a valid ECMA-262 regular expression, or None."""
    try:
        compile_regex(source)
    except RegexError as exc:
        return exc.message
    except TypeError:  # unhashable: not text
        return "a regular expression must be text"
    return None


def generator_syntax(source: str) -> str | None:
    """``source`` spelled for Python's regex parser, categories kept (the example
    generator reads its structure; matching is still done by :func:`compile_regex`)."""
    try:
        return _translate(source, "gen")
    except (_Invalid, _NotRe2):
        return None


def search(source: str, text: str) -> bool:
    """Whether ``source`` (ECMA-262) matches somewhere in ``text``; RegexError when
    the pattern is invalid or runs past its bound."""
    return compile_regex(source).search(text)


def matches_or_false(source: Any, text: str) -> bool:
    """:func:`search`, with an invalid or runaway pattern matching nothing (for the
    generator, which validates every value it proposes anyway)."""
    try:
        return compile_regex(source).search(text)
    except (RegexError, TypeError):
        return False


__all__ = ["MAX_PATTERN", "TIMEOUT", "Regex", "compile_regex", "generator_syntax",
           "matches_or_false", "regex_problem", "search"]
