"""Self-test of an installed build: the whole round trip on a throwaway project, no person needed.

`run_smoke_test` creates a project in a folder it is given, imports the seed articles shipped
with the app, tags one entity through the same edit path the GUI uses, exports JSONL, reopens
the project and checks that the exported span is exactly the tagged text. Frozen builds
(PyInstaller) call it through `annotator --smoke-test` to prove that the migrations, the seed
articles and the export code were all bundled.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.services.exporting import export_project
from annotator.services.importing import import_paths
from annotator.services.project import open_project, seeds_dir
from annotator.services.session import DocumentSession

SMOKE_ANNOTATOR = "smoke-test"
_WORD = re.compile(r"\b[A-Z]\w{3,}")


class SmokeTestFailed(RuntimeError):
    """A step of the smoke test did not do what it should; the message says which."""


@dataclass
class SmokeReport:
    """What the smoke test did, step by step (for the log of a build)."""

    project: Path
    export: Path
    document_id: str = ""
    span: tuple[int, int] = (0, 0)
    label: str = ""
    steps: list[str] = field(default_factory=list)


def run_smoke_test(
    workdir: Path,
    seeds: Path | None = None,
    log: Callable[[str], None] | None = None,
) -> SmokeReport:
    """Run the round trip inside `workdir` (which must exist); raises SmokeTestFailed."""
    folder = seeds if seeds is not None else seeds_dir()
    if folder is None or not folder.is_dir():
        raise SmokeTestFailed("seed articles not found (the build did not ship seeds/)")
    report = SmokeReport(workdir / "smoke.annotator", workdir / "smoke-export.jsonl")

    def step(message: str) -> None:
        report.steps.append(message)
        if log is not None:
            log(message)

    with open_project(report.project, SMOKE_ANNOTATOR) as project:
        if not project.created:
            raise SmokeTestFailed(f"{report.project} already existed; use an empty folder")
        step(f"created project {report.project} (schema migrations found)")
        imported = import_paths(project, [folder])
        if imported.problems:
            raise SmokeTestFailed(f"seed import refused: {imported.problems[0]}")
        if not imported.document_ids:
            raise SmokeTestFailed(f"no seed articles imported from {folder}")
        step(f"imported {imported.imported} seed article(s) from {folder}")
        report.document_id = imported.document_ids[0]
        session = DocumentSession(project, report.document_id)
        match = _WORD.search(session.text)
        if match is None:
            raise SmokeTestFailed("the seed article has no word to tag")
        report.span = (match.start(), match.end())
        report.label = project.schema.entity_labels[0].name
        session.apply(session.new_entity(match.start(), match.end(), report.label))
        step(f"tagged {match.group()!r} as {report.label} at {match.start()}:{match.end()}")

    with open_project(report.project, SMOKE_ANNOTATOR, create=False) as project:
        exported = export_project(project, report.export, "jsonl")
    step(f"reopened the project and exported {exported.documents} document(s) to {report.export}")
    _verify_export(report)
    step("export verified: text[start:end] is the tagged span")
    return report


def _verify_export(report: SmokeReport) -> None:
    records = _read_jsonl(report.export)
    record = next((r for r in records if r.get("id") == report.document_id), None)
    if record is None:
        raise SmokeTestFailed(f"{report.export}: document {report.document_id} missing")
    text = record["text"]
    start, end = report.span
    spans = [e for e in record["entities"] if (e["start"], e["end"]) == (start, end)]
    if len(spans) != 1:
        raise SmokeTestFailed(f"{report.export}: expected one entity at {start}:{end}")
    entity = spans[0]
    if entity["label"] != report.label or entity["annotator"] != SMOKE_ANNOTATOR:
        raise SmokeTestFailed(f"{report.export}: entity stored with wrong label or annotator")
    if text[start:end] != entity["text"] or not entity["text"]:
        raise SmokeTestFailed(
            f"{report.export}: text[{start}:{end}] is {text[start:end]!r}, "
            f"entity text is {entity['text']!r}"
        )


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    records = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise SmokeTestFailed(f"{path}:{number}: invalid JSON ({exc.msg})") from None
    return records
