#!/usr/bin/env python3
"""Generate a synthetic pattern repository of any size, for benchmarks.

    python bench/genrepo.py --patterns 1000 --out /tmp/repo1000 [--seed 0]

or, from Python, ``generate(out, n, seed=0)``. The output is a git repository
with one commit, shaped like the bundled demo (``driver/patforge/data/demo``):

* ``patterns/registry/PATTERN_INDEX.yaml``: header comments, ``version`` and
  ``metadata`` blocks, then one entry per pattern with comments between entries
  (section banners, per-entry notes, a comment inside some entries), mixed
  quoting and flow/block lists;
* ~75% core patterns under ``patterns/`` whose specs use the FULL input dialect
  (string/boolean/integer/number/array/object, required, enum, default,
  example/examples, pattern, min_length/max_length, min/max,
  min_items/max_items, nested ``items`` objects with ``required: [..]`` and
  ``properties``, shorthand ``field: integer``);
* ~25% migrated patterns under ``patterns/legacy_atoms/converted/`` with
  placeholder inputs and outputs (``status: migrated``, ``migrated_from``);
* executors are ~70% PowerShell (``.ps1``) and ~30% Python (``.py``); no
  artifact exists yet (``patforge render`` creates them all).

The same ``(n, seed)`` gives byte-identical files and the same commit id (fixed
author, committer and dates). Only the standard library is used.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

GIT_ENV = {
    "GIT_AUTHOR_NAME": "patforge bench", "GIT_AUTHOR_EMAIL": "bench@patforge.invalid",
    "GIT_COMMITTER_NAME": "patforge bench", "GIT_COMMITTER_EMAIL": "bench@patforge.invalid",
    "GIT_AUTHOR_DATE": "2025-01-01T00:00:00+0000", "GIT_COMMITTER_DATE": "2025-01-01T00:00:00+0000",
    "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
}

REGISTRY = "patterns/registry/PATTERN_INDEX.yaml"
CORE_ROOT = "patterns"
MIGRATED_ROOT = "patterns/legacy_atoms/converted"

VERBS = ["create", "update", "sync", "verify", "rotate", "merge", "scan", "archive", "deploy",
         "rename", "patch", "heal", "audit", "index", "export", "import", "lint", "format",
         "bundle", "publish", "clean", "migrate", "notify", "backup", "restore", "probe"]
NOUNS = ["config", "module", "branch", "worktree", "log", "cache", "secret", "manifest", "report",
         "schema", "package", "service", "fixture", "snapshot", "ticket", "pipeline", "release",
         "inventory", "template", "registry", "artifact", "dataset", "endpoint", "quota"]
CATEGORIES = ["file_operations", "refactoring", "recovery", "version_control", "scaffolding",
              "validation", "reporting", "orchestration", "deployment", "observability"]
ROLES = ["orchestrator", "validator", "file_ops", "git_sync", "reporter", "core", "hasher",
         "notifier", "archiver", "lock_manager", "log_parser", "env_resolver"]
TOOLS = ["claude_code", "github_copilot", "aider", "codex_cli", "cursor"]
STATUSES = ["draft", "stable", "spec_only", "draft", "stable"]
FIELD_WORDS = ["project_root", "target_path", "timeout_seconds", "retry_count", "dry_run",
               "encoding", "mode", "threshold", "labels", "entries", "options", "owner",
               "branch_name", "max_parallel", "ratio", "include_hidden", "filters", "tags",
               "output_format", "batch_size", "log_level", "destination", "checksum", "notes"]

# (regex, example matching it); single-quoted in YAML, so backslashes stay as written.
PATTERNS = [
    (r"^[a-z][a-z0-9_]{0,49}$", "string_helpers"),
    (r"^[^:*?\"<>|]+$", "src/utils/helpers.py"),
    (r"^\.[a-z0-9]+$", ".partial"),
    (r"^v[0-9]+\.[0-9]+\.[0-9]+$", "v1.2.3"),
    (r"^[A-Z]{2,5}-[0-9]{1,6}$", "OPS-1234"),
    (r"^(main|release/[0-9.]+)$", "release/2.1"),
]
WIN_PATHS = ["'C:\\Projects\\MyApp'", "'D:\\work\\repo'", "'C:\\Users\\dev\\src'"]


class _Gen:
    def __init__(self, rnd: random.Random) -> None:
        self.r = rnd

    def choice(self, seq):
        return self.r.choice(seq)

    # -- one input field in the full dialect, as YAML lines at `ind` spaces ------
    def field(self, name: str, ind: int, depth: int = 0) -> list[str]:
        r = self.r
        sp = " " * ind
        kinds = ["str_minlen", "str_pattern", "str_enum", "bool", "int", "num", "arr_str",
                 "shorthand", "str_examples"]
        if depth == 0:
            kinds += ["arr_obj", "obj", "arr_obj", "obj"]
        kind = r.choice(kinds)
        req = r.random() < 0.4
        desc = f"{sp}  description: {self.choice(['The', 'Which', 'How many'])} {name.replace('_', ' ')} to use."
        head = [f"{sp}{name}:"]
        reqline = [f"{sp}  required: {'true' if req else 'false'}"] if r.random() < 0.8 else []
        if kind == "shorthand":
            return [f"{sp}{name}: {r.choice(['integer', 'string', 'boolean', 'number'])}"]
        if kind == "str_minlen":
            lo = r.randint(1, 5)
            hi = lo + r.randint(20, 200)
            ex = r.choice(WIN_PATHS) if "root" in name or "path" in name else f"example-{name}"
            hi = max(hi, len(ex))  # the example must satisfy max_length
            return head + [f"{sp}  type: string"] + reqline + [desc, f"{sp}  min_length: {lo}",
                                                              f"{sp}  max_length: {hi}",
                                                              f"{sp}  example: {ex}"]
        if kind == "str_pattern":
            rx, ex = r.choice(PATTERNS)
            return head + [f"{sp}  type: string"] + reqline + [desc, f"{sp}  pattern: '{rx}'",
                                                              f"{sp}  example: {_q(ex)}"]
        if kind == "str_enum":
            values = r.sample(["fast", "safe", "strict", "lenient", "verbose", "quiet", "json",
                               "text", "sarif"], r.randint(2, 4))
            return head + [f"{sp}  type: string"] + reqline + [
                desc, f"{sp}  enum: [{', '.join(values)}]", f"{sp}  default: {r.choice(values)}"]
        if kind == "str_examples":
            return head + [f"{sp}  type: string"] + reqline + [
                desc, f"{sp}  examples: [alpha, beta, \"gamma delta\"]"]
        if kind == "bool":
            return head + [f"{sp}  type: boolean"] + reqline + [
                desc, f"{sp}  default: {r.choice(['true', 'false'])}"]
        if kind == "int":
            lo = r.randint(0, 10)
            hi = lo + r.randint(1, 1000)
            return head + [f"{sp}  type: integer"] + reqline + [
                desc, f"{sp}  min: {lo}", f"{sp}  max: {hi}", f"{sp}  default: {r.randint(lo, hi)}"]
        if kind == "num":
            lo = round(r.uniform(0, 1), 2)
            hi = round(lo + r.uniform(0.5, 100), 2)
            return head + [f"{sp}  type: number"] + reqline + [
                desc, f"{sp}  min: {lo}", f"{sp}  max: {hi}", f"{sp}  example: {round((lo + hi) / 2, 2)}"]
        if kind == "arr_str":
            lo = r.randint(0, 1)  # the examples below have 1 and 2 items
            return head + [f"{sp}  type: array"] + reqline + [
                desc, f"{sp}  min_items: {lo}", f"{sp}  max_items: {lo + r.randint(2, 40)}",
                f"{sp}  items:", f"{sp}    type: string", f"{sp}    min_length: 1",
                f"{sp}  examples:", f"{sp}    - [a.txt, b.txt]", f"{sp}    - [c.txt]"]
        if kind == "arr_obj":
            props = r.sample(FIELD_WORDS, r.randint(2, 4))
            reqd = props[:r.randint(1, len(props))]
            lines = head + [f"{sp}  type: array"] + reqline + [
                desc, f"{sp}  min_items: 1", f"{sp}  max_items: {r.randint(2, 100)}",
                f"{sp}  items:", f"{sp}    type: object", f"{sp}    required: [{', '.join(reqd)}]",
                f"{sp}    properties:"]
            for p in props:
                lines += self.field(p, ind + 6, depth + 1)
            return lines
        # obj
        props = r.sample(FIELD_WORDS, r.randint(1, 3))
        lines = head + [f"{sp}  type: object"] + reqline + [desc, f"{sp}  properties:"]
        for p in props:
            lines += self.field(p, ind + 4, depth + 1)
        return lines


def _q(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _names(n: int, rnd: random.Random) -> list[tuple[str, str, bool, str]]:
    """(name, pattern_id, migrated, executor ext) for n patterns: core first, then migrated."""
    n_mig = n // 4
    n_core = n - n_mig
    out = []
    for i in range(1, n_core + 1):
        verb, noun = VERBS[i % len(VERBS)], NOUNS[(i * 7) % len(NOUNS)]
        out.append((f"{verb}_{noun}_{i:03d}", f"PAT-{verb.upper()}-{noun.upper()}-{i:03d}", False))
    for i in range(1, n_mig + 1):
        role = ROLES[i % len(ROLES)]
        out.append((f"migrated_{role}_{i:03d}",
                    f"PAT-MIGRATED-{role.upper().replace('_', '-')}-{i:03d}", True))
    # ~70% PowerShell / ~30% Python, deterministic for the seed.
    exts = [".ps1"] * round(n * 0.7) + [".py"] * (n - round(n * 0.7))
    rnd.shuffle(exts)
    return [(a, b, c, e) for (a, b, c), e in zip(out, exts)]


def _spec_core(g: _Gen, name: str, pid: str, category: str, status: str, ext: str) -> str:
    r = g.r
    fields = r.sample(FIELD_WORDS, r.randint(4, 9))
    lines = [
        "# " + "=" * 77,
        f"# Pattern Specification: {name}",
        f"# File: {CORE_ROOT}/specs/{name}.pattern.yaml",
        "# " + "=" * 77,
        f"# Synthetic benchmark pattern ({'PowerShell' if ext == '.ps1' else 'Python'} executor).",
        "",
        f"pattern_id: {pid}",
        f"name: {name}",
        f'version: "{r.randint(0, 3)}.{r.randint(0, 9)}.{r.randint(0, 9)}"',
        f"category: {category}",
        f"status: {status}",
        "",
        "metadata:",
        "  author: platform-automation",
        f'  created: "2025-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"',
        f"  tags: [{', '.join(r.sample(['files', 'git', 'ci', 'windows', 'python', 'batch', 'safety'], 3))}]",
        "",
        "intent: |",
        f"  {name.replace('_', ' ').capitalize()} for a project, safely and repeatably.",
        "  Every step is validated first; a failure leaves the project as it was",
        "  (\"all or nothing\"), and the result is reported as JSON: {ok, changed}.",
        "",
        "applicability:",
        "  when_to_use:",
        f"    - A tool must {name.split('_')[0]} {name.split('_')[1]} items without manual steps",
        "  when_not_to_use:",
        "    - One-off edits done by hand",
        "  constraints:",
        "    - All paths must be inside project_root",
        "",
        "inputs:",
    ]
    for f in fields:
        lines += g.field(f, 2)
    lines += ["", "outputs:"]
    for f in r.sample(["files_changed", "duration_seconds", "ok", "summary", "warnings"], 3):
        if f == "files_changed":
            lines += ["  files_changed:", "    type: array", "    items:", "      type: string",
                      "    description: Paths changed, relative to project_root."]
        elif f == "duration_seconds":
            lines += ["  duration_seconds:", "    type: number", "    min: 0"]
        elif f == "ok":
            lines += ["  ok: boolean"]
        elif f == "summary":
            lines += ["  summary: string"]
        else:
            lines += ["  warnings: integer"]
    lines += [
        "",
        "execution_steps:",
        "  - step_id: S1_validate",
        "    description: Check the instance against the schema.",
        "    actions:",
        "      - Load the instance JSON",
        "      - Reject paths that escape project_root",
        "  - step_id: S2_apply",
        "    description: Do the work.",
        "    actions: []",
        "",
        "performance_profile:",
        f"  estimated_duration_seconds: {r.randint(1, 60)}",
        f'  time_savings_vs_manual: "{r.randint(20, 95)}%"',
        "",
        "compliance:",
        "  standards: [PAT-CHECK-001]",
        f"  requires_review: {r.choice(['true', 'false'])}",
    ]
    return "\n".join(lines) + "\n"


def _spec_migrated(g: _Gen, name: str, pid: str, category: str, role: str, uid: str) -> str:
    return "\n".join([
        "# " + "=" * 77,
        f"# Migrated pattern: {name}",
        f"# Converted from atomic-workflow-system atom {uid} (role: {role})",
        "# Conversion date: 2025-11-20. Review inputs and outputs before first use.",
        "# " + "=" * 77,
        "",
        f"pattern_id: {pid}",
        f"name: {name}",
        'version: "0.1.0"',
        f"category: {category}",
        "status: migrated",
        "",
        "metadata:",
        "  migrated_from: atomic-workflow-system",
        f'  original_atom_uid: "{uid}"',
        f"  original_role: {role}",
        '  migration_date: "2025-11-20"',
        f"  source_dir: 'DIR\\Tool-Agnostic Patterns\\atoms\\{role}'",
        "",
        "intent: |",
        f"  Migrated {role.replace('_', ' ')} atom.",
        "  (Converted automatically from the original atom description.)",
        "",
        "# The atom manifest had no typed parameters; the owner defines them later.",
        "inputs:",
        "  placeholder: true  # TO BE DEFINED",
        "outputs: {placeholder: true}",
    ]) + "\n"


def _entry(g: _Gen, name: str, pid: str, migrated: bool, ext: str, category: str, status: str,
           role: str, uid: str) -> list[str]:
    r = g.r
    root = MIGRATED_ROOT if migrated else CORE_ROOT
    q = r.choice(['"', "'", '"'])
    lines = [
        f"  - pattern_id: {pid}",
        f"    name: {name}",
        f"    version: {q}{'0.1.0' if migrated else f'{r.randint(0, 3)}.{r.randint(0, 9)}.0'}{q}",
        f"    status: {'migrated' if migrated else status}",
        f"    category: {category}",
        f"    spec_path: {root}/specs/{name}.pattern.yaml",
        f"    schema_path: {root}/schemas/{name}.schema.json",
    ]
    if not migrated and r.random() < 0.1:
        lines.append("    # executor language chosen by the owning team")
    lines.append(f"    executor_path: {root}/executors/{name}_executor{ext}")
    if not migrated and r.random() < 0.3:
        lines.append(f"    example_dir: {root}/examples/{name}")
    tools = r.sample(TOOLS, r.randint(1, 3))
    if r.random() < 0.6:
        lines.append(f"    tool_targets: [{', '.join(tools)}]")
    else:
        lines += ["    tool_targets:"] + [f"      - {t}" for t in tools]
    lines.append(f'    time_savings_vs_manual: "{r.randint(20, 95)}%"')
    note = r.choice(["Reference implementation.", "Candidate for retirement: overlaps another pattern.",
                     "Owner: platform-automation.", "Uses the shared git helpers.",
                     "Batches work in groups of 10."])
    plain = r.random() < 0.5 and ": " not in note  # "a: b" unquoted would be a mapping
    lines.append(f"    notes: {note}" if plain else f'    notes: "{note}"')
    if migrated:
        lines += ["    migrated_from: atomic-workflow-system", f'    original_atom_uid: "{uid}"',
                  f"    original_role: {role}", '    migration_date: "2025-11-20"']
    return lines


def render_files(n: int, seed: int = 0) -> dict[str, str]:
    """Every file of the repository (path -> text), without writing anything."""
    if n < 1:
        raise ValueError("n must be at least 1")
    rnd = random.Random(seed)
    g = _Gen(rnd)
    files: dict[str, str] = {}
    n_mig = n // 4
    reg = [
        "# " + "=" * 77,
        "# PATTERN_INDEX.yaml - registry of all automation patterns in this repository",
        "# " + "=" * 77,
        f"# Synthetic benchmark registry: {n} patterns, seed {seed} (bench/genrepo.py).",
        "# Paths are relative to the repository root and use forward slashes.",
        "#",
        "# Status values: draft | spec_only | migrated | stable | deprecated",
        "# " + "=" * 77,
        "",
        'version: "2.1.0"',
        "",
        "metadata:",
        '  created: "2025-11-18T10:02:00Z"',
        f"  total_patterns: {n}",
        "  description: >-",
        "    Synthetic registry for patforge benchmarks: core patterns with full",
        "    specs plus atoms migrated from atomic-workflow-system.",
        "  maintainers:",
        "    - platform-automation",
        "",
        "patterns:",
        "  # " + "=" * 75,
        "  # CORE PATTERNS",
        "  # " + "=" * 75,
        "",
    ]
    first_migrated = True
    for i, (name, pid, migrated, ext) in enumerate(_names(n, rnd)):
        category = "core" if migrated and rnd.random() < 0.5 else rnd.choice(CATEGORIES)
        status = rnd.choice(STATUSES)
        role = rnd.choice(ROLES)
        uid = "%016x" % rnd.getrandbits(64)
        if migrated and first_migrated:
            first_migrated = False
            reg += ["  # ---- migrated from atomic-workflow-system ----",
                    "  # Converted by the one-off atom converter on 2025-11-20. Specs carry",
                    "  # placeholder inputs/outputs until each owner defines them.", ""]
        elif i % 10 == 0 and i:
            reg += [f"  # -- block {i // 10}: {category.replace('_', ' ')} --", ""]
        elif rnd.random() < 0.3:
            reg.append(f"  # {name}: {rnd.choice(['reviewed', 'needs owner', 'see ADR-12', 'ok'])}")
        reg += _entry(g, name, pid, migrated, ext, category, status, role, uid) + [""]
        root = MIGRATED_ROOT if migrated else CORE_ROOT
        spec = (_spec_migrated(g, name, pid, category, role, uid) if migrated
                else _spec_core(g, name, pid, category, status, ext))
        files[f"{root}/specs/{name}.pattern.yaml"] = spec
    reg.append("# End of registry.")
    files[REGISTRY] = "\n".join(reg) + "\n"
    for root in (CORE_ROOT, MIGRATED_ROOT) if n_mig else (CORE_ROOT,):
        for sub in ("schemas", "executors", "examples", "tests"):
            files[f"{root}/{sub}/.gitkeep"] = ""
    files["README.md"] = (f"# Synthetic pattern repository ({n} patterns, seed {seed})\n\n"
                          "Generated by `bench/genrepo.py` for patforge benchmarks.\n")
    return files


def _git(repo: Path, *args: str) -> None:
    res = subprocess.run(["git", *args], cwd=repo, env={**os.environ, **GIT_ENV},
                         capture_output=True, text=True)
    if res.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed: {res.stderr.strip()}")


def generate(out: Path, n: int, seed: int = 0) -> Path:
    """Write an n-pattern repository to ``out`` (replaced if it exists) as a git
    repository with one commit; return its path."""
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for rel, text in render_files(n, seed).items():
        p = out / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(text.encode("utf-8"))
    _git(out, "init", "-q", "-b", "main")
    _git(out, "add", "-A")
    # No background `gc --auto` (10,000 patterns leave more loose objects than its
    # threshold): it would delete objects while a caller copies the repository.
    _git(out, "-c", "gc.auto=0", "commit", "-q", "-m", f"synthetic registry: {n} patterns, seed {seed}")
    _git(out, "repack", "-a", "-d", "-q")  # one pack: fast to copy, nothing left for gc to do
    return out


def verify(repo: Path) -> list[str]:
    """Compile every spec with patforge and check its generated examples validate;
    return the problems (empty: every spec is usable). Needs patforge importable."""
    from patforge.spec.compiler import compile_schema
    from patforge.docids.rule import derive_doc_id
    from patforge.examplegen.instances import generate_instances, validate_instance
    from patforge.repository.registry import load_registry

    reg = load_registry(Path(repo))
    problems = [f"registry: {d.message}" for d in reg.diagnostics if d.is_error]
    if len(reg.patterns) != len(reg.entries):
        problems.append(f"only {len(reg.patterns)} of {len(reg.entries)} entries are usable")
    for p in reg.patterns:
        if p.spec is None:
            problems.append(f"{p.name}: spec does not load")
            continue
        doc_id = derive_doc_id(p.pattern_id)
        res = compile_schema(p.spec.data, name=p.name, pattern_id=p.pattern_id, doc_id=doc_id,
                             doc=p.spec.doc, spec_path=p.spec_path)
        problems += [f"{p.name}: {d.message}" for d in res.diagnostics]  # warnings too
        if not res.ok:
            continue
        for kind, inst in generate_instances(res.schema, doc_id=doc_id, pattern_id=p.pattern_id).items():
            problems += [f"{p.name} {kind}: {m}" for m in validate_instance(res.schema, inst)]
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--patterns", "-n", type=int, required=True, help="number of patterns")
    ap.add_argument("--out", type=Path, required=True, help="output folder (replaced)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--verify", action="store_true",
                    help="compile every spec with patforge; exit 1 on any diagnostic")
    args = ap.parse_args(argv)
    path = generate(args.out, args.patterns, args.seed)
    print(f"wrote {args.patterns} patterns to {path}")
    if args.verify:
        problems = verify(path)
        for line in problems:
            print("  " + line)
        print(f"verify: {len(problems)} problem(s) in {args.patterns} specs")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
