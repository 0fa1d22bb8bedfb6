"""Example instances: PAT-CHECK-001-050..-052 and PATFORGE-EXAMPLE-VALID.

An example ``.json`` file in example_dir says its doc_id by an embedded top-level
``doc_id``, or through the folder's ``examples.id.yaml`` (top-level ``doc_id`` plus
``examples:``, a list of file names; an item may also be a mapping
``{file: <name>, doc_id: <id>}``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, Iterator

from patforge.diagnostics import Diagnostic
from patforge.examplegen.instances import validate_instance
from patforge.repository.layout import EXAMPLES_INDEX
from patforge.repository.paths import PathProblem, check_inside
from patforge.repository.files import RepoFiles
from patforge.repository.registry import Pattern
from patforge.repository.yamlsrc import YamlDocument

from patforge.check.judges import schema
from patforge.check.judges.interface import ArtifactJudge
from patforge.check.judging import bad, compare, problem_text, skip
from patforge.check.model import Item, RepoModel, Suite
from patforge.check.resolve import DocIdSource, as_id, embedded_json_doc_id, yaml_line
from patforge.check.rules import Finding

KIND = "examples"


@dataclass
class ExamplesIndex:
    path: str
    doc: YamlDocument | None
    problem: Diagnostic | str | None
    doc_id: Any = None
    listed: dict[str, tuple[Any, int | None]] | None = None  # file name -> (doc_id or None, line)


def read_examples_index(files: RepoFiles, folder: str) -> ExamplesIndex | None:
    rel = f"{folder}/{EXAMPLES_INDEX}"
    if not files.is_file(rel):
        return None
    doc = files.yaml(rel)
    if isinstance(doc, Diagnostic):
        return ExamplesIndex(rel, None, doc)
    if not isinstance(doc.data, dict) or not isinstance(doc.data.get("examples"), list):
        return ExamplesIndex(rel, None, "it is not a mapping with an 'examples:' list")
    listed: dict[str, tuple[Any, int | None]] = {}
    for i, item in enumerate(doc.data["examples"]):
        if isinstance(item, str):
            listed[item] = (None, yaml_line(doc, "examples", i))
        elif isinstance(item, dict):
            name = item.get("file") or item.get("name") or item.get("path")
            if isinstance(name, str):
                listed[PurePosixPath(name).name] = (item.get("doc_id"), yaml_line(doc, "examples", i))
    return ExamplesIndex(rel, doc, None, doc.data.get("doc_id"), listed)


def example_source(files: RepoFiles, rel: str, index: ExamplesIndex | None) -> list[DocIdSource]:
    """Every doc_id claim about one example: embedded, and/or by the folder's index.
    An example that makes no claim at all yields one source with doc_id None."""
    out: list[DocIdSource] = []
    embedded = embedded_json_doc_id(files, rel, "example")
    if embedded is not None and embedded.doc_id is not None:
        out.append(embedded)
    name = PurePosixPath(rel).name
    if index is not None and index.listed is not None and name in index.listed:
        own, line = index.listed[name]
        value = own if own is not None else index.doc_id
        if value is not None:
            if own is None:
                line = yaml_line(index.doc, "doc_id") if index.doc else line
            out.append(DocIdSource("example", rel, as_id(value), None, via=index.path, via_line=line))
    if not out:
        out.append(DocIdSource("example", rel, None))
    return out


@dataclass
class ExamplesPart:
    folder: str  # example_dir, or where render would put it
    files: list[str] = field(default_factory=list)  # the .json examples in it
    index: ExamplesIndex | None = None
    sources: dict[str, list[DocIdSource]] = field(default_factory=dict)  # example -> its doc_id claims


def locate(model: RepoModel, p: Pattern) -> ExamplesPart:
    f = model.files
    part = ExamplesPart(p.example_dir or p.default_example_dir())
    if f.is_dir(part.folder):
        part.files = [f"{part.folder}/{n}" for n in f.list_files(part.folder) if n.lower().endswith(".json")]
        part.index = read_examples_index(f, part.folder)
        for rel in part.files:
            part.sources[rel] = example_source(f, rel, part.index)
    return part


def sources(model: RepoModel, item: Item, s: Suite) -> list[DocIdSource]:
    part: ExamplesPart = s.part(KIND)
    out: list[DocIdSource] = []
    for rel in part.files:
        claims = part.sources[rel]
        if model.files.json(rel)[1] is not None and all(c.doc_id is None for c in claims):
            continue  # not JSON at all: PATFORGE-EXAMPLE-VALID says so
        out += claims
    return out


def subject(model: RepoModel, item: Item, s: Suite | None) -> str:
    return s.part(KIND).folder if s else item.pattern.default_example_dir()


def found_at(model: RepoModel, p: Pattern) -> str | None:
    """The conventional example_dir, when it exists although the entry does not record it."""
    folder = p.default_example_dir()
    return folder if model.files.is_dir(folder) else None


def fix_path(model: RepoModel, p: Pattern, s: Suite) -> str | None:
    """The conventional example_dir, when it holds examples."""
    part: ExamplesPart = s.part(KIND)
    return part.folder if part.files and part.folder == p.default_example_dir() else None


def judge_path(model: RepoModel, item: Item, norm: str, line: int | None) -> Iterator[Finding]:
    if not model.files.is_dir(norm):
        yield bad("PAT-CHECK-001-013", item, f"example_dir {norm} is not a directory", path=model.reg_path,
                  line=line, hint="create it with at least one example (`patforge render` does) or correct "
                                  "example_dir")


def judge(model: RepoModel, item: Item, s: Suite) -> Iterator[Finding]:
    p = s.p
    part: ExamplesPart = s.part(KIND)
    folder = part.folder
    recorded = p.example_dir is not None
    f = model.files
    expected, _ = model.expected(item)
    doc_id = expected or model.derived(item) or "DOC-..."
    rule = "PAT-CHECK-001-050"
    ok_dir = f.is_dir(folder)
    if not ok_dir:
        if recorded:
            yield bad(rule, item, f"example_dir {folder} does not exist", path=model.reg_path,
                      line=model.entry_line(item, "example_dir"),
                      hint="`patforge render` creates the examples (or correct example_dir)")
        else:
            yield bad(rule, item, f"the entry has no example_dir and {folder} does not exist; run `patforge "
                      "render` to create and record it", path=model.reg_path, line=model.entry_line(item),
                      hint="`patforge render` generates instance_minimal/full/test.json and records example_dir")
    else:
        if not folder.startswith(f"{p.root}/examples/"):
            yield bad(rule, item, f"example_dir {folder} is not under {p.root}/examples/", path=folder,
                      hint=f"move it to {p.root}/examples/{p.name}/ and update example_dir")
        if not part.files:
            yield bad(rule, item, f"example_dir {folder} holds no .json example", path=folder,
                      hint="add instance_minimal.json (`patforge render` generates it)")
    no_examples = "no examples (PAT-CHECK-001-050)"
    # -051
    rule = "PAT-CHECK-001-051"
    idx = part.index
    if idx is not None and idx.problem is not None:
        d = idx.problem
        yield bad(rule, item, f"{idx.path} cannot be read: {problem_text(d)}",
                  path=idx.path, line=d.line if isinstance(d, Diagnostic) else 1,
                  hint=(d.hint if isinstance(d, Diagnostic) else None) or "fix it by hand")
    if idx is not None and idx.listed:
        present = {PurePosixPath(r).name for r in part.files}
        for name, (_, line) in sorted(idx.listed.items()):
            if name not in present:
                yield bad(rule, item, f"{idx.path} lists {name}, which is not in {folder}", path=idx.path,
                          line=line, hint=f"remove {name} from the index, or restore the example")
    if not part.files:
        yield skip(rule, item, no_examples, path=folder)
    for rel in part.files:
        if model.files.json(rel)[1] is not None and all(src.doc_id is None for src in part.sources[rel]):
            yield skip(rule, item, f"example {PurePosixPath(rel).name} is not valid JSON (PATFORGE-EXAMPLE-VALID)",
                       path=rel)
        elif all(src.doc_id is None for src in part.sources[rel]):
            yield bad(rule, item, f"example {PurePosixPath(rel).name} has no doc_id and "
                      f"{folder}/examples.id.yaml does not list it", path=rel, line=1,
                      hint=f'embed "doc_id": "{doc_id}" in it, or list it under examples: in '
                           f"{folder}/examples.id.yaml (which `patforge render` writes for hand-written examples)")
    # -052
    rule = "PAT-CHECK-001-052"
    if not part.files:
        yield skip(rule, item, no_examples, path=folder)
    for rel in part.files:
        for src in part.sources[rel]:
            if src.doc_id is None:
                yield skip(rule, item, f"example {PurePosixPath(rel).name} has no doc_id (PAT-CHECK-001-051)",
                           path=rel)
            else:
                yield from compare(model, rule, item, src)
    # instances against the schema
    rule = "PATFORGE-EXAMPLE-VALID"
    if not part.files:
        yield skip(rule, item, no_examples, path=folder)
        return
    usable = schema.usable_schema(s)
    for rel in part.files:
        try:
            check_inside(model.repo, rel)  # render refuses it, so check fails it (never judges its content)
        except PathProblem as exc:
            yield bad(rule, item, f"example {PurePosixPath(rel).name}: {exc}", path=rel, hint=exc.hint)
            continue
        data, err = f.json(rel)
        if err is not None:
            m = re.search(r"line (\d+)", err)
            yield bad(rule, item, f"example {PurePosixPath(rel).name} is not valid JSON: {err}", path=rel,
                      line=int(m.group(1)) if m else None, hint="fix the JSON by hand")
            continue
        if usable is None:
            yield skip(rule, item, f"no usable schema at {p.schema_path} to validate against", path=rel)
            continue
        problems = validate_instance(usable, data)
        if problems:
            more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
            yield bad(rule, item, f"example {PurePosixPath(rel).name} does not validate against "
                      f"{p.schema_path}: {'; '.join(problems[:3])}{more}", path=rel, line=1,
                      hint="a person decides: fix the example or the schema (patforge never edits either)")


JUDGE = ArtifactJudge(
    kind=KIND, path_field="example_dir", locate=locate, judge=judge, sources=sources,
    subject=subject, rendered="examples", path_is="a directory", found_at=found_at, judge_path=judge_path,
    fix_path=fix_path,
    link_hints={"example": 'embed "doc_id": "{ref}" or list the file in its folder\'s examples.id.yaml'})
