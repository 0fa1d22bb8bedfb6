"""Shape checks for state files: what a damaged or forged file must not get past.

State (the manifest, the failed-units list, the compile cache, journals) lives in the
state folder, outside git, but it is still input: a disk error, a kill mid-write, a
newer or older patforge, or a person can leave anything there. Each reader checks the
whole shape before anything is used, so a damaged file costs a full run (a cache
miss) or a clear refusal, never a traceback or a wrong answer. Every path a state
file names must be a normalised repository-relative path (no absolute path, no
``..``, no drive): a forged entry naming ``/dev/zero`` is refused here, before a file
system call.
"""

from __future__ import annotations

import hashlib
import math
from typing import Any

from patforge.repository.paths import PathProblem, is_normal_internal_path, normalize_repo_path
from patforge.validation.messages import shown


class BadShape(ValueError):
    """The state file is not what patforge writes; ``str()`` says where."""


def rel_path(value: Any, where: str) -> str:
    """``value`` as a normalised repository-relative path, else :class:`BadShape`."""
    if not isinstance(value, str) or not value:
        raise BadShape(f"{where}: not a path")
    if is_normal_internal_path(value):  # the common case, without the full check's cost
        return value
    try:
        norm = normalize_repo_path(value, internal=True)
    except PathProblem as exc:
        raise BadShape(f"{where}: {exc}") from None
    if norm != value:
        raise BadShape(f"{where}: {shown(value)} is not a normalised repository path")
    return value


def text(value: Any, where: str, *, optional: bool = False) -> Any:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise BadShape(f"{where}: not text")
    return value


def whole(value: Any, where: str, *, optional: bool = False) -> Any:
    """An int (not a bool, not a float such as 1e400, which JSON reads as inf)."""
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadShape(f"{where}: not a whole number")
    return value


def finite(value: Any, where: str) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or \
            (isinstance(value, float) and not math.isfinite(value)):
        raise BadShape(f"{where}: not a finite number")
    return value


def mapping(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BadShape(f"{where}: not an object")
    return value


def listing(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise BadShape(f"{where}: not a list")
    return value


def text_list(value: Any, where: str) -> list[str]:
    return [text(v, f"{where}[{i}]") for i, v in enumerate(listing(value, where))]


def hex_digest(value: Any, where: str, *, optional: bool = False) -> Any:
    if value is None and optional:
        return None
    if not isinstance(value, str) or len(value) != 64 or value.strip("0123456789abcdef"):
        raise BadShape(f"{where}: not a SHA-256 digest")
    return value


def sealed(body: bytes) -> bytes:
    """``body`` followed by a line with its SHA-256: a file whose last line does not
    match its body was damaged or edited after patforge wrote it."""
    return body + b"\n" + hashlib.sha256(body).hexdigest().encode("ascii") + b"\n"


def unseal(data: bytes) -> bytes:
    """The body of a :func:`sealed` file; :class:`BadShape` when the seal is missing or wrong."""
    body, _, tail = data.rstrip(b"\n").rpartition(b"\n")
    if not body or hashlib.sha256(body).hexdigest().encode("ascii") != tail:
        raise BadShape("the seal does not match the body")
    return body


__all__ = ["BadShape", "finite", "hex_digest", "listing", "mapping", "rel_path", "sealed", "text", "unseal",
           "text_list", "whole"]
