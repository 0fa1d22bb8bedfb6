"""Example instances for any draft-07 schema (imports nothing of patforge's but errors and, to read a
schema file, validation.metaschema)."""
