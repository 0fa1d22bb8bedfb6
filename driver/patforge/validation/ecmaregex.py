"""ECMA-262 regular expressions (what draft-07 ``pattern`` means) read by Python's ``re``.

One function on purpose: the bounded ECMA-262 module (``regexes.py``) replaces it when
the two branches meet. It translates only the spellings that differ between the two
dialects and that real schemas use; everything else is passed through unchanged.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=4096)
def ecma_to_python(pattern: str) -> str:
    """``pattern`` in Python ``re`` syntax: named groups ``(?<name>...)`` become
    ``(?P<name>...)`` and named back-references ``\\k<name>`` become ``(?P=name)``.
    Lookbehinds ``(?<=``/``(?<!``, escapes and character classes are left alone."""
    if "(?<" not in pattern and "\\k<" not in pattern:
        return pattern  # the common case: nothing to translate
    out: list[str] = []
    i, n, in_class = 0, len(pattern), False
    while i < n:
        ch = pattern[i]
        if ch == "\\" and i + 1 < n:
            end = pattern.find(">", i + 3) if pattern.startswith("\\k<", i) and not in_class else -1
            if end != -1:
                out.append(f"(?P={pattern[i + 3:end]})")
                i = end + 1
            else:
                out.append(pattern[i:i + 2])
                i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif pattern.startswith("(?<", i) and pattern[i + 3:i + 4] not in ("=", "!"):
            out.append("(?P<")
            i += 3
            continue
        out.append(ch)
        i += 1
    return "".join(out)
