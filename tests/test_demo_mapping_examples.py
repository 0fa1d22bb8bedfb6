"""The plan's 24-pattern registry (the bundled demo) renders with exit 0 although its
atomic_create spec writes ``examples:`` as a mapping, as the plan's author does."""

from __future__ import annotations

import pytest
import yaml

from patforge.check import CheckOptions, run_check
from patforge.commands.render import RenderOptions, render


@pytest.mark.slow
def test_demo_with_mapping_examples_renders_and_checks_clean(demo_repo, cli):
    spec = yaml.safe_load((demo_repo / "patterns/specs/atomic_create.pattern.yaml").read_text("utf-8"))
    assert isinstance(spec["inputs"]["test_framework"]["examples"], dict)  # the form under test
    res = cli("render", "--repo", str(demo_repo))
    assert res.code == 0, res
    assert "examples is a mapping; its values are read as the examples" not in res.text  # hand-written schema:
    # the spec plays no part in it, so nothing is said about the spec's fields
    assert render(demo_repo, RenderOptions()).wrote_nothing
    assert run_check(demo_repo, CheckOptions()).exit_code == 0
