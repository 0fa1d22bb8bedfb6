"""``--format json``: ``CheckResult.to_dict()``; the shape is docs/check-report.schema.json."""

from __future__ import annotations

import json

from patforge.check.reporters.base import Reporter, register
from patforge.check.result import CheckResult


@register
class JsonReporter(Reporter):
    name = "json"

    def render(self, result: CheckResult) -> str:
        return json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"
