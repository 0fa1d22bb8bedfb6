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


def _signature(ev: Any) -> Signature:
    return (type(ev).__name__, getattr(ev, "tag", None), getattr(ev, "implicit", None),
            getattr(ev, "value", None), getattr(ev, "style", None), getattr(ev, "flow_style", None))


def scan_list(text: str, key: str) -> ListScan | None:
    """The top-level block list ``key`` of ``text`` (a mapping at the root), when every
    item is a mapping with a key and the document has no anchor or alias; else None
    (also when it does not parse: the caller's full parse then says why, and where)."""
    try:
        return _scan(yaml.parse(text, Loader=_PARSER), key)
    except yaml.YAMLError:
        return None


def _scan(events: Any, key: str) -> ListScan | None:
    signature: list[Signature] = []
    # per open collection: [is a mapping, next node is a key]; the list's own depth
    stack: list[list[bool]] = []
    list_frame: list[bool] | None = None  # the list's entry in ``stack``
    found = False
    pending = False  # the last root key read was `key`
    first_key = last_key = None
    count, end = 0, -1
    for ev in events:
        if isinstance(ev, yaml.AliasEvent) or getattr(ev, "anchor", None) is not None:
            return None
        signature.append(_signature(ev))
        if isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            if stack[-1] is list_frame:
                end = len(signature) - 1
            stack.pop()
            continue
        if not isinstance(ev, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            continue  # stream and document events
        # a node: a key or a value of the mapping it is in, or an item of a list
        parent = stack[-1] if stack else None
        is_key = parent is not None and parent[0] and parent[1]
        if parent is not None and parent[0]:
            parent[1] = not parent[1]
        depth = len(stack)
        if depth == 1 and is_key:
            pending = isinstance(ev, yaml.ScalarEvent) and ev.value == key
        elif depth == 1 and pending:
            pending = False
            if not isinstance(ev, yaml.SequenceStartEvent) or ev.flow_style or found:
                return None  # a flow list, a scalar, or the key twice (refused by the parse)
            found = True
        elif parent is not None and parent is list_frame:  # an item
            if not isinstance(ev, yaml.MappingStartEvent) or ev.flow_style:
                return None
            count += 1
            last_key = None
        elif is_key and depth >= 2 and stack[-2] is list_frame:  # a key of an item
            if isinstance(ev, yaml.ScalarEvent) and ev.value == "<<":
                return None  # a merge key: the item's keys are not its events' keys
            mark = Mark(ev.start_mark.line + 1, ev.start_mark.column + 1)
            if count == 1 and first_key is None:
                first_key = mark
            last_key = mark
        if isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            stack.append([isinstance(ev, yaml.MappingStartEvent), True])
            if depth == 1 and found and list_frame is None:
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
    if any(isinstance(ev, yaml.AliasEvent) or getattr(ev, "anchor", None) is not None for ev in events):
        return None
    sig = [_signature(ev) for ev in events]
    kinds = [s[0] for s in sig]
    if kinds[:3] != ["StreamStartEvent", "DocumentStartEvent", "SequenceStartEvent"] \
            or kinds[-3:] != ["SequenceEndEvent", "DocumentEndEvent", "StreamEndEvent"] \
            or kinds[3] != "MappingStartEvent" or kinds[-4] != "MappingEndEvent":
        return None
    item = sig[3:-3]
    depth = 0
    for i, k in enumerate(kinds[3:-3]):  # one mapping: its end is the last event
        depth += k in ("MappingStartEvent", "SequenceStartEvent")
        depth -= k in ("MappingEndEvent", "SequenceEndEvent")
        if depth == 0 and i != len(item) - 1:
            return None
    return item


def appended(before: ListScan, item: list[Signature], after: ListScan) -> bool:
    """Whether ``after`` is ``before`` with ``item`` as one more last item and no other
    event changed: then the edited text constructs the old data plus that item."""
    return after.count == before.count + 1 and after.end == before.end + len(item) and \
        after.signature == before.signature[:before.end] + item + before.signature[before.end:]
