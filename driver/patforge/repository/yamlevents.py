"""Where the items of a top-level YAML list stand, from libyaml's event stream alone.

``patforge new`` appends an entry after the registry's last one: it needs the first
entry's indentation, the last entry's last key, and then proof that the edited text
reads as the old data plus the new entry. Recording every node's position
(``yamlsrc``'s walk) and parsing the edited text again cost seconds at 10,000
patterns (the registry is 6 MB; PyYAML constructs its objects in Python). The event
stream (libyaml's parser, in C) gives both for a fraction of that: the marks of two
keys, and a signature of every event (what it is, its tag, its value, its style:
everything the constructor reads, without positions) to compare the edited text
with. A document with an anchor or an alias (its events do not stand alone) is not
scanned: the caller parses it in full, as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from patforge.repository.yamlsrc import Mark

_PARSER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Signature = tuple[Any, ...]


@dataclass
class ListScan:
    """A top-level ``key:`` block list of mappings, as the event stream shows it."""

    first_key: Mark  # the first key of the first item
    last_key: Mark  # the last key of the last item
    count: int  # items
    signature: list[Signature]  # every event of the document, without positions
    end: int  # index in ``signature`` of the list's end event (where an appended item's events go)


_SCALAR, _ALIAS = yaml.ScalarEvent, yaml.AliasEvent
_MAP_START, _SEQ_START = yaml.MappingStartEvent, yaml.SequenceStartEvent
_MAP_END, _SEQ_END = yaml.MappingEndEvent, yaml.SequenceEndEvent


def _signature(ev: Any) -> Signature:
    """What the constructor reads of an event: its type, tag, value and style."""
    cls = ev.__class__
    if cls is _SCALAR:
        return (cls, ev.tag, ev.implicit, ev.value, ev.style)
    if cls is _MAP_START or cls is _SEQ_START:
        return (cls, ev.tag, ev.implicit, ev.flow_style)
    return (cls,)


def scan_list(text: str, key: str) -> ListScan | None:
    """The top-level block list ``key`` of ``text`` (a mapping at the root), when every
    item is a mapping with a key and the document has no anchor or alias; else None
    (also when it does not parse: the caller's full parse then says why, and where)."""
    try:
        return _scan(yaml.parse(text, Loader=_PARSER), key)
    except yaml.YAMLError:
        return None


def _scan(events: Any, key: str) -> ListScan | None:
    # A loop over every event of a 6 MB registry: plain locals and `is` tests, no calls
    # per event beyond what builds its signature.
    signature: list[Signature] = []
    add = signature.append
    # per open collection: [is a mapping, next node is a key]
    stack: list[list[bool]] = []
    list_frame: list[bool] | None = None  # the list's entry in ``stack``
    found = pending = False  # the list was seen; the last root key read was ``key``
    first_key = last_key = None
    count, end = 0, -1
    for ev in events:
        cls = ev.__class__
        if cls is _SCALAR:
            if ev.anchor is not None:
                return None
            add((cls, ev.tag, ev.implicit, ev.value, ev.style))
        elif cls is _MAP_START or cls is _SEQ_START:
            if ev.anchor is not None:
                return None
            add((cls, ev.tag, ev.implicit, ev.flow_style))
        elif cls is _MAP_END or cls is _SEQ_END:
            add((cls,))
            if stack.pop() is list_frame:
                end = len(signature) - 1
            continue
        elif cls is _ALIAS:
            return None
        else:
            add((cls,))
            continue  # stream and document events
        # a node: a key or a value of the mapping it is in, or an item of a list
        is_key = False
        if stack:
            parent = stack[-1]
            if parent[0]:
                is_key = parent[1]
                parent[1] = not is_key
            depth = len(stack)
            if depth == 1:
                if is_key:
                    pending = cls is _SCALAR and ev.value == key
                elif pending:
                    pending = False
                    if cls is not _SEQ_START or ev.flow_style or found:
                        return None  # a flow list, a scalar, or the key twice (refused by the parse)
                    found = True
            elif parent is list_frame:  # an item
                if cls is not _MAP_START or ev.flow_style:
                    return None
                count += 1
                last_key = None
            elif is_key and stack[-2] is list_frame:  # a key of an item
                if cls is _SCALAR and ev.value == "<<":
                    return None  # a merge key: the item's keys are not its events' keys
                mark = ev.start_mark
                last_key = Mark(mark.line + 1, mark.column + 1)
                if count == 1 and first_key is None:
                    first_key = last_key
        if cls is not _SCALAR:
            stack.append([cls is _MAP_START, True])
            if found and list_frame is None:
                list_frame = stack[-1]
    if first_key is None or last_key is None or end < 0:
        return None
    return ListScan(first_key, last_key, count, signature, end)


def item_signature(snippet: str) -> list[Signature] | None:
    """The events of the one item of ``snippet`` (a block list holding one mapping, as
    ``new`` writes it), without the list's own start and end; None if it is not that."""
    try:
        events = list(yaml.parse(snippet, Loader=_PARSER))  # a few dozen events
    except yaml.YAMLError:
        return None
    if any(ev.__class__ is _ALIAS or getattr(ev, "anchor", None) is not None for ev in events):
        return None
    sig = [_signature(ev) for ev in events]
    kinds = [s[0] for s in sig]
    if kinds[:3] != [yaml.StreamStartEvent, yaml.DocumentStartEvent, _SEQ_START] \
            or kinds[-3:] != [_SEQ_END, yaml.DocumentEndEvent, yaml.StreamEndEvent] \
            or kinds[3] is not _MAP_START or kinds[-4] is not _MAP_END:
        return None
    item = sig[3:-3]
    depth = 0
    for i, k in enumerate(kinds[3:-3]):  # one mapping: its end is the last event
        depth += k is _MAP_START or k is _SEQ_START
        depth -= k is _MAP_END or k is _SEQ_END
        if depth == 0 and i != len(item) - 1:
            return None
    return item


def appended(before: ListScan, item: list[Signature], after: ListScan) -> bool:
    """Whether ``after`` is ``before`` with ``item`` as one more last item and no other
    event changed: then the edited text constructs the old data plus that item."""
    return after.count == before.count + 1 and after.end == before.end + len(item) and \
        after.signature == before.signature[:before.end] + item + before.signature[before.end:]
