"""Every value that reaches a report is escaped for that report's format.

Names, paths, messages and doc_ids come from the repository, and a repository is
untrusted: a committed file named ``x\\n::error file=README.md::...`` printed raw is
a GitHub Actions workflow command, an ESC sequence sets the terminal's title, a
``\\x01`` or U+FFFF makes a JUnit report ill-formed XML, and a lone surrogate
(``"\\ud800"`` in JSON) cannot be encoded at all. So:

* text (terminal, logs): :func:`visible` shows every control character escaped
  (``\\n``, ``\\x1b``, ``\\uffff``, ``\\ud800``), newline included, so one value is
  one line; tab stays (it is only space);
* XML and HTML: :func:`markup_safe` escapes what XML 1.0 forbids (and the other
  control characters), after the library has escaped ``<&"``;
* JSON and SARIF: ``json.dumps`` escapes control characters; lone surrogates are
  written as ``\\udXXXX`` escapes (:data:`ENCODE_ERRORS` when encoding, which gives
  exactly JSON's escape);
* GitHub workflow commands: :func:`visible` on each value, then the toolkit's own
  escaping (``check/reporters/github.py``).
"""

from __future__ import annotations

import re

#: How reports are encoded: a lone surrogate becomes ``\\udXXXX`` (valid JSON, readable
#: text), never a UnicodeEncodeError.
ENCODE_ERRORS = "backslashreplace"

# C0 and C1 controls, DEL, the line/paragraph separators, bidirectional overrides
# (which reorder what a reader sees), noncharacters U+FFFE/U+FFFF and lone surrogates.
_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                     "\ufeff\ufffe\uffff\ud800-\udfff]")
# The same, keeping the whitespace XML and HTML allow (tab, newline, carriage return).
_UNSAFE_MARKUP = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                            "\ufffe\uffff\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\x1b": "\\x1b"}


def _escape(m: re.Match[str]) -> str:
    ch = m.group()
    named = _NAMED.get(ch)
    if named:
        return named
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(value: object) -> str:
    """``value`` as text with every control character shown escaped (one line)."""
    text = value if isinstance(value, str) else str(value)
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text


def visible_or_none(value: str | None) -> str | None:
    return None if value is None else visible(value)


def markup_safe(document: str) -> str:
    """A serialised XML or HTML document with the characters XML 1.0 forbids (and the
    other control characters) escaped as text. They can only be in values: the
    markup itself is patforge's and plain ASCII."""
    return _UNSAFE_MARKUP.sub(_escape, document) if _UNSAFE_MARKUP.search(document) else document


def safe_bytes(text: str) -> bytes:
    """UTF-8 for a report written to a file (lone surrogates as ``\\udXXXX``)."""
    return text.encode("utf-8", ENCODE_ERRORS)
