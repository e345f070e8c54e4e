"""Every JSON importer refuses the same hostile values, naming file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.formats.importers import IMPORT_FORMATS
from annotator.formats.problems import ImportProblem

HOSTILE = [
    ('{"text": "abc", "n": ' + "1" * 5000 + "}", "integer"),
    ('{"text": "abc", "n": NaN}', "NaN"),
    ('{"text": "abc \\ud800", "meta": {"k\\udfff": 1}}', "surrogate"),
    ('{"text": ' + "[" * 100_000 + "}", "invalid JSON"),
]


@pytest.mark.parametrize("fmt", ["jsonl", "doccano", "prodigy", "hf", "label-studio"])
@pytest.mark.parametrize(("line", "reason"), HOSTILE)
def test_hostile_json_is_refused_with_file_and_line(
    tmp_path: Path, fmt: str, line: str, reason: str
) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('\n{"text": 1}\n' + line + "\n", encoding="utf-8")
    reader = IMPORT_FORMATS[fmt][1]
    results = list(reader(path, "auto"))
    problems = [r for r in results if isinstance(r, ImportProblem)]
    assert len(results) == len(problems) == 2
    assert problems[1].path == str(path) and problems[1].line == 3
    assert reason in problems[1].message or "invalid JSON" in problems[1].message
