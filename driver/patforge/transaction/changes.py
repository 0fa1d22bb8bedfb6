"""A planned change to one file, shown as a diff and applied atomically."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from patforge.transaction.atomic import atomic_write


@dataclass(frozen=True)
class FileChange:
    path: str  # repository-relative, forward slashes
    before: bytes | None  # None: the file is new
    after: bytes
    reason: str = ""  # e.g. "doc_id", "sidecar", "DOC_LINK"

    @property
    def is_new(self) -> bool:
        return self.before is None

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def diff(self) -> str:
        def lines(b: bytes | None) -> list[str]:
            if b is None:
                return []
            return b.decode("utf-8", errors="replace").splitlines(keepends=True)

        out = difflib.unified_diff(lines(self.before), lines(self.after),
                                   fromfile="/dev/null" if self.before is None else f"a/{self.path}",
                                   tofile=f"b/{self.path}")
        text = "".join(l if l.endswith("\n") else l + "\n" for l in out)
        return text.replace("\r\n", "\n")  # show CR-LF files readably; the bytes keep them

    def apply(self, repo: Path) -> None:
        atomic_write(repo / self.path, self.after)
