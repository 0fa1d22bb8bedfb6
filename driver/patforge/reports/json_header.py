"""What every ``--json`` report starts with: its format name and version.

Each report's shape is a JSON Schema in docs/ (``docs/<command>-report.schema.json``),
validated in tests/test_json_reports.py. A version is raised when a field is removed
or changes meaning; adding a field keeps it.
"""

from __future__ import annotations

from typing import Any

from patforge import __version__

FORMAT_VERSIONS = {"render": 1, "update": 1, "new": 1, "doctor": 1, "status": 1, "check": 1}


def report_header(command: str) -> dict[str, Any]:
    return {"format": f"patforge-{command}-report", "format_version": FORMAT_VERSIONS[command],
            "tool": {"name": "patforge", "version": __version__}}
