"""The examples kind's cache entries: a schema the generator cannot satisfy is cached
too (its blocker kept whole), so a rerun does not search again, and a damaged entry
is a miss."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

import patforge.rendering.cached_examples as cached
from patforge.examplegen.instances import INSTANCE_KINDS
from patforge.repository.layout import EXAMPLE_FILES


class DictCache:
    """The compile cache's get/put contract, in memory."""

    def __init__(self) -> None:
        self.entries: dict[str, Any] = {}

    def get(self, k: str, shape: Any = None) -> Any:
        if k not in self.entries:
            return None
        try:
            return shape(self.entries[k]) if shape else self.entries[k]
        except (TypeError, ValueError, KeyError):
            del self.entries[k]
            return None

    def put(self, k: str, value: Any) -> None:
        self.entries[k] = value


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = cached.generate_examples

    def counting(*a: Any, **kw: Any) -> Any:
        calls.append(1)
        return real(*a, **kw)

    monkeypatch.setattr(cached, "generate_examples", counting)
    return calls


@pytest.mark.parametrize("schema", [
    False,                                                     # proved: admits nothing
    {"type": "object", "required": ["a"], "properties": {"a": False}},
    {"type": "string", "minLength": 3, "maxLength": 2},
], ids=["false", "required-false", "contradiction"])
def test_a_blocked_schema_is_a_cache_hit_on_the_second_run(schema: Any, counted: list[int]) -> None:
    registry = SimpleNamespace(cache=DictCache())
    first = cached.cached_examples(registry, schema, "DOC-X-001", "PAT-X-001", "examples")
    assert first.blocker is not None
    second = cached.cached_examples(registry, schema, "DOC-X-001", "PAT-X-001", "examples")
    assert len(counted) == 1, "the blocked schema was searched again"
    assert second.blocker == first.blocker and second.instances == first.instances


def test_a_satisfiable_schema_is_a_cache_hit(counted: list[int]) -> None:
    registry = SimpleNamespace(cache=DictCache())
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}
    first = cached.cached_examples(registry, schema, "DOC-X-001", "PAT-X-001", "examples")
    second = cached.cached_examples(registry, schema, "DOC-X-001", "PAT-X-001", "examples")
    assert len(counted) == 1 and first == second and first.blocker is None


@pytest.mark.parametrize("blocker", [
    ["const", "/a", "x"],                                       # the old positional shape
    {"keyword": "const", "pointer": "/a", "proved": "yes"},      # a field of the wrong type
    {"keyword": "const", "pointer": "/a", "extra": ""},          # an unknown field
    {"pointer": "/a"},                                           # a missing field
])
def test_a_damaged_blocker_is_a_miss(blocker: Any) -> None:
    entry = {"instances": {k: {} for k in INSTANCE_KINDS}, "embedded": {}, "blocker": blocker, "notes": []}
    with pytest.raises(TypeError):
        cached._cached_examples(entry)


def test_instance_kinds_are_the_example_files() -> None:
    assert [f"{k}.json" for k in INSTANCE_KINDS] == list(EXAMPLE_FILES)
