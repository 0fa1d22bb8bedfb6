"""The command layer: one module per command's core (the Click wrappers live in cli.py)."""
