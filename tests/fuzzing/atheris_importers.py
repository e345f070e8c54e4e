"""Coverage-guided fuzzing of the importers with atheris (optional: `make fuzz`).

    python tests/fuzzing/atheris_importers.py -max_total_time=60

Each input becomes a .txt, .md or .jsonl file (chosen by its first byte) and is imported
into a scratch project. Any exception escaping `import_paths`, or a refusal that does not
name the file (and the line, for JSONL), is a crash that atheris reports with the input.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from annotator.formats import native_jsonl, plaintext  # noqa: F401
    from annotator.services.importing import import_paths
    from annotator.services.project import open_project

SUFFIXES = (".txt", ".md", ".jsonl")
WORK = Path(tempfile.mkdtemp(prefix="annotator-fuzz-"))
PROJECT = open_project(WORK / "fuzz.annotator", "fuzzer", backup=False)


def test_one_input(data: bytes) -> None:
    if not data:
        return
    suffix = SUFFIXES[data[0] % len(SUFFIXES)]
    path = WORK / f"input{suffix}"
    body = data[1:]
    path.write_bytes(body)
    report = import_paths(PROJECT, [path])
    for problem in report.problems:
        if problem.path != str(path):
            raise AssertionError(f"refusal does not name the file: {problem}")
        if suffix == ".jsonl" and problem.line is None and body.strip():
            raise AssertionError(f"JSONL refusal without a line: {problem}")


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
