"""The judges of ``patforge check`` that no kind owns: registry entries (``entries.py``),
the suite's doc_id (``suite.py``), the repository and its roots (``repository.py``,
``docmap.py``).

Each artifact kind's own rules are judged by its check part, in its kind module
(``kinds/<kind>.py``, an :class:`~patforge.kinds.judge.ArtifactJudge`); these judges
iterate ``model.judges`` (``kinds.checked()``) and never name a kind.
"""
