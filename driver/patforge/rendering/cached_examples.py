"""The examples kind's three instances per pattern, cached across runs in the compile
cache (split out of ``kinds/examples.py``, which builds and checks the unit)."""

from __future__ import annotations

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
               "blocker": [b.keyword, b.pointer, b.detail, b.tried, b.proved] if b else None,
               "notes": found.notes}
        if registry.cache:
            registry.cache.put(k, hit)
    b = hit["blocker"]
    return ExampleSet(hit["instances"], dict(hit["embedded"]), Blocker(*b) if b else None,
                      list(hit.get("notes") or []))


def _cached_examples(hit: Any) -> dict[str, Any]:
    """A cache entry of :func:`cached_examples`; TypeError when it is not one (a miss:
    a damaged entry is generated again, never a unit failure)."""
    b = hit["blocker"]
    if not (isinstance(hit["instances"], dict) and set(INSTANCE_KINDS) <= set(hit["instances"])
            and isinstance(hit["embedded"], dict)
            and all(isinstance(v, bool) for v in hit["embedded"].values())
            and (b is None or (isinstance(b, list) and len(b) == 3 and all(isinstance(x, str) for x in b)))):
        raise TypeError("not an examples entry")
    return hit
