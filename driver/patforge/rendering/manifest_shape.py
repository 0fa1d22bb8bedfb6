"""The manifest's shape (manifest.py), checked entry by entry before a replay.

A manifest that is not exactly what ``noop.record`` writes is a cache miss: a wrong
type, a path that is not a normalised repository path, a unit whose files are not
recorded, a report without its template, a seal that does not match the body. The
seal catches damage and hand edits; the cross-checks make an internally inconsistent
file (``files`` emptied, so that nothing would be compared) useless as well.
"""

from __future__ import annotations

from typing import Any

from patforge.diagnostics import diag_from_dict

from patforge.transaction.state_shape import (
    BadShape,
    hex_digest,
    listing,
    mapping,
    rel_path,
    text,
    text_list,
    whole,
)


def checked(data: Any, fmt: int) -> dict[str, Any] | None:
    """``data`` when it is a well-formed, sealed manifest body of format ``fmt``, else None."""
    try:
        return _check(data, fmt)
    except (BadShape, KeyError, TypeError, ValueError):
        return None


def _check(data: Any, fmt: int) -> dict[str, Any]:
    # why: start-up time: loaded only when this function runs, not when the module is imported
    from patforge.rendering.report import STATUSES
    from patforge.rendering.template_source import REPO_BUNDLE

    body = mapping(data, "manifest")
    if body.get("format") != fmt:
        raise BadShape("another format")
    whole(body["written_ns"], "written_ns")
    mapping(body["context"], "context")
    files = mapping(body["files"], "files")
    for rel, entry in files.items():
        rel_path(rel, "files")
        size, mtime, want = listing(entry, f"files[{rel}]")
        if want is None:
            if size is not None or mtime is not None:
                raise BadShape(f"files[{rel}]: an absent file with a size")
        else:
            whole(size, f"files[{rel}]"), whole(mtime, f"files[{rel}]"), hex_digest(want, f"files[{rel}]")
    for rel, want in mapping(body["dirs"], "dirs").items():
        rel_path(rel, "dirs")
        hex_digest(want, f"dirs[{rel}]", optional=True)
    inputs = text_list(body["inputs"], "inputs")
    if REPO_BUNDLE not in inputs or any(rel not in files for rel in inputs):
        raise BadShape("inputs: not all recorded")
    for key, unit in mapping(body["units"], "units").items():
        u = mapping(unit, f"units[{key}]")
        whole(u["phase"], key), text(u["kind"], key), text(u["pattern"], key), text(u["message"], key)
        if u["status"] not in STATUSES:
            raise BadShape(f"units[{key}]: unknown status")
        managed = [rel_path(f, key) for f in text_list(u["files"], key)]
        if u["answers"] is not None:
            managed.append(rel_path(u["answers"], key))
        if u["status"] != "hand-written" and any(f not in files for f in managed):
            raise BadShape(f"units[{key}]: files not recorded")
    report = mapping(body["report"], "report")
    t = mapping(report["template"], "report.template")
    text(t["location"], "template", optional=True), text(t["record"], "template")
    text(t["ref"], "template", optional=True), text_list(t["tags"], "template"), text_list(t["notes"], "template")
    for row in listing(report["mapping"], "report.mapping"):
        for v in mapping(row, "report.mapping").values():
            text(v, "report.mapping", optional=True)
    text_list(report.get("notes", []), "report.notes")
    for d in listing(report["diagnostics"], "report.diagnostics"):
        text(mapping(d, "report.diagnostics").get("message"), "report.diagnostics")
        diag_from_dict(d)  # the replay builds each one
    return body
