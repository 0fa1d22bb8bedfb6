"""Kind ``sidecar``: the schema's doc_id sidecar (Phase 1, the ID system).

``<schema minus .json>.id.yaml`` links the schema to the suite's doc_id without
touching the schema; when the pattern has hand-written examples, or generated ones
its hand-written schema does not let carry the doc_id, an ``examples.id.yaml`` index
beside them links those too.
"""

from __future__ import annotations

from patforge.docids.claims import IdClaim, read_inside, sidecar_fields
from patforge.repository.bounded import ContentError
from patforge.repository.paths import PathProblem
from patforge.kinds.base import BuildContext, IDS, Kind, Unit
from patforge.kinds.examples import examples_to_link
from patforge.kinds.spec import NAME as SPEC
from patforge.repository.layout import EXAMPLES_INDEX, example_dir, sidecar_path
from patforge.repository.registry import Pattern, Registry


class SidecarKind(Kind):
    """Phase 1: the ID system's own files."""

    derived_from = SPEC  # its other answers come from the spec

    def layout(self, registry: Registry, p: Pattern) -> dict[str, str]:
        return {"sidecar": sidecar_path(p.schema_path), "examples_index": f"{example_dir(p)}/{EXAMPLES_INDEX}"}

    def build(self, ctx: BuildContext, p: Pattern | None) -> Unit | None:
        examples = examples_to_link(ctx.registry, ctx.files, p)
        paths = self.layout(ctx.registry, p)
        index = paths["examples_index"] if examples else ""
        answers = {"answers_file": self.answers_file(p), "name": p.name, "pattern_id": p.pattern_id,
                   "doc_id": ctx.registry.doc_id_for(p), "schema_path": p.schema_path,
                   "spec_path": p.spec_path, "sidecar_path": paths["sidecar"],
                   "examples_index_path": index, "example_files": examples}
        return Unit(self.name, p.name, self.phase(p), answers, [paths["sidecar"], *([index] if index else [])])

    def claims(self, registry: Registry, p: Pattern) -> list[IdClaim]:
        side = self.layout(registry, p)["sidecar"]
        if self.on_disk(registry, p):
            return []
        try:  # the reading layer: regular, inside, bounded in size, strict text
            fields = sidecar_fields(read_inside(registry.repo, side).decode("utf-8-sig"))
        except (ContentError, PathProblem, UnicodeDecodeError):
            return []  # absent; or unreadable, which check reports
        if fields is not None and isinstance(fields.doc_id, str):
            return [IdClaim("schema sidecar", side, fields.doc_id_line, fields.doc_id)]
        return []

KIND = SidecarKind("sidecar", IDS,
                   "the schema's doc_id sidecar (and an examples.id.yaml for hand-written examples)")
