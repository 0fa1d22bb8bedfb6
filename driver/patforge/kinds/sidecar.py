"""Kind ``sidecar``: the schema's doc_id sidecar (Phase 1, the ID system).

``<schema minus .json>.id.yaml`` links the schema to the suite's doc_id without
touching the schema; when the pattern has hand-written examples, or generated ones
its hand-written schema does not let carry the doc_id, an ``examples.id.yaml`` index
beside them links those too.
"""

from __future__ import annotations

import re

import yaml

from patforge.docids.claims import IdClaim
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
        try:  # the fast loader: a 1,000-pattern check reads every sidecar again anyway
            text = (registry.repo / side).read_text(encoding="utf-8-sig")
            data = yaml.load(text, Loader=_FAST_LOADER)
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            return []  # absent; or unreadable, which check reports
        if isinstance(data, dict) and isinstance(data.get("doc_id"), str):
            m = re.search(r"^doc_id\s*:", text, re.M)
            return [IdClaim("schema sidecar", side, text.count("\n", 0, m.start()) + 1 if m else None,
                            data["doc_id"])]
        return []


_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

KIND = SidecarKind("sidecar", IDS,
                   "the schema's doc_id sidecar (and an examples.id.yaml for hand-written examples)")
