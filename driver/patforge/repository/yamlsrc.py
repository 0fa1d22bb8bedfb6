"""Reading YAML the way users write it: with positions for every key, duplicate-key
detection, and syntax errors turned into diagnostics that say file, line, column
and what to do.

Loading never modifies anything; edits go through ``patforge.repository.edits`` as line-level
insertions guided by the positions recorded here (docs/design.md explains why).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from patforge.repository import parsecache
from patforge.repository.bounded import ContentError, read_regular
from patforge.diagnostics import Diagnostic, error
from patforge.validation.messages import shown

try:  # libyaml is ~10x faster; fall back to pure Python where it is not built.
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader

#: Files larger than this are refused before parsing (a 50 MB registry is a mistake,
#: and parsing it would take minutes and gigabytes).
MAX_YAML_BYTES = 10 * 1024 * 1024

#: A document may expand (aliases counted as often as they are used) to at most this
#: many nodes. A 1 KB "billion laughs" file expands to 10^9 nodes; the largest real
#: registry measured (10,000 patterns) has ~250,000. Consumers that walk the data
#: (spec compilation, JSON dumps) pay per expanded node, so the bound protects them.
MAX_YAML_NODES = 1_000_000

KeyPath = tuple[Any, ...]

#: An anchor token (``&name``): at the start of a line or after whitespace or a flow
#: indicator, as YAML requires; "R&D" in a string is not one. A quoted string holding
#: " &x" matches too, which only costs the alias count.
_ANCHOR = re.compile(r"(?:^|[\s\[\]{},])&[^\s\[\]{},]", re.M)


class Mark(NamedTuple):
    """A position; a NamedTuple because a 1,000-spec registry makes ~350,000 of them."""

    line: int  # 1-based
    column: int  # 1-based


@dataclass
class YamlDocument:
    """A parsed YAML file and where each of its nodes stands in the text."""

    path: str  # repository-relative, forward slashes (for messages)
    text: str  # decoded text without BOM
    data: Any
    has_bom: bool = False
    #: Text after ``text`` that belongs to the file but is not YAML: the closing marker
    #: and Markdown body of a front-matter spec (``specread``). Edits keep it as is.
    tail: str = ""
    form: str = "yaml"  # "yaml", "front-matter" or "markdown" (specread)
    #: (key marks, node marks, node end marks), recorded at load or, for a document
    #: loaded with ``positions=False``, on first use (``forget_positions`` drops them).
    #: They take ~5x the memory of the data and most documents never need one.
    _marks: tuple[dict[KeyPath, Mark], dict[KeyPath, Mark], dict[KeyPath, Mark]] | None = \
        field(default=None, repr=False, compare=False)

    def _positions(self) -> tuple[dict[KeyPath, Mark], dict[KeyPath, Mark], dict[KeyPath, Mark]]:
        if self._marks is None:
            self._marks = ({}, {}, {})
            if self.text.strip():
                loader = _Loader(self.text)  # parsed fine before: the same text cannot fail
                try:
                    node = loader.get_single_node()
                    if node is not None:
                        _walk(node, (), self, set())
                finally:
                    loader.dispose()
        return self._marks

    @property
    def key_marks(self) -> dict[KeyPath, Mark]:
        return self._positions()[0]

    @property
    def node_marks(self) -> dict[KeyPath, Mark]:
        return self._positions()[1]

    @property
    def node_end_marks(self) -> dict[KeyPath, Mark]:
        return self._positions()[2]

    def forget_positions(self) -> None:
        self._marks = None

    @property
    def newline(self) -> str:
        sample = self.text or self.tail
        return "\r\n" if "\r\n" in sample else "\n"

    def key_mark(self, *keypath: Any) -> Mark | None:
        """Position of the key of a mapping entry, e.g. ``("patterns", 3, "name")``."""
        if self._marks is None and len(keypath) == 1:
            found = self._top_level_key(keypath[0])
            if found is not None:
                return found
        return self.key_marks.get(tuple(keypath))

    def _top_level_key(self, key: Any) -> Mark | None:
        """A top-level key's position without parsing positions: the one line that
        starts with ``key:`` at column 1. Inside a block mapping at column 1, any other
        text at column 1 (a scalar's continuation, a block scalar's content) would have
        to be indented; anything unusual (no such line, two of them) asks the parser."""
        if not isinstance(key, str) or not isinstance(self.data, dict) or key not in self.data:
            return None

        q = re.escape(key)
        at = re.compile(rf"""^(?:{q}|'{q}'|"{q}")[ \t]*:(?:[ \t\r]|$)""", re.M)
        hits = [m.start() for m, _ in zip(at.finditer(self.text), range(2))]
        return Mark(self.text.count("\n", 0, hits[0]) + 1, 1) if len(hits) == 1 else None

    def node_mark(self, *keypath: Any) -> Mark | None:
        """Position of a node (mapping value, sequence item, or the root with ``()``)."""
        return self.node_marks.get(tuple(keypath))

    def mark(self, *keypath: Any) -> Mark | None:
        """Best position for a key path: the key if it is a mapping entry, else the node."""
        return self.key_mark(*keypath) or self.node_mark(*keypath)

    def diag(self, message: str, *keypath: Any, **kw: Any) -> Diagnostic:
        """An error diagnostic located at ``keypath`` (or the nearest parent found)."""
        mark = None
        kp = tuple(keypath)
        while mark is None and kp:
            mark = self.mark(*kp)
            kp = kp[:-1]
        mark = mark or self.node_mark()
        severity = kw.pop("severity", None)
        d = error(message, path=self.path, line=mark.line if mark else None,
                  column=mark.column if mark else None, **kw)
        if severity is not None:
            d = Diagnostic(severity, d.message, d.path, d.line, d.column, d.hint, d.code, d.pattern)
        return d


class YamlLoadError(Exception):
    """The file cannot be used at all; ``diagnostic`` says where and why."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.format())
        self.diagnostic = diagnostic


_ESCAPE_HINT = (
    "`patforge doctor --fix` repairs it; by hand: a backslash inside a double-quoted string starts an "
    "escape, so for a Windows path use single quotes ('C:\\Tools\\x') or double each backslash (\"C:\\\\Tools\")"
)


def _char_at(text: str, mark: Any) -> str:
    if mark is None:
        return ""
    lines = text.splitlines()
    if 0 <= mark.line < len(lines) and 0 <= mark.column < len(lines[mark.line]):
        return lines[mark.line][mark.column]
    return ""


def _hint_for(problem: str, char: str = "") -> str:
    p = problem.lower()
    if "unknown escape" in p:
        return _ESCAPE_HINT
    if char == "\t" or "'\\t'" in problem or "tab" in p:
        return "YAML indentation must use spaces; replace the tab characters with spaces"
    if "found unexpected end of stream" in p or "while scanning a quoted scalar" in p:
        return "a quoted string is not closed; add the missing closing quote"
    if "expected a single document" in p or "another document" in p:
        return ("the file holds several YAML documents (---) where one is expected; move what the "
                "later ones say into the first (a spec may instead be YAML front matter between two "
                "--- lines followed by Markdown)")
    if "mapping values are not allowed" in p:
        return "a value contains ': '; quote the value"
    return "fix the YAML syntax at that position"


def decode_yaml_bytes(raw: bytes, path: str) -> tuple[str, bool]:
    """Decode UTF-8 (with or without BOM); anything else is a clear error."""
    has_bom = raw.startswith(b"\xef\xbb\xbf")
    if has_bom:
        raw = raw[3:]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise YamlLoadError(error(
            "file is UTF-16 encoded", path=path, line=1, column=1,
            hint="save the file as UTF-8", code="yaml-encoding"))
    try:
        return raw.decode("utf-8"), has_bom
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlLoadError(error(
            f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
            path=path, line=line, column=col,
            hint="save the file as UTF-8", code="yaml-encoding")) from None


def load_yaml_text(text: str, path: str, *, has_bom: bool = False, positions: bool = True) -> YamlDocument:
    """Parse ``text``; raise ``YamlLoadError`` with a located diagnostic if unusable.
    ``positions=False``: node positions are parsed on first use, not now (duplicate
    keys are refused either way)."""
    if text.startswith("\ufeff"):
        text, has_bom = text[1:], True
    if not text.strip():
        raise YamlLoadError(error("file is empty", path=path, line=1, column=1,
                                  hint="restore the file's content", code="yaml-empty"))
    doc = YamlDocument(path=path, text=text, data=None, has_bom=has_bom)
    doc.data = _load(text, path, doc, positions=positions)
    return doc


def load_yaml_data(text: str, path: str) -> Any:
    """Parse ``text`` without recording positions (answers files, read on every run),
    with the same safe loader, limits and messages as ``load_yaml_text``. Empty text
    is ``None``."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        return None
    try:
        return _load(text, path, None)
    except YamlLoadError as exc:
        if exc.diagnostic.code == "yaml-empty":
            return None
        raise


def load_yaml_bytes(raw: bytes, path: str) -> Any:
    """``load_yaml_data`` for raw bytes: undecodable bytes are a ``YamlLoadError`` too."""
    text, _ = decode_yaml_bytes(raw, path)
    return load_yaml_data(text, path)


class _UniqueKeysLoader(_Loader):  # type: ignore[misc, valid-type]
    """Refuses duplicate keys while constructing, for documents whose positions are
    not walked at load (the walk refuses them otherwise)."""

    path = ""

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: dict[Any, Any] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = _scalar_key(key_node)
            if key in seen:
                raise _duplicate_key(key, seen[key], _mark(key_node.start_mark), self.path)
            seen[key] = _mark(key_node.start_mark)
        return super().construct_mapping(node, deep)


def _load(text: str, path: str, doc: YamlDocument | None, *, positions: bool = True) -> Any:
    """The one safe loader every YAML file patforge reads goes through: compose the
    node graph, bound its expanded size, record positions (``doc``), construct."""
    walk = doc is not None and positions
    cache = None if walk else parsecache.current()
    if cache is not None:
        hit = cache.lookup(text)
        if hit is not parsecache.MISS:
            return hit
    try:
        loader = _Loader(text) if walk or doc is None else _UniqueKeysLoader(text)
        loader.path = path
        try:
            node = loader.get_single_node()
            if node is None:
                raise YamlLoadError(error(
                    "file holds only comments", path=path, line=1, column=1,
                    hint="restore the file's content", code="yaml-empty"))
            # Only aliases expand a document beyond its own text, and an alias needs an
            # anchor: without one, the file size limit already bounds it (a 10,000-entry
            # registry is 3.5 MB, past a million characters, and counting its nodes took
            # 3.5 s of a 27 s `check FILE`).
            anchored = _ANCHOR.search(text) is not None
            if anchored:
                check_expanded_size(node, path)
            if walk:
                doc._marks = ({}, {}, {})
                _walk(node, (), doc, set())
            data = loader.construct_document(node)
            if cache is not None and not anchored:  # an alias is shared data: parsed every time
                cache.store(text, data)
            return data
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or str(exc)
        message = problem if not exc.context else f"{problem} ({exc.context})"
        char = _char_at(text, mark)
        if "unknown escape" in problem and char:
            if char == "\\":
                char = _char_at(text, type("M", (), {"line": mark.line, "column": mark.column + 1}))
            message = (f"unknown escape '\\{char}' in a double-quoted string "
                       "(often a Windows path)")
        elif char == "\t":
            message = "a tab character where YAML expects spaces"
        raise YamlLoadError(error(
            f"invalid YAML: {message}", path=path,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
            hint=_hint_for(message, char), code="yaml-syntax")) from None
    except yaml.YAMLError as exc:
        raise YamlLoadError(error(f"invalid YAML: {exc}", path=path,
                                  hint="fix the YAML syntax", code="yaml-syntax")) from None
    except RecursionError:
        raise YamlLoadError(error("YAML nesting is too deep", path=path,
                                  hint="flatten the document", code="yaml-syntax")) from None
    except (ValueError, OverflowError, TypeError) as exc:
        # A few SafeLoader constructors raise plain errors for values they cannot
        # build (e.g. a timestamp like 2024-13-45, an unhashable key).
        raise YamlLoadError(error(f"invalid YAML value: {exc}", path=path,
                                  hint="quote the value to keep it as text", code="yaml-syntax")) from None


def check_expanded_size(root: yaml.Node, path: str, limit: int | None = None) -> None:
    """Count the nodes the document expands to (each alias as often as it is used)
    without expanding it: every node is visited once and its expanded size memoized.
    Past the limit, name the anchor whose reuse blows it up."""
    limit = MAX_YAML_NODES if limit is None else limit
    size: dict[int, int] = {}
    uses: dict[int, int] = {}
    nodes: dict[int, yaml.Node] = {}
    in_progress: set[int] = set()
    # Iterative post-order walk: deep nesting must not hit Python's recursion limit.
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            in_progress.discard(key)
            total = 1
            for child in _children(node):
                total += size[id(child)]
            size[key] = total
            continue
        uses[key] = uses.get(key, 0) + 1
        if key in in_progress:
            mark = node.start_mark
            raise YamlLoadError(error(
                "a YAML alias refers to the anchor it stands in (a recursive structure)",
                path=path, line=mark.line + 1, column=mark.column + 1,
                hint="an alias may only repeat a finished value; remove the alias inside its own anchor",
                code="yaml-recursive-alias"))
        if key in nodes:
            continue
        nodes[key] = node
        in_progress.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node))
    total = size[id(root)]
    if total <= limit:
        return
    reused = [k for k, n in uses.items() if n > 1]
    worst = max(reused, key=lambda k: size[k] * uses[k], default=id(root))
    mark = nodes[worst].start_mark
    raise YamlLoadError(error(
        f"YAML aliases expand this file to over {limit:,} nodes (about {total:,}); the anchor here "
        f"expands to {size[worst]:,} nodes and {uses.get(worst, 1) - 1} alias(es) repeat it",
        path=path, line=mark.line + 1, column=mark.column + 1,
        hint="an anchor that repeats aliases of other anchors multiplies (a 'billion laughs' file); "
             "write the values out or remove the nested aliases", code="yaml-alias-bomb"))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _mark(m: Any) -> Mark:
    return Mark(m.line + 1, m.column + 1)


def _walk(node: yaml.Node, kp: KeyPath, doc: YamlDocument, seen_nodes: set[int]) -> None:
    key_marks, node_marks, node_end_marks = doc._marks  # set by the caller
    node_marks[kp] = _mark(node.start_mark)
    node_end_marks[kp] = _mark(node.end_mark)
    if id(node) in seen_nodes:
        return  # an alias: its anchor's contents were walked once, where they stand
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
        seen_nodes.add(id(node))
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, Mark] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue  # complex keys: nothing in our formats uses them
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = _scalar_key(key_node)
            km = _mark(key_node.start_mark)
            if key in seen:
                raise _duplicate_key(key, seen[key], km, doc.path)
            seen[key] = km
            key_marks[kp + (key,)] = km
            _walk(value_node, kp + (key,), doc, seen_nodes)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, kp + (i,), doc, seen_nodes)


def _duplicate_key(key: Any, first: Mark, again: Mark, path: str) -> YamlLoadError:
    """The one message for a key given twice (the position walk and the constructor)."""
    return YamlLoadError(error(
        f"duplicate key {shown(key)} (first defined at line {first.line})",
        path=path, line=again.line, column=again.column,
        hint="remove one of the two entries; YAML keeps only the last, silently",
        code="yaml-duplicate-key"))


def _scalar_key(node: yaml.ScalarNode) -> Any:
    # Keys are almost always plain strings; resolve ints/bools the way the
    # constructor will so that lookups by the constructed key work.
    if node.tag == "tag:yaml.org,2002:int":
        try:
            return int(node.value)
        except ValueError:
            return node.value
    if node.tag == "tag:yaml.org,2002:bool":
        return node.value.lower() in ("true", "yes", "on", "y")
    return node.value


def load_yaml_file(abs_path: Path, rel_path: str, *, max_bytes: int = MAX_YAML_BYTES,
                   positions: bool = True) -> YamlDocument:
    """Read and parse a YAML file; every failure is a ``YamlLoadError``."""
    text, has_bom = read_yaml_source(abs_path, rel_path, max_bytes=max_bytes)
    return load_yaml_text(text, rel_path, has_bom=has_bom, positions=positions)


def read_yaml_source(abs_path: Path, rel_path: str, *, max_bytes: int = MAX_YAML_BYTES) -> tuple[str, bool]:
    """(text, has BOM) of a YAML file (or a spec with front matter); a missing,
    unreadable, too large or wrongly encoded file is a located ``YamlLoadError``."""
    try:
        if abs_path.is_dir():
            raise YamlLoadError(error("expected a file but found a directory", path=rel_path,
                                      hint="point the registry at the .yaml file", code="file-missing"))
        size = abs_path.stat().st_size
    except FileNotFoundError:
        raise YamlLoadError(error("file does not exist", path=rel_path,
                                  hint="create it or correct the path that names it",
                                  code="file-missing")) from None
    except OSError as exc:
        raise YamlLoadError(error(f"cannot read file: {exc.strerror}", path=rel_path,
                                  code="file-unreadable")) from None
    if size > max_bytes:
        raise YamlLoadError(error(
            f"file is {size / 1048576:.1f} MiB, over the {max_bytes // 1048576} MiB limit for YAML files",
            path=rel_path, hint="this is almost certainly not a registry or spec; check the path",
            code="yaml-too-large"))
    try:  # a regular file only (a link to /dev/zero reports size 0), bounded as it is read
        raw = read_regular(abs_path, rel_path, max_bytes=max_bytes)
    except ContentError as exc:
        raise YamlLoadError(error(exc.message.removeprefix(f"{rel_path}: "), path=rel_path,
                                  hint=exc.hint, code="file-unreadable")) from None
    return decode_yaml_bytes(raw, rel_path)
