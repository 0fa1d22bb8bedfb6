"""The one home for "a validator for a schema from the repository": offline ``$ref``.

A schema in a pattern repository is untrusted input (a pull request can change it).
jsonschema, built without a ``registry=``, falls back to retrieving any ``$ref`` it
does not hold -- an HTTP request to any address, a ``file://`` read of any file --
and the values fetched would land in the examples render writes. So every
validator patforge builds for a repository schema comes from :func:`validator`,
whose registry holds the metaschemas and the document itself and refuses to
retrieve anything else (jsonschema-rs gets the same refusal, :mod:`fastvalid`).

:func:`ref_problem` resolves every ``$ref`` of a document the same way, before the
schema is used, so an unresolvable reference is one clear message naming the
``$ref`` and where it is (render, check and ``patforge example`` show it with the
file), never a traceback or a silently empty example.
"""

from __future__ import annotations

import re
from typing import Any

from jsonschema_specifications import REGISTRY as SPECIFICATIONS
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource, Unresolvable
from referencing.jsonschema import DRAFT7, specification_with

from patforge.validation.bounded_schema import bounded, validator_for

def _refuse(uri: str) -> Resource:
    """The registry's retrieval: nothing outside the document is fetched or read."""
    raise NoSuchResource(ref=uri)


#: The metaschemas (which jsonschema ships) and nothing retrievable.
REGISTRY: Registry = SPECIFICATIONS.combine(Registry(retrieve=_refuse))


def validator_class(schema: Any) -> type:
    """The validator class for the draft ``schema`` names (draft-07 when it names none or
    one jsonschema does not know), with its regular expressions bounded (bounded_schema)."""
    return validator_for(schema)


def validator(schema: Any, cls: type | None = None, *, formats: bool = False) -> Any:
    """A jsonschema validator for ``schema`` that never retrieves a reference and runs its
    regular expressions bounded: the one way patforge builds a validator for a schema."""
    cls = cls or validator_class(schema)
    if getattr(cls, "BASE", None) is None:  # a plain jsonschema class: bound its regexes too
        cls = bounded(cls)
    if formats:
        return cls(schema, registry=REGISTRY, format_checker=cls.FORMAT_CHECKER)
    return cls(schema, registry=REGISTRY)


def _scan(schema: Any) -> tuple[bool, bool]:
    """(any object has a ``$ref`` key, any key or string holds a lone surrogate): one
    cheap walk, so that a schema with neither (every compiled one) costs no resolver
    and no pointer bookkeeping."""
    has_ref = has_surrogate = False
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            has_ref = has_ref or "$ref" in node
            for k, v in node.items():
                if isinstance(v, (dict, list)):
                    stack.append(v)
                elif isinstance(v, str) and not has_surrogate:
                    has_surrogate = _SURROGATE.search(v) is not None
                if not has_surrogate and isinstance(k, str):
                    has_surrogate = _SURROGATE.search(k) is not None
        elif isinstance(node, list):
            for v in node:
                if isinstance(v, (dict, list)):
                    stack.append(v)
                elif isinstance(v, str) and not has_surrogate:
                    has_surrogate = _SURROGATE.search(v) is not None
        elif isinstance(node, str):
            has_surrogate = has_surrogate or _SURROGATE.search(node) is not None
    return has_ref, has_surrogate


def _has_ref(schema: Any) -> bool:
    return _scan(schema)[0]


_SURROGATE = re.compile("[\ud800-\udfff]")


def text_problem(schema: Any) -> str | None:
    """A lone surrogate (``"\\ud800"`` in the JSON) in any key or string: JSON lets it
    be written, but it is no Unicode text, and it could not be written into an example
    or hashed. None when every string is text."""
    stack: list[tuple[Any, str]] = [(schema, "#")]
    while stack:
        node, ptr = stack.pop()
        if isinstance(node, str):
            m = _SURROGATE.search(node)
            if m:
                return f"the string at {ptr} holds a lone surrogate (\\u{ord(m.group()):04x}), which is not text"
        elif isinstance(node, dict):
            for k, v in node.items():
                m = _SURROGATE.search(k) if isinstance(k, str) else None
                if m:
                    return f"a key at {ptr} holds a lone surrogate (\\u{ord(m.group()):04x}), which is not text"
                stack.append((v, f"{ptr}/{_escape(k)}"))
        elif isinstance(node, list):
            stack.extend((v, f"{ptr}/{i}") for i, v in enumerate(node))
    return None


def document_problem(schema: Any) -> str | None:
    """Why a schema document cannot be used beyond its metaschema: not text, or a
    ``$ref`` that does not resolve inside it; None when it can."""
    has_ref, has_surrogate = _scan(schema)
    if has_surrogate:
        return text_problem(schema)
    return ref_problem(schema) if has_ref else None


def _pointers(schema: Any) -> dict[int, str]:
    """The JSON pointer of every object and array in the document, by identity."""
    out: dict[int, str] = {}
    stack: list[tuple[Any, str]] = [(schema, "#")]
    while stack:
        node, ptr = stack.pop()
        if isinstance(node, dict):
            out[id(node)] = ptr
            stack.extend((v, f"{ptr}/{_escape(k)}") for k, v in node.items())
        elif isinstance(node, list):
            out[id(node)] = ptr
            stack.extend((v, f"{ptr}/{i}") for i, v in enumerate(node))
    return out


_JSON_TYPES = {str: "a string", int: "a number", float: "a number", list: "an array",
               type(None): "null"}


def _escape(token: Any) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def ref_problem(schema: Any) -> str | None:
    """None when every ``$ref`` in ``schema`` resolves inside the document to a schema,
    else ``$ref "<ref>" at <pointer> <why>`` (the first one, in document order)."""
    if not isinstance(schema, dict) or not _has_ref(schema):
        return None  # most schemas (every compiled one) have none: no resolver is built
    dialect = schema.get("$schema")
    spec = specification_with(dialect if isinstance(dialect, str) else "", default=DRAFT7)
    root = spec.create_resource(schema)
    where = _pointers(schema)
    # Only the keywords the draft evaluates hold subschemas (referencing knows them):
    # a "$ref" inside an enum value or an unknown keyword is data, not a reference.
    stack = [(root, REGISTRY.resolver_with_root(root))]
    problems: list[tuple[str, str]] = []
    while stack:
        resource, resolver = stack.pop()
        contents = resource.contents
        if isinstance(contents, dict):
            ref = contents.get("$ref")
            if isinstance(ref, str):
                ptr = where.get(id(contents), "#")
                try:
                    target = resolver.lookup(ref)
                except Unresolvable:
                    problems.append((ptr, f'$ref "{ref}" at {ptr} cannot be resolved inside the file '
                                          "(patforge follows no reference outside it: copy the schema "
                                          "into the file's definitions)"))
                else:
                    if not isinstance(target.contents, (dict, bool)):
                        what = _JSON_TYPES.get(type(target.contents), "value")
                        problems.append((ptr, f'$ref "{ref}" at {ptr} points at {what}, not a schema'))
        for sub in resource.subresources():
            stack.append((sub, resolver.in_subresource(sub)))
    if not problems:
        return None
    return min(problems)[1]
