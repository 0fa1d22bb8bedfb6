"""The transaction layer: state folder, lock, workspace, kill-safe journal, atomic writes, rollback."""
