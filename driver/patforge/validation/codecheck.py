"""Syntax checks for rendered files: Python, PowerShell, POSIX shell, JSON and YAML.

Run after every render batch. Each checker takes the file's text (as it will
be written, UTF-8) and a repository-relative path, and returns diagnostics
with 1-based line and column (columns count characters, not bytes).

PowerShell is parsed with tree-sitter-pwsh (no PowerShell on our machines).
That grammar rejects a few valid scripts (e.g. a one-line
``function F { param($x) Write-Host $x }``), so callers checking hand-edited
files pass ``severity=Severity.WARNING``; generated files must parse clean.
"""

from __future__ import annotations

import json
import threading
from typing import Any

import yaml

from patforge.repository.yamlsrc import YamlLoadError, check_expanded_size

from patforge.diagnostics import Diagnostic, Severity

__all__ = [
    "check_python",
    "check_powershell",
    "check_json",
    "check_yaml",
    "check_shell",
    "check_text",
    "powershell_leaf_tokens",
    "POWERSHELL_EXTENSIONS",
]

POWERSHELL_EXTENSIONS = (".ps1", ".psm1", ".psd1")
_SNIPPET_MAX = 40


def _diag(severity: Severity | str, message: str, **kw: Any) -> Diagnostic:
    return Diagnostic(Severity(severity), message, **kw)


def _snippet(text: str, limit: int = _SNIPPET_MAX) -> str:
    text = text.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _line_col(text: str, index: int) -> tuple[int, int]:
    """1-based (line, column) of character ``index`` in ``text`` (lines end at \\n)."""
    line = text.count("\n", 0, index) + 1
    start = text.rfind("\n", 0, index) + 1
    return line, index - start + 1


def _encode(text: str, path: str, code: str, severity: Severity | str) -> bytes | Diagnostic:
    """UTF-8 bytes of ``text`` or a diagnostic for an unpaired surrogate."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        line, col = _line_col(text, exc.start)
        return _diag(
            severity,
            f"text contains an unpaired surrogate U+{ord(text[exc.start]):04X} and cannot be written as UTF-8",
            path=path,
            line=line,
            column=col,
            hint="remove the lone surrogate from the source data (registry/spec) or the template",
            code=code,
        )


# --------------------------------------------------------------------------- Python


def check_python(text: str, path: str) -> list[Diagnostic]:
    """Compile ``text`` the way Python compiles the UTF-8 file (honouring an
    encoding cookie) without running it; a SyntaxError becomes one diagnostic."""
    data = _encode(text, path, "python-syntax", Severity.ERROR)
    if isinstance(data, Diagnostic):
        return [data]
    hint = "fix the template or the value that produced this line; escape user text with esc.py_str / esc.py_comment"
    if "\x00" in text:
        line, col = _line_col(text, text.index("\x00"))
        return [
            _diag(
                Severity.ERROR,
                "Python source contains a NUL character",
                path=path, line=line, column=col, hint=hint, code="python-syntax",
            )
        ]
    try:
        compile(data, path, "exec", dont_inherit=True)
    except SyntaxError as exc:
        line = exc.lineno or None
        col = exc.offset if (line and exc.offset and exc.offset > 0) else None
        message = f"{type(exc).__name__}: {exc.msg}"
        if exc.text:
            message += f" near `{_snippet(exc.text.strip())}`"
        return [_diag(Severity.ERROR, message, path=path, line=line, column=col, hint=hint, code="python-syntax")]
    except (ValueError, RecursionError, MemoryError) as exc:
        return [
            _diag(
                Severity.ERROR,
                f"Python could not compile the file: {type(exc).__name__}: {exc}",
                path=path, hint=hint, code="python-syntax",
            )
        ]
    return []


# ----------------------------------------------------------------------- PowerShell

_ps_parser = None
_ps_lock = threading.RLock()  # re-entered: _parse_powershell -> _powershell_parser


def _powershell_parser():
    """The tree-sitter-pwsh parser, created once per process (thread-safe)."""
    global _ps_parser
    if _ps_parser is None:
        with _ps_lock:
            if _ps_parser is None:
                # why: start-up time: loaded only when _powershell_parser() runs, not when the module is imported
                import tree_sitter_pwsh
                from tree_sitter import Language, Parser

                _ps_parser = Parser(Language(tree_sitter_pwsh.language()))
    return _ps_parser


def _parse_powershell(data: bytes):
    # tree-sitter Parser objects are not safe for concurrent use.
    with _ps_lock:
        return _powershell_parser().parse(data)


def _point_to_line_col(data: bytes, row: int, byte_col: int) -> tuple[int, int]:
    """tree-sitter (row, byte column) -> 1-based (line, character column)."""
    line_start = 0
    for _ in range(row):
        nl = data.find(b"\n", line_start)
        if nl < 0:
            break
        line_start = nl + 1
    prefix = data[line_start : line_start + byte_col]
    return row + 1, len(prefix.decode("utf-8", errors="replace")) + 1


def check_powershell(text: str, path: str, severity: Severity | str = Severity.ERROR) -> list[Diagnostic]:
    """Parse with tree-sitter-pwsh; one diagnostic per ERROR node (outermost
    only) and per MISSING node. ``severity`` lets callers downgrade findings
    for hand-edited files (the grammar rejects a few valid scripts)."""
    data = _encode(text, path, "powershell-syntax", severity)
    if isinstance(data, Diagnostic):
        return [data]
    tree = _parse_powershell(data)
    root = tree.root_node
    if not root.has_error:
        return []
    hint = (
        "fix the template or the value behind this line (escape user text with esc.ps_str / "
        "esc.ps_comment); tree-sitter-pwsh also rejects some valid code, e.g. a statement "
        "after param(...) on the same line: start a new line after param(...)"
    )
    diags: list[Diagnostic] = []
    stack = [root]
    while stack:
        node = stack.pop()
        # A MISSING token, or (seen in tree-sitter-pwsh) a zero-width leaf that only
        # carries has_error, e.g. the empty command_name in `foreach ($i in ) { }`.
        if node.is_missing or (
            node.has_error and node.child_count == 0 and not node.is_error
            and node.start_byte == node.end_byte
        ):
            line, col = _point_to_line_col(data, *node.start_point)
            diags.append(
                _diag(
                    severity,
                    f"PowerShell syntax error: missing `{node.type}`",
                    path=path, line=line, column=col, hint=hint, code="powershell-syntax",
                )
            )
            continue
        if node.is_error:
            line, col = _point_to_line_col(data, *node.start_point)
            snippet = _snippet(data[node.start_byte : node.end_byte].decode("utf-8", errors="replace"))
            diags.append(
                _diag(
                    severity,
                    f"PowerShell syntax error near `{snippet}`",
                    path=path, line=line, column=col, hint=hint, code="powershell-syntax",
                )
            )
            continue
        if node.has_error:
            stack.extend(reversed(node.children))
    if not diags:  # has_error without a reachable ERROR/MISSING node: still report
        diags.append(
            _diag(
                severity, "PowerShell syntax error", path=path, line=1, column=1,
                hint=hint, code="powershell-syntax",
            )
        )
    diags.sort(key=lambda d: (d.line or 0, d.column or 0))
    return diags


def powershell_leaf_tokens(text: str) -> list[tuple[str, str, int, int]]:
    """(node_type, node_text, start_byte, end_byte) of every leaf node in
    document order (comments included). Byte offsets are into UTF-8 ``text``."""
    data = text.encode("utf-8")
    tree = _parse_powershell(data)
    out: list[tuple[str, str, int, int]] = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.child_count == 0:
            out.append(
                (node.type, data[node.start_byte : node.end_byte].decode("utf-8", errors="replace"),
                 node.start_byte, node.end_byte)
            )
        else:
            stack.extend(reversed(node.children))
    return out


# ----------------------------------------------------------------------------- JSON


class _NonStandardConstant(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    raise _NonStandardConstant(name)


def _find_bare_token(text: str, token: str) -> int:
    """Index of ``token`` outside JSON strings, or -1."""
    in_string = escaped = False
    for i, ch in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif text.startswith(token, i):
            return i
    return -1


def check_json(text: str, path: str) -> list[Diagnostic]:
    """Strict JSON: json.loads, also rejecting NaN / Infinity / -Infinity."""
    hint = "fix the template or the value that produced this line; render values with esc.json_value"
    try:
        json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        return [
            _diag(
                Severity.ERROR, f"invalid JSON: {exc.msg}", path=path,
                line=exc.lineno, column=exc.colno, hint=hint, code="json-syntax",
            )
        ]
    except _NonStandardConstant as exc:
        name = str(exc)
        idx = _find_bare_token(text, name)
        line, col = _line_col(text, idx) if idx >= 0 else (None, None)
        return [
            _diag(
                Severity.ERROR, f"invalid JSON: {name} is not allowed in JSON", path=path,
                line=line, column=col,
                hint="emit a number or null instead of NaN/Infinity, or quote it as a string",
                code="json-syntax",
            )
        ]
    except RecursionError:
        return [_diag(Severity.ERROR, "invalid JSON: nested too deeply", path=path, hint=hint, code="json-syntax")]
    return []


# ----------------------------------------------------------------------------- YAML


def check_yaml(text: str, path: str) -> list[Diagnostic]:
    """Load every document with yaml.safe_load_all (PyYAML, YAML 1.1)."""
    hint = "fix the template or the value that produced this line; render strings with esc.yaml_str"
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:  # libyaml first (10x faster); the pure loader words the errors
        loader = fast(text)
        try:
            while loader.check_node():
                node = loader.get_node()
                check_expanded_size(node, path)  # an alias bomb is refused, not expanded
                loader.construct_document(node)
            return []
        except YamlLoadError as exc:
            return [exc.diagnostic]
        except (yaml.YAMLError, RecursionError, ValueError, TypeError, OverflowError):
            pass
        finally:
            loader.dispose()
    try:
        loader = yaml.SafeLoader(text)
        try:
            while loader.check_node():
                node = loader.get_node()
                check_expanded_size(node, path)
                loader.construct_document(node)
        finally:
            loader.dispose()
    except YamlLoadError as exc:
        return [exc.diagnostic]
    except (ValueError, TypeError, OverflowError) as exc:
        return [_diag(Severity.ERROR, f"invalid YAML value: {exc}", path=path, hint=hint, code="yaml-syntax")]
    except yaml.reader.ReaderError as exc:  # a character YAML forbids raw
        # For str input PyYAML gives the code point (int) and its index.
        code_point = exc.character if isinstance(exc.character, int) else None
        line, col = _line_col(text, exc.position) if code_point is not None else (None, None)
        return [
            _diag(
                Severity.ERROR,
                f"invalid YAML: character U+{code_point:04X} is not allowed raw in YAML"
                if code_point is not None else f"invalid YAML: {exc.reason}",
                path=path, line=line, column=col,
                hint="escape it inside a double-quoted string (esc.yaml_str does) or remove it",
                code="yaml-syntax",
            )
        ]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        col = mark.column + 1 if mark is not None else None
        parts = [p for p in (exc.context, exc.problem) if p]
        message = "invalid YAML: " + (", ".join(parts) if parts else str(exc).splitlines()[0])
        return [_diag(Severity.ERROR, message, path=path, line=line, column=col, hint=hint, code="yaml-syntax")]
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return [_diag(Severity.ERROR, f"invalid YAML: {first}", path=path, hint=hint, code="yaml-syntax")]
    except RecursionError:
        return [_diag(Severity.ERROR, "invalid YAML: nested too deeply", path=path, hint=hint, code="yaml-syntax")]
    return []


# ------------------------------------------------------------------------- dispatch


def check_text(path: str, text: str) -> list[Diagnostic]:
    """Check ``text`` by ``path``'s extension (.py, .ps1/.psm1/.psd1, .sh, .json,
    .yaml/.yml; case-insensitive). Other files: no checks, []."""
    lower = path.lower()
    if lower.endswith(".py"):
        return check_python(text, path)
    if lower.endswith(POWERSHELL_EXTENSIONS):
        return check_powershell(text, path)
    if lower.endswith(".sh"):
        return check_shell(text, path)
    if lower.endswith(".json"):
        return check_json(text, path)
    if lower.endswith((".yaml", ".yml")):
        return check_yaml(text, path)
    return []


_sh_parser = None


def check_shell(text: str, path: str) -> list[Diagnostic]:
    """Parse a shell script with tree-sitter-bash (a superset of POSIX sh, so this
    catches syntax errors, not bashisms; the templates keep to POSIX sh). It runs on
    every platform, also where no ``sh`` exists. One diagnostic per outermost ERROR
    or MISSING node."""
    global _sh_parser
    data = _encode(text, path, "shell-syntax", Severity.ERROR)
    if isinstance(data, Diagnostic):
        return [data]
    with _ps_lock:  # tree-sitter parsers are not safe for concurrent use
        if _sh_parser is None:
            # why: start-up time: loaded only when check_shell() runs, not when the module is imported
            import tree_sitter_bash
            from tree_sitter import Language, Parser

            _sh_parser = Parser(Language(tree_sitter_bash.language()))
        tree = _sh_parser.parse(data)
    diags: list[Diagnostic] = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.is_missing or node.is_error:
            line, col = _point_to_line_col(data, *node.start_point)
            what = f"missing `{node.type}`" if node.is_missing else "unexpected text"
            diags.append(_diag(Severity.ERROR, f"shell syntax error: {what}", path=path, line=line,
                               column=col, code="shell-syntax",
                               hint="fix the template or the value behind this line"))
            continue
        if node.has_error:
            stack.extend(reversed(node.children))
    return diags
