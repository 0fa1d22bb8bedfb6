"""Bounded reads: the primitives under the one reading layer (:mod:`patforge.repository.files`).

A repository is untrusted input (issue 21). Every repository or state file patforge
reads comes through :func:`read_regular` (a regular file, at most
:data:`MAX_FILE_BYTES`; a device such as ``/dev/zero``, a FIFO or a socket is refused
before a byte is read) and, for JSON, :func:`parse_json` (strict UTF-8, nesting at
most :data:`MAX_NESTING` deep, no lone surrogate). Each failure is a
:class:`ContentError` whose message names the file. Kept apart from ``repofiles``
so that the YAML reader and the state files below it can use it without a cycle.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import Any

from patforge.errors import RepositoryError

#: Largest repository or state file read (a registry of 10,000 patterns is ~3 MB).
MAX_FILE_BYTES = 16 * 1024 * 1024
#: Deepest JSON nesting read (real schemas nest ~25 levels; the validators and the
#: generator recurse once or more per level, Python allows ~1,000 frames).
MAX_NESTING = 128


class ContentError(RepositoryError):
    """A file cannot be read as patforge needs it: not a regular file, too large,
    nested too deep, not UTF-8 or not JSON. The message names the file (and line)."""


_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)  # unrolled: no alternation per byte
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def read_regular(path: Path, shown: str, *, max_bytes: int = MAX_FILE_BYTES, head: int | None = None) -> bytes:
    """The bytes of ``path`` (``shown`` in messages), which must be a regular file of at
    most ``max_bytes``: a device (``/dev/zero``), FIFO or socket is refused before a
    byte is read (opened non-blocking, checked on the open descriptor), and a file
    that grows past the bound while read is refused too. ``head``: only that many
    first bytes are read (a header), the size is not bounded."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise ContentError(f"{shown}: file does not exist") from None
    except OSError as exc:
        raise ContentError(f"{shown}: cannot read the file ({exc.strerror or exc})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            what = "a folder" if stat.S_ISDIR(st.st_mode) else "a device, FIFO or socket"
            raise ContentError(f"{shown}: not a regular file ({what})",
                               hint="replace it with the file patforge expects")
        if head is not None:  # only the first bytes (a header), whatever the size
            return os.read(fd, head)
        if st.st_size > max_bytes:
            raise ContentError(f"{shown}: {st.st_size:,} bytes, over the {max_bytes:,}-byte limit",
                               hint="this is not a file patforge writes; check the path")
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            total += len(chunk)
            if total > max_bytes:
                raise ContentError(f"{shown}: grew past the {max_bytes:,}-byte limit while read")
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise ContentError(f"{shown}: cannot read the file ({exc.strerror or exc})") from None
    finally:
        os.close(fd)


def _line_of(raw: bytes, offset: int) -> int:
    return raw[:offset].count(b"\n") + 1


def check_nesting(raw: bytes, shown: str, *, limit: int = MAX_NESTING) -> None:
    """Refuse JSON nested deeper than ``limit`` before it is parsed (the parser, the
    validators and the generator all recurse per level)."""
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return  # cannot nest deeper than it has brackets
    # The brackets outside strings, then innermost pairs removed once per level: a pass
    # per level of nesting, each in C (a 100 KB manifest nests 4 deep: 4 passes).
    skeleton = _STRING.sub(b"", raw).translate(None, _NOT_BRACKET)
    for _ in range(limit):
        if not skeleton:
            return
        fewer = skeleton.replace(b"[]", b"").replace(b"{}", b"")
        if fewer == skeleton:
            return  # unbalanced: not JSON, which the parser reports (its own depth guard holds)
        skeleton = fewer
    if skeleton:
        raise ContentError(f"{shown}: JSON nested more than {limit} levels deep",
                           hint="flatten the document")


def parse_json(raw: bytes, shown: str) -> Any:
    """The JSON value in ``raw`` (BOM dropped): strict UTF-8, bounded nesting, no lone
    surrogate escape (``"\\ud800"`` is not text: it cannot be written back as UTF-8)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ContentError(f"{shown}:{_line_of(raw, exc.start)}: not UTF-8 text (byte {exc.start})",
                           hint="save the file as UTF-8") from None
    check_nesting(raw, shown)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ContentError(f"{shown}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}",
                           hint=f"fix the JSON syntax at line {exc.lineno}") from None
    except RecursionError:  # deeper than the parser goes (the skeleton was unbalanced)
        raise ContentError(f"{shown}: JSON nested more than {MAX_NESTING} levels deep",
                           hint="flatten the document") from None
    except ValueError as exc:
        raise ContentError(f"{shown}: not valid JSON: {exc}") from None
    if _SURROGATE_ESCAPE.search(raw):
        try:
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as exc:
            bad = exc.object[exc.start:exc.end].encode("unicode_escape").decode("ascii")
            raise ContentError(f"{shown}: a lone surrogate escape ({bad}) is not text",
                               hint="write the character itself, or a valid surrogate pair") from None
    return data


def read_json(path: Path, shown: str, *, max_bytes: int = MAX_FILE_BYTES) -> Any:
    """:func:`read_regular` then :func:`parse_json`: every failure a :class:`ContentError`."""
    return parse_json(read_regular(path, shown, max_bytes=max_bytes), shown)
