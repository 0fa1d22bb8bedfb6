"""The vendored SchemaStore corpus (tests/data/schemastore-draft07): 240 real draft-07
schemas, each proven satisfiable. Shared by tests/test_schemastore_corpus.py and
bench/example_corpus.py, so both read the same bytes (each checked against its SHA-256)."""

from __future__ import annotations

import hashlib
import json
import tarfile
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "schemastore-draft07"
SIZE = 240


def corpus() -> list[tuple[str, Any]]:
    """(name, parsed schema) for every schema, in corpus.json order."""
    records = json.loads((DATA / "corpus.json").read_text(encoding="utf-8"))
    raw: dict[str, bytes] = {}
    with tarfile.open(DATA / "schemas.tar.gz", "r:gz") as tar:
        for member in tar.getmembers():
            if member.isfile():
                fh = tar.extractfile(member)
                assert fh is not None
                raw[member.name] = fh.read()
    out = []
    for r in records:
        data = raw[f"schemas/{r['name']}.json"]
        if hashlib.sha256(data).hexdigest() != r["sha256"]:
            raise ValueError(f"{r['name']}.json in {DATA / 'schemas.tar.gz'} does not match its sha256 "
                             "in corpus.json: restore the folder from git")
        out.append((r["name"], json.loads(data.decode("utf-8-sig"))))
    return out
