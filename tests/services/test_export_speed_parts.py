"""The export's speed measures leave the process as they found it."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from annotator.services.exporting import Cancelled, export_project
from annotator.services.project import Project
from tests.formats.corpus import corpus


def test_the_cycle_collector_runs_again_after_an_export_and_a_cancel(
    project: Project, tmp_path: Path
) -> None:
    project.repo.add_annotated_batch(corpus(), "tester")
    assert gc.isenabled()
    export_project(project, tmp_path / "a.jsonl", "jsonl")
    assert gc.isenabled()
    with pytest.raises(Cancelled):
        export_project(project, tmp_path / "b.jsonl", "jsonl", cancelled=lambda: True)
    assert gc.isenabled() and not (tmp_path / "b.jsonl").exists()
    gc.disable()
    try:
        export_project(project, tmp_path / "c.jsonl", "jsonl")
        assert not gc.isenabled()  # a caller's choice is kept
    finally:
        gc.enable()
