"""``--format sarif``: SARIF 2.1.0, one run.

``tool.driver.rules`` lists every rule judged (id, short description, default level
error for MUST / warning for SHOULD); one result per FAIL/WARN finding (level
error/warning) with its file and line, relative to ``originalUriBaseIds.REPOROOT``
(the repository).
"""

from __future__ import annotations

import json
from urllib.parse import quote

from patforge import __version__
from patforge.check.reporters.base import Reporter, register
from patforge.check.result import CheckResult
from patforge.check.rules import FAIL, MUST, RULES_BY_ID, WARN

SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"


@register
class SarifReporter(Reporter):
    name = "sarif"

    def render(self, result: CheckResult) -> str:
        return json.dumps(sarif_report(result), indent=2, ensure_ascii=False) + "\n"


def sarif_report(result: CheckResult) -> dict:
    rule_ids = [s.id for s in result.rules]
    index = {rid: i for i, rid in enumerate(rule_ids)}
    rules = []
    for rid in rule_ids:
        rule = RULES_BY_ID[rid]
        desc = rule.title + (f" ({rule.note})" if rule.note else "")
        rules.append({
            "id": rid,
            "shortDescription": {"text": rule.title},
            "fullDescription": {"text": f"{rule.level} ({rule.source}): {desc}"},
            "defaultConfiguration": {"level": "error" if rule.level == MUST else "warning"},
            "properties": {"level": rule.level, "source": rule.source},
        })
    results = []
    for r in result.records:
        for f in r.findings:
            if f.status not in (FAIL, WARN):
                continue
            text = f.message + (f" What to do: {f.hint}" if f.hint else "")
            item: dict = {
                "ruleId": f.rule,
                "ruleIndex": index[f.rule],
                "level": "error" if f.status == FAIL else "warning",
                "message": {"text": text},
                "properties": {"pattern": f.pattern, "root": f.root, "status": f.status,
                               "ruleLevel": RULES_BY_ID[f.rule].level},
            }
            if f.path:
                loc: dict = {"artifactLocation": {"uri": quote(f.path), "uriBaseId": "REPOROOT"}}
                if f.line:
                    loc["region"] = {"startLine": f.line}
                item["locations"] = [{"physicalLocation": loc}]
            results.append(item)
    return {
        "$schema": SARIF_SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "patforge", "version": __version__, "semanticVersion": __version__,
                                "rules": rules}},
            "originalUriBaseIds": {"REPOROOT": {"uri": result.repo.as_uri().rstrip("/") + "/"}},
            "invocations": [{"executionSuccessful": True, "exitCode": result.exit_code}],
            "results": results,
            "properties": {"verdict": result.verdict, "strict": result.options.strict},
        }],
    }
