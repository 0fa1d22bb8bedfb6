"""Validation: is it a valid JSON Schema, fast valid verdicts, readable messages, does code parse."""
