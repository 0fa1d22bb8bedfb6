"""jsonschema's error messages without Python reprs.

jsonschema formats the failing instance and the keyword's value with ``%r``, so a
message about an object reads ``{'path': 'a'} is not of type 'string'``: a Python
dict, not the JSON the user wrote. ``readable`` swaps those reprs for compact JSON
and puts the JSON path first, so every message names a field path.
"""

from __future__ import annotations

import json
from typing import Any
import re

_MAX = 80


def short_json(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str, separators=(", ", ": "))
    return text if len(text) <= _MAX else text[:_MAX - 3] + "..."


def readable_message(error: Any) -> str:
    """``error.message`` with the instance and keyword value shown as JSON."""
    msg = error.message
    for value in (error.instance, error.validator_value):
        if isinstance(value, (dict, list, bool)) or value is None:
            try:
                msg = msg.replace(repr(value), short_json(value))
            except Exception:  # noqa: BLE001 - an odd repr: keep jsonschema's text
                pass
    return msg


def readable(error: Any) -> str:
    """``<json path>: <message>``."""
    return f"{error.json_path}: {readable_message(error)}"


def exception_text(exc: BaseException, limit: int = 160) -> str:
    """An exception's first line for a report, cut before any Python repr of a dict or
    list it quotes (``... within {'$ref': ...}``)."""

    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    text = re.sub(r"\s*(?:\b(?:within|in|for)\s+)?[{\[]['\"].*$", "", text)
    return text[:limit]
