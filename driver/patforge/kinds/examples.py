"""Kind ``examples``: three example instances per pattern, generated from its schema.

The instances are computed in Python (``patforge.examplegen.instances``, a deterministic schema
walker) and handed to the template as derived output; the answers file records the
schema path and their hashes. The schema that governs them is the hand-written one when
a person wrote it (it is the authority, not the spec), else the compiled one. They carry
``doc_id``/``pattern_id`` only where that schema allows them; otherwise, like hand-written
examples (present, never rendered, left alone), the sidecar kind links them with an
``examples.id.yaml`` index. A schema that admits no instance fails the unit, naming the
keyword that blocks it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, Callable, Iterator

from patforge.repository.bounded import ContentError, parse_json
from patforge.check.judging import bad, compare, problem_text, skip
from patforge.check.model import Item, RepoModel, Suite
from patforge.check.resolve import DocIdSource, as_id, embedded_json_doc_id, yaml_line
from patforge.check.rules import Finding, MUST, Rule, SHOULD, SPEC_PATFORGE
from patforge.diagnostics import Diagnostic, error, info, warning
from patforge.examplegen.instances import Blocker, GENERATOR_VERSION, instance_to_text, validate_instance
from patforge.validation.metaschema import schema_problem
from patforge.rendering.cached_examples import _cached_examples, cached_examples  # noqa: F401 - re-exported
from patforge.kinds.base import BuildContext, Kind, PATTERN, Reader, Unit
from patforge.kinds.judge import ArtifactJudge
from patforge.kinds.schema import KIND as SCHEMA, compiled_schema, usable_schema
from patforge.repository.files import RepoFiles
from patforge.repository.layout import EXAMPLES_INDEX, EXAMPLE_FILES, default_example_dir, example_dir
from patforge.repository.registry import Pattern, Registry
from patforge.examplegen.schema_input import SCHEMA_HINT
from patforge.validation.tolerance import draft03_message, draft03_required
from patforge.repository.paths import PathProblem, check_inside
from patforge.repository.yamlsrc import YamlDocument
from patforge.validation.messages import exception_text, shown

NAME = "examples"  # the --kind value, templates/examples/, and the subject of its rules


def _json_file_doc_id(files: Reader, rel: str) -> str | None:
    try:
        data = parse_json(files.read_bytes(rel) or b"", rel)
    except ContentError:
        return None
    return data.get("doc_id") if isinstance(data, dict) else None


def hand_written_examples(files: Reader, p: Pattern) -> list[str]:
    """Example JSON files present without an embedded doc_id and not managed by patforge."""
    folder = example_dir(p)
    if not files.is_dir(folder) or KIND.managed(files, p):
        return []
    names = [n for n in files.list_files(folder) if PurePosixPath(n).suffix == ".json"]
    return [n for n in names if _json_file_doc_id(files, f"{folder}/{n}") is None]


_NOT_HAND_WRITTEN = object()


def hand_written_schema(files: Reader, p: Pattern) -> Any:
    """The schema on disk if a person wrote it (present, never rendered by patforge):
    the parsed JSON, a ValueError when it does not parse, else ``_NOT_HAND_WRITTEN``."""
    if not p.schema_path or not files.exists(p.schema_path) or SCHEMA.managed(files, p):
        return _NOT_HAND_WRITTEN
    try:  # bounded nesting, strict UTF-8, no lone surrogate (repository/bounded.py)
        schema = parse_json(files.read_bytes(p.schema_path) or b"", p.schema_path)
    except ContentError as exc:  # "<file>:<line>:<col>: why" -> the why, with its line
        where, _, why = exc.message.removeprefix(f"{p.schema_path}:").partition(": ")
        line = where.split(":")[0]
        err = ValueError(why if why and line.isdigit() else exc.message.removeprefix(f"{p.schema_path}: "))
        err.lineno = int(line) if why and line.isdigit() else None  # type: ignore[attr-defined]
        return err
    return draft03_required(schema)[0]  # read as its author meant (the build warns)


def examples_to_link(registry: Registry, files: Reader, p: Pattern) -> list[str]:
    """The example files the folder's index must link to the pattern's doc_id: the
    hand-written ones without a doc_id, and the generated ones when the hand-written
    schema does not let them embed it (the schema is the authority, not patforge)."""
    names = hand_written_examples(files, p)
    schema = hand_written_schema(files, p)
    if schema is _NOT_HAND_WRITTEN or isinstance(schema, ValueError) or schema_problem(schema):
        return names
    # The examples unit renders only into a folder without examples of a person's.
    generates = KIND.managed(files, p) or own_examples(files, p, schema) is None
    if generates:
        found = cached_examples(registry, schema, registry.doc_id_for(p), p.pattern_id, NAME)
        if found.blocker is None and "doc_id" in found.sidecar_ids:
            names += [f for f in EXAMPLE_FILES if f not in names]
    return names


def own_examples(files: Reader, p: Pattern, schema: Any) -> tuple[list[str], list[tuple[str, str]]] | None:
    """(example files, [(file, why it does not validate)]) when the pattern's examples are
    a person's and there is nothing to generate: its folder holds example JSON that
    patforge did not render, and either one sits at an instance path (never overwritten)
    or all of them validate against ``schema``. None: the unit generates."""
    folder = example_dir(p)
    if not files.is_dir(folder) or KIND.managed(files, p):
        return None
    names = sorted(n for n in files.list_files(folder) if PurePosixPath(n).suffix == ".json")
    if not names:
        return None
    invalid = []
    for n in names:
        rel = f"{folder}/{n}"
        try:
            instance = parse_json(files.read_bytes(rel) or b"", rel)  # bounded, strict (repository/bounded.py)
        except (ContentError, ValueError) as exc:
            invalid.append((rel, f"not valid JSON: {exception_text(exc)}"))
            continue
        problems = validate_instance(schema, instance)
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            invalid.append((rel, problems[0] + more))
    if invalid and not any(n in EXAMPLE_FILES for n in names):
        return None  # generated instances go beside them; check reports the invalid ones
    return [f"{folder}/{n}" for n in names], invalid


def _blocked(p: Pattern, blocker: Blocker, hand_written: bool) -> Diagnostic:
    where = f"{shown(blocker.keyword)} at {blocker.pointer} in {p.schema_path}"
    if blocker.keyword in ("depth", "budget"):  # the generator's own bounds, not a keyword
        where = f"the schema at {blocker.pointer} in {p.schema_path}"
    hint = (f"relax {where}; the hand-written schema is what the examples must satisfy"
            if hand_written else
            f"the schema is compiled from {p.spec_path}: relax the spec constraint behind {where}")
    return error(f"{p.name}: {blocker.headline().replace('instance', 'example instance')}: {blocker.message()}",
                 path=p.schema_path, pattern=p.name, code="example-blocked", hint=hint)


class ExamplesKind(Kind):
    """Derived output: the generator's instances, validated against the schema."""

    derived_from = SCHEMA.name  # the examples follow the schema

    def layout(self, registry: Registry, p: Pattern) -> dict[str, str]:
        folder = example_dir(p)
        return {"example_dir": folder, **{f.split(".")[0]: f"{folder}/{f}" for f in EXAMPLE_FILES}}

    def inputs(self, p: Pattern) -> tuple[list[str], list[str]]:
        # the examples must satisfy the schema; a hand-written folder is judged by its listing
        return [p.schema_path], [example_dir(p)]

    def _schema(self, ctx: BuildContext, p: Pattern) -> tuple[Any, bool]:
        """(the schema examples must satisfy, whether a person wrote it). A hand-written
        schema is the authority; the spec only matters when patforge compiles the schema."""
        schema = hand_written_schema(ctx.files, p)
        if isinstance(schema, ValueError):
            ctx.diagnostics.add(error(f"hand-written schema cannot be read: {schema}", path=p.schema_path,
                                      line=getattr(schema, "lineno", None), pattern=p.name,
                                      hint="fix the JSON"))
            return None, True
        if schema is not _NOT_HAND_WRITTEN:
            raw = parse_json(ctx.files.read_bytes(p.schema_path) or b"", p.schema_path)
            flags = draft03_required(raw)[1]
            if flags:
                ctx.diagnostics.add(warning(
                    draft03_message(flags), path=p.schema_path, pattern=p.name, code="schema-draft03-required",
                    hint='list the names in the object\'s "required" array to make it a valid draft-07 schema'))
            problem = schema_problem(schema)
            if problem:
                ctx.diagnostics.add(error(f"hand-written schema is {problem.sentence()}", path=p.schema_path,
                                          pattern=p.name, code="schema-invalid", hint=SCHEMA_HINT))
                return None, True
            return schema, True
        return compiled_schema(ctx, p), False  # cached: diagnostics are reported once

    def _hand_written_unit(self, ctx: BuildContext, p: Pattern, schema: Any) -> Unit | None:
        """The unit as a person wrote it (see :func:`own_examples`), its invalid files named
        (a warning: the person decides; check reports them too)."""
        own = own_examples(ctx.files, p, schema)
        if own is None:
            return None
        rels, invalid = own
        for rel, why in invalid:
            ctx.diagnostics.add(warning(
                f"{p.name}: hand-written example does not validate against {p.schema_path}: {why}",
                path=rel, pattern=p.name, code="example-invalid",
                hint=f"correct the example or the schema; patforge never rewrites {rel}"))
        folder = example_dir(p)
        answers = {"answers_file": self.answers_file(p), "name": p.name, "pattern_id": p.pattern_id,
                   "example_dir": folder, "schema_path": p.schema_path}
        unit = Unit(self.name, p.name, ctx.phase, answers, rels)
        if p.example_dir is None:
            unit.registry_fields.append(("example_dir", folder))
        return unit

    def build(self, ctx: BuildContext, p: Pattern | None) -> Unit | None:
        schema, hand_written = self._schema(ctx, p)
        if schema is None:
            return None
        own = self._hand_written_unit(ctx, p, schema)
        if own is not None:
            return own  # classified hand-written: nothing generated, nothing failed
        doc_id = ctx.registry.doc_id_for(p)
        try:
            found = cached_examples(ctx.registry, schema, doc_id, p.pattern_id, NAME)
        except Exception as exc:  # noqa: BLE001 - a schema the generator cannot walk: say so, go on
            ctx.diagnostics.add(error(
                f"{p.name}: patforge could not generate example instances from {p.schema_path}: {exception_text(exc)}",
                path=p.schema_path, pattern=p.name, code="examples-not-generated",
                hint="write the examples by hand in the example folder, or simplify the schema construct "
                     "named above"))
            return None
        if found.blocker is not None:
            ctx.diagnostics.add(_blocked(p, found.blocker, hand_written))
            return None
        for note in found.notes:  # a kind reduced to minimal: say what was given up, and why
            ctx.diagnostics.add(info(f"{p.name}: {note}", path=p.schema_path, pattern=p.name,
                                     code="example-reduced"))
        instances = found.instances
        return self._generated(ctx, p, lambda k: instance_to_text(instances[k]))

    def layout_unit(self, ctx: BuildContext, p: Pattern | None) -> Unit | None:
        if p is None or not self.managed(ctx.files, p):
            return self.build(ctx, p)  # possibly a person's examples: as build says
        unit = self._generated(ctx, p, lambda k: "")
        return unit.named_only(list(unit.derived))

    def _generated(self, ctx: BuildContext, p: Pattern, text: Callable[[str], str]) -> Unit:
        """The generated unit; ``text(role)`` gives each instance file's text."""
        paths = self.layout(ctx.registry, p)
        folder = paths["example_dir"]
        answers = {"answers_file": self.answers_file(p), "name": p.name, "pattern_id": p.pattern_id,
                   "doc_id": ctx.registry.doc_id_for(p), "example_dir": folder, "schema_path": p.schema_path,
                   "minimal_path": paths["instance_minimal"], "full_path": paths["instance_full"],
                   "test_path": paths["instance_test"], "generator": GENERATOR_VERSION}
        derived = {paths[k]: text(k) for k in (f.split(".")[0] for f in EXAMPLE_FILES)}
        unit = Unit(self.name, p.name, ctx.phase, answers, [f"{folder}/{f}" for f in EXAMPLE_FILES],
                    derived=derived)
        if p.example_dir is None:
            unit.registry_fields.append(("example_dir", folder))
        return unit

    def validate(self, unit: Unit, staged: dict[str, bytes], files: Reader) -> list[Diagnostic]:
        """Each example validates against the pattern's schema (as landed just before)."""
        out: list[Diagnostic] = []
        schema_rel = unit.answers.get("schema_path")
        if not schema_rel:
            return out
        text = files.read_text(schema_rel)
        if text is None:
            return out  # schema not rendered (its own failure is reported); check will flag it
        try:
            schema = draft03_required(parse_json(text.encode("utf-8", "surrogatepass"), schema_rel))[0]
        except (ContentError, ValueError):
            return out
        for rel in unit.files:
            if rel not in staged:
                continue
            try:
                instance = parse_json(staged[rel], rel)
            except ContentError:
                continue  # reported by the syntax check
            for msg in validate_instance(schema, instance):
                out.append(error(f"example does not validate against {schema_rel}: {msg}", path=rel,
                                 pattern=unit.pattern, code="example-invalid",
                                 hint=f"the examples must satisfy {schema_rel} as it is on disk; "
                                      "render again after it changes"))
        return out


# -- check: Example instances: PAT-CHECK-001-050..-052 and PATFORGE-EXAMPLE-VALID. (was check/judges/examples.py) ---
# An example ``.json`` file in example_dir says its doc_id by an embedded top-level
# ``doc_id``, or through the folder's ``examples.id.yaml`` (top-level ``doc_id`` plus
# ``examples:``, a list of file names; an item may also be a mapping
# ``{file: <name>, doc_id: <id>}``).
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
    part = ExamplesPart(example_dir(p))
    if f.is_dir(part.folder):
        part.files = [f"{part.folder}/{n}" for n in f.list_files(part.folder) if n.lower().endswith(".json")]
        part.index = read_examples_index(f, part.folder)
        for rel in part.files:
            part.sources[rel] = example_source(f, rel, part.index)
    return part


def sources(model: RepoModel, item: Item, s: Suite) -> list[DocIdSource]:
    part: ExamplesPart = s.part(NAME)
    out: list[DocIdSource] = []
    for rel in part.files:
        claims = part.sources[rel]
        if model.files.json(rel)[1] is not None and all(c.doc_id is None for c in claims):
            continue  # not JSON at all: PATFORGE-EXAMPLE-VALID says so
        out += claims
    return out


def subject(model: RepoModel, item: Item, s: Suite | None) -> str:
    return s.part(NAME).folder if s else item.pattern.default_example_dir()


def found_at(model: RepoModel, p: Pattern) -> str | None:
    """The conventional example_dir, when it exists although the entry does not record it."""
    folder = p.default_example_dir()
    return folder if model.files.is_dir(folder) else None


def fix_path(model: RepoModel, p: Pattern, s: Suite) -> str | None:
    """The conventional example_dir, when it holds examples."""
    part: ExamplesPart = s.part(NAME)
    return part.folder if part.files and part.folder == p.default_example_dir() else None


def judge_path(model: RepoModel, item: Item, norm: str, line: int | None) -> Iterator[Finding]:
    if not model.files.is_dir(norm):
        yield bad("PAT-CHECK-001-013", item, f"example_dir {norm} is not a directory", path=model.reg_path,
                  line=line, hint="create it with at least one example (`patforge render` does) or correct "
                                  "example_dir")


def judge(model: RepoModel, item: Item, s: Suite) -> Iterator[Finding]:
    p = s.p
    part: ExamplesPart = s.part(NAME)
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
        if not folder.startswith(default_example_dir(p.root, "")):
            yield bad(rule, item, f"example_dir {folder} is not under {default_example_dir(p.root, '')}", path=folder,
                      hint=f"move it to {default_example_dir(p.root, p.name)}/ and update example_dir")
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
    usable = usable_schema(s)
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


#: The rule-table rows this kind owns (were rows of check/rules.py).
RULES: tuple[Rule, ...] = (
    Rule("PAT-CHECK-001-050", MUST, "example_dir exists under examples/ and holds at least one .json",
         "pattern", NAME),
    Rule("PAT-CHECK-001-051", SHOULD, "each example embeds doc_id, or its folder's examples.id.yaml maps it to one",
         "pattern", NAME),
    Rule("PAT-CHECK-001-052", MUST, "each example's doc_id equals the registry's and is well-formed", "pattern",
         NAME),
    Rule("PATFORGE-EXAMPLE-VALID", MUST, "each example is valid JSON and validates against its pattern's schema",
         "pattern", NAME, SPEC_PATFORGE),
)

JUDGE = ArtifactJudge(
    rules=RULES,
    kind=NAME, path_field="example_dir", locate=locate, judge=judge, sources=sources,
    subject=subject, rendered="examples", path_is="a directory", found_at=found_at, judge_path=judge_path,
    fix_path=fix_path,
    link_hints={"example": 'embed "doc_id": "{ref}" or list the file in its folder\'s examples.id.yaml'})


KIND = ExamplesKind(NAME, PATTERN,
                    "instance_minimal/full/test.json generated from the pattern's schema", check=JUDGE)
