"""check's text summary shows the real values of a one-occurrence cause (issue 23):
``executor says doc_id DOC-OTHER-001, the registry says DOC-BETA-MERGE-001``, not
``<id>`` placeholders that only ``-v`` fills in. Causes that occur several times are
still collapsed into one line with the particular parts taken out."""

from __future__ import annotations

from compliant_repo import B_EXEC, BETA, DOC, build_repo, edit


def _top_causes(out: str) -> list[str]:
    lines = out.splitlines()
    start = lines.index("Top causes (rule x patterns; the one fix that repairs most of them):")
    block = []
    for line in lines[start + 1:]:
        if not line.strip():
            break
        block.append(line)
    return block


def test_one_occurrence_shows_the_values(cli, tmp_path):
    repo = build_repo(tmp_path / "repo")
    edit(repo, B_EXEC, f"# DOC_LINK: {DOC[BETA]}", "# DOC_LINK: DOC-OTHER-001")
    r = cli("check", "--repo", str(repo))
    assert r.code == 1
    causes = "\n".join(_top_causes(r.out))
    assert f"executor says doc_id DOC-OTHER-001, the registry says {DOC[BETA]}" in causes, causes
    assert f"{BETA}_executor.py says DOC-OTHER-001" in causes, causes
    assert "<id>" not in causes and "<name>" not in causes


def test_several_occurrences_are_one_cause_shown_with_an_example_and_its_values(cli, tmp_path):
    from compliant_repo import A_EXEC, ALPHA

    repo = build_repo(tmp_path / "repo")
    edit(repo, B_EXEC, f"# DOC_LINK: {DOC[BETA]}", "# DOC_LINK: DOC-OTHER-001")
    edit(repo, A_EXEC, f"# DOC_LINK: {DOC[ALPHA]}", "# DOC_LINK: DOC-OTHER-002")
    causes = "\n".join(_top_causes(cli("check", "--repo", str(repo)).out))
    # one line for both, shown for one example with its real values (issue 22: values,
    # not <id> placeholders), and the fix below is that example's own
    assert "PAT-CHECK-001-042 x 2 (e.g. " in causes, causes
    line = next(c for c in causes.splitlines() if "PAT-CHECK-001-042 x 2" in c)
    assert "<id>" not in line and "says doc_id DOC-OTHER-00" in line, line
