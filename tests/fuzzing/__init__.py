"""Fuzzing the importers: shared seeds and mutations, the atheris harness."""
