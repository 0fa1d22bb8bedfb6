"""The repository model: registry, path conventions and safety, YAML reading, pure-insertion edits."""
