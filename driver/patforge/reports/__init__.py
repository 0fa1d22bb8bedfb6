"""Printing results for people and machines: console output, render reports, diffs, JSON headers."""
