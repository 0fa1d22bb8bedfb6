"""What every judge uses to say what it found: a FAIL/WARN, a SKIP, a doc_id comparison.

The level of a rule (``rules.py``) decides the status of a finding here, once: a rule
that does not hold is a FAIL when it is a MUST rule and a WARN when it is a SHOULD
rule (``--strict`` later turns WARN into FAIL, in ``evaluate``).
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any, Iterator

from patforge.diagnostics import Diagnostic
from patforge.docids.rule import is_valid_doc_id, per_file_stem, stem_of
from patforge.docids.doclink import doc_link_language
from patforge.repository.layout import KIND_DIRS
from patforge.repository.yamlsrc import YamlDocument

from patforge.check.model import Item, RepoModel
from patforge.check.resolve import DocIdSource, comment_problem, yaml_line
from patforge.check.rules import FAIL, MUST, RULES_BY_ID, SKIP, WARN, Finding
from patforge.validation.messages import shown

#: At most this many findings of one rule per file; then one "... and N more".
MAX_PER_FILE = 5


def bad(rule: str, item: Item | None, message: str, *, path: str | None = None, line: int | None = None,
        hint: str | None = None, root: str | None = None) -> Finding:
    """A rule that does not hold: FAIL for MUST, WARN for SHOULD."""
    status = FAIL if RULES_BY_ID[rule].level == MUST else WARN
    return Finding(rule, status, item.label if item else None, root or (item.root if item else None),
                   path, line, message, hint)


def skip(rule: str, item: Item | None, why: str, *, path: str | None = None, root: str | None = None) -> Finding:
    return Finding(rule, SKIP, item.label if item else None, root or (item.root if item else None),
                   path, None, f"not judged: {why}")


def fix_hint(what: str) -> str:
    return f"`patforge check --fix` {what}"


def judge_placement(model: RepoModel, item: Item, rule: str, *, field: str, noun: str, missing_hint: str,
                    move_to: str | None, wanted: str | None, rename_to: str) -> Iterator[Finding]:
    """-020 / -030 / -040: the file ``field`` names exists, lies under its root's folder
    for that field (``patforge.repository.layout.KIND_DIRS``) and has its conventional name
    (``wanted``: that name, when the file has another; ``move_to`` None: that folder)."""
    p = item.pattern
    folder = KIND_DIRS[field]
    rel = p.paths[field]
    if not model.files.is_file(rel):
        yield bad(rule, item, f"{field} {rel} does not exist", path=model.reg_path,
                  line=model.entry_line(item, field), hint=missing_hint)
        return
    if not rel.startswith(f"{p.root}/{folder}/"):
        yield bad(rule, item, f"{noun} {rel} is not under {p.root}/{folder}/", path=rel,
                  hint=f"move it to {move_to or f'{p.root}/{folder}/'} and update {field}")
    if wanted is not None:
        yield bad(rule, item, f"{noun} file is named {PurePosixPath(rel).name}, not {wanted}", path=rel,
                  hint=f"rename it to {rename_to} and update {field}")


def judge_named_file(model: RepoModel, item: Item, rule: str, *, field: str, noun: str, filename: str,
                     missing_hint: str) -> Iterator[Finding]:
    """:func:`judge_placement` for a file whose whole name is fixed (``filename``)."""
    p = item.pattern
    yield from judge_placement(model, item, rule, field=field, noun=noun, missing_hint=missing_hint,
                               move_to=f"{p.root}/{KIND_DIRS[field]}/{filename}", rename_to=filename,
                               wanted=None if PurePosixPath(p.paths[field]).name == filename else filename)


def problem_text(problem: Diagnostic | str) -> str:
    """A file's read problem (a located diagnostic, or a sentence) as message text."""
    return problem.message if isinstance(problem, Diagnostic) else problem


def first_key_line(doc: YamlDocument) -> int | None:
    if isinstance(doc.data, dict) and doc.data:
        return yaml_line(doc, next(iter(doc.data)))
    return 1


def compare(model: RepoModel, rule: str, item: Item, src: DocIdSource) -> Iterator[Finding]:
    """-022/-033/-042/-052/-062: a present doc_id is well-formed and equals the registry's."""
    path, line = src.where()
    expected, why = model.expected(item)
    if not is_valid_doc_id(src.doc_id):
        yield bad(rule, item, f"{src.kind} doc_id {shown(src.doc_id)} is not well-formed (ID-SYS-101: uppercase "
                  "letters and digits joined by single dashes)", path=path, line=line,
                  hint=f"correct it by hand{f' to the registry doc_id {expected}' if expected else ''}: "
                       "patforge never changes a doc_id that is present")
    elif expected is None:
        yield skip(rule, item, f"{src.kind} says {src.doc_id}, but {why}", path=path)
    elif src.doc_id != expected:
        yield bad(rule, item, f"{src.kind} says doc_id {src.doc_id}, the registry says {expected}", path=path,
                  line=line, hint=per_file_hint(src.doc_id, expected) or
                  "decide which one is right and correct the other by hand: patforge never "
                  "changes a doc_id that is present")


def per_file_hint(doc_id: str | None, expected: str) -> str | None:
    """The one fix for a per-file id (``<stem>-SCHEMA-022`` beside the registry's
    ``<stem>-739``, existing_ids.py); None for any other disagreement."""
    found = per_file_stem(doc_id) if isinstance(doc_id, str) else None
    if found is None or found[0] != stem_of(expected):
        return None
    return (f"a per-file id: the pattern's doc_id is the registry's {expected}; write it in place of "
            f"{doc_id} by hand (patforge never changes a doc_id that is present)")


def doc_link_rules(model: RepoModel, item: Item, rule_has: str, rule_eq: str, kind: str, rels: list[str],
                   links: dict[str, Any], doc_id: str, *, answers: str | None, missing_why: str
                   ) -> Iterator[Finding]:
    """A DOC_LINK header in each file (``rule_has``) that equals the registry's doc_id
    (``rule_eq``); ``answers``: the answers file when patforge rendered the file."""
    if not rels:
        yield skip(rule_has, item, missing_why)
        yield skip(rule_eq, item, missing_why)
        return
    for rel in rels:
        link = links.get(rel)
        ext = PurePosixPath(rel).suffix
        if link is None:
            if answers and model.files.is_file(answers):  # rendered by patforge: update restores it
                hint = f"it was rendered by patforge: `patforge update` restores the header (or add `# DOC_LINK: " \
                       f"{doc_id}` by hand)"
            elif doc_link_language(ext):
                hint = fix_hint(f"inserts `# DOC_LINK: {doc_id}` as a header comment (after a shebang, "
                                "#Requires or coding line)")
            else:
                hint = f"add a header comment `DOC_LINK: {doc_id}` in the file's comment syntax in its first lines"
            yield bad(rule_has, item, f"{kind} {rel} has no DOC_LINK header", path=rel, line=1, hint=hint)
            yield skip(rule_eq, item, f"{kind} {rel} has no DOC_LINK ({rule_has})", path=rel)
            continue
        prob = comment_problem(model.files.text(rel) or "", link, ext)
        if prob:
            yield bad(rule_has, item, f"{kind} {rel}: {prob}", path=rel, line=link.line,
                      hint="rewrite the line as a comment of the file's language")
        yield from compare(model, rule_eq, item, DocIdSource(kind, rel, link.doc_id, link.line))
