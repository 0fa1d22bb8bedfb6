"""Output hashes: what each rendered unit's files were when patforge wrote them.

Next to every answers file, ``<answers>.sha256`` lists the SHA-256 of each file the
unit's template produced, in ``sha256sum`` format (``<hex>  <path>``, sorted by
path; ``sha256sum -c`` checks it by hand from the repository root). A file on disk
whose bytes differ from its recorded hash was edited by hand since patforge wrote it:
``patforge status`` reports the unit ``modified`` without rendering anything, and
``patforge diff`` shows the edit.

Who writes it: render, when a unit lands (the hashes of the pristine render, also for
files a restore leaves alone); update, for each file it brings to the new version
untouched (its new bytes are the new pristine render); a file that held hand edits
keeps its old hash, so it stays ``modified`` (it still holds the edits). A unit
rendered before hashes were recorded has no ``.sha256``: status cannot tell hand
edits there and says so; ``patforge diff`` still can.
"""

from __future__ import annotations

import hashlib
import re

_LINE = re.compile(r"^([0-9a-f]{64}) [ *](.+)$")


def hashes_path(answers_file: str) -> str:
    return (answers_file[:-4] if answers_file.endswith(".yml") else answers_file) + ".sha256"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest_text(hashes: dict[str, str]) -> str:
    return "".join(f"{h}  {rel}\n" for rel, h in sorted(hashes.items()))


def manifest_bytes(files: dict[str, bytes]) -> bytes:
    return manifest_text({rel: sha256_bytes(data) for rel, data in files.items()}).encode("utf-8")


def parse_manifest(text: str | None, shown: str | None = None) -> dict[str, str] | None:
    """path -> hex digest; None when there is no manifest or it is not one. With
    ``shown`` (the file's name), a list that is not one is a ``ContentError`` naming the
    file and line; every path must be a normalised repository path (a forged line
    naming ``/dev/zero`` or ``../x`` is refused before anything is read)."""
    # why: start-up time: loaded only when this function runs, not when the module is imported
    from patforge.repository.bounded import ContentError
    from patforge.transaction.state_shape import BadShape, rel_path

    if text is None:
        return None
    out: dict[str, str] = {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        m = _LINE.match(line.strip("\r"))
        try:
            if m is None:
                raise BadShape("not a '<sha256>  <path>' line")
            rel_path(m.group(2), "path")
        except BadShape as exc:
            if shown is None:
                return None
            raise ContentError(f"{shown}:{n}: {exc}",
                               hint=f"restore it from git (git checkout -- {shown}) or delete it") from None
        out[m.group(2)] = m.group(1)
    return out


def matches(data: bytes, digest: str) -> bool:
    """Whether ``data`` is the file patforge wrote. Line endings alone are no edit: a
    Windows checkout with ``core.autocrlf`` turns the LF patforge wrote into CRLF."""
    if sha256_bytes(data) == digest:
        return True
    return b"\r\n" in data and sha256_bytes(data.replace(b"\r\n", b"\n")) == digest


def modified_files(recorded: dict[str, str], read_bytes, known=None) -> list[str]:
    """Files (present) whose bytes differ from their recorded hash; ``read_bytes(rel)``
    returns None for a file that is not there (that is ``missing``, not modified).
    ``known(rel)``: the file's SHA-256 when it is known without reading it (the render
    manifest's stat test, ``Manifest.known_digest``), else None."""
    out = []
    for rel, digest in sorted(recorded.items()):
        if known is not None and known(rel) == digest:
            continue  # unchanged since it was hashed, and it was the pristine render then
        data = read_bytes(rel)
        if data is not None and not matches(data, digest):
            out.append(rel)
    return out
