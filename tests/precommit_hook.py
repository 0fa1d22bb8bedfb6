"""The shipped pre-commit hook as a `repo: local` hook, for the tests that run real pre-commit."""

from __future__ import annotations

import yaml

from conftest import ROOT


def hook_config() -> dict:
    """The shipped hook (.pre-commit-hooks.yaml) as a `repo: local` hook: the same entry,
    filenames and files regex; language system, so it runs the installed patforge
    (a `language: python` hook would pip-install patforge, which needs the network)."""
    hook = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))[0]
    assert hook["pass_filenames"] is True and hook["files"].startswith("^")
    local = {k: hook[k] for k in ("id", "name", "entry", "pass_filenames", "always_run", "files")}
    return {"repos": [{"repo": "local", "hooks": [{**local, "language": "system"}]}]}
