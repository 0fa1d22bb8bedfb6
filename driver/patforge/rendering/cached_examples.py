"""The examples kind's three instances per pattern, cached across runs in the compile
cache (split out of ``kinds/examples.py``, which builds and checks the unit)."""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import TYPE_CHECKING, Any

from patforge.examplegen.instances import INSTANCE_KINDS, Blocker, ExampleSet, generate_examples
from patforge.rendering.compile_cache import key as cache_key

if TYPE_CHECKING:
    from patforge.repository.registry import Registry


def cached_examples(registry: Registry, schema: Any, doc_id: str, pattern_id: str, space: str) -> ExampleSet:
    """The pattern's three instances (never raising: a blocked schema carries its
    :class:`Blocker`), cached across runs under ``space`` (the kind's name: the key the
    entries had before the split)."""
    k = cache_key(space, schema, doc_id, pattern_id)
    hit = registry.cache.get(k, _cached_examples) if registry.cache else None
    if hit is None:
        found = generate_examples(schema, doc_id=doc_id, pattern_id=pattern_id, strict=False)
        b = found.blocker
        hit = {"instances": found.instances, "embedded": found.embedded,
               "blocker": asdict(b) if b else None,
               "notes": found.notes}
        if registry.cache:
            registry.cache.put(k, hit)
    return ExampleSet(hit["instances"], dict(hit["embedded"]), _blocker(hit["blocker"]),
                      list(hit.get("notes") or []))


def _cached_examples(hit: Any) -> dict[str, Any]:
    """A cache entry of :func:`cached_examples`; TypeError when it is not one (a miss:
    a damaged entry is generated again, never a unit failure)."""
    if not (isinstance(hit["instances"], dict) and set(INSTANCE_KINDS) <= set(hit["instances"])
            and isinstance(hit["embedded"], dict)
            and all(isinstance(v, bool) for v in hit["embedded"].values())
            and isinstance(hit.get("notes") or [], list)):
        raise TypeError("not an examples entry")
    _blocker(hit["blocker"])
    return hit


def _blocker(stored: Any) -> Blocker | None:
    """A stored :class:`Blocker` (its fields by name, so the entry's shape follows the
    class); TypeError for anything else."""
    if stored is None:
        return None
    if not isinstance(stored, dict):
        raise TypeError("not a blocker")
    blocker = Blocker(**stored)  # TypeError on a missing or unknown field
    if not all(isinstance(getattr(blocker, f.name), bool if f.name == "proved" else str) for f in fields(Blocker)):
        raise TypeError("not a blocker")
    return blocker
