"""jsonschema's error messages without Python reprs.

jsonschema formats the failing instance and the keyword's value with ``%r``, so a
message about an object reads ``{'path': 'a'} is not of type 'string'``: a Python
dict, not the JSON the user wrote. ``readable`` swaps those reprs for compact JSON
and puts the JSON path first, so every message names a field path.
"""

from __future__ import annotations

import json
import re
from typing import Any
import re

_MAX = 80


def short_json(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str, separators=(", ", ": "))
    return text if len(text) <= _MAX else text[:_MAX - 3] + "..."


def shown(value: Any) -> str:
    """A value as a person reads it in a message: the JSON form (``"objekt"``, ``true``,
    ``null``, ``3``), never Python's repr (``'objekt'``, ``True``, ``None``)."""
    return short_json(value)


#: Python literals jsonschema's messages quote with %r: 'text', True, False, None.
_PY_STR = re.compile(r"'((?:[^'\\\n]|\\.)*)'")
_PY_WORD = re.compile(r"\b(True|False|None)\b")
_PY_WORDS = {"True": "true", "False": "false", "None": "null"}


def json_literals(text: str) -> str:
    """A jsonschema message with its Python literals written as JSON."""
    text = _PY_STR.sub(lambda m: json.dumps(m.group(1).replace("\\'", "'"), ensure_ascii=False), text)
    return _PY_WORD.sub(lambda m: _PY_WORDS[m.group(1)], text)


def readable_message(error: Any) -> str:
    """``error.message`` with the instance and keyword value shown as JSON."""
    msg = error.message
    for value in (error.instance, error.validator_value):
        if isinstance(value, (dict, list, bool)) or value is None:
            try:
                msg = msg.replace(repr(value), short_json(value))
            except Exception:  # noqa: BLE001 - an odd repr: keep jsonschema's text
                pass
    return json_literals(msg)


def json_error_text(exc: Any) -> str:
    """A ``json.JSONDecodeError`` as ``line L, column C: what`` (its str() adds a
    ``(char N)`` offset nobody counts)."""
    lineno, colno, msg = getattr(exc, "lineno", None), getattr(exc, "colno", None), getattr(exc, "msg", None)
    if lineno is None or msg is None:
        return exception_text(exc)
    return f"line {lineno}, column {colno}: {msg}"


def readable(error: Any) -> str:
    """``<json path>: <message>``."""
    return f"{error.json_path}: {readable_message(error)}"


def exception_text(exc: BaseException, limit: int = 160) -> str:
    """An exception's first line for a report, cut before any Python repr of a dict or
    list it quotes (``... within {'$ref': ...}``)."""

    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    text = re.sub(r"\s*(?:\b(?:within|in|for)\s+)?[{\[]['\"].*$", "", text)
    return text[:limit]
