"""What the export dialog offers and previews: annotators, and how much a filter selects."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from annotator.core.model import Status
from annotator.services.project import Project


@dataclass(frozen=True)
class ExportPreview:
    """How many documents and entity spans an export with given filters would write."""

    documents: int
    entities: int

    def summary(self) -> str:
        docs = f"{self.documents} document{'s' if self.documents != 1 else ''}"
        spans = f"{self.entities} entit{'ies' if self.entities != 1 else 'y'}"
        return f"{docs} with {spans} will be exported."


def annotator_names(project: Project) -> list[str]:
    """Every annotator who has edited the project, sorted case-insensitively."""
    return sorted(set(project.bulk.annotator_names().values()), key=lambda n: (n.casefold(), n))


def preview_export(
    project: Project,
    *,
    status: Status | None = None,
    annotator: str | None = None,
    ids: Sequence[str] | None = None,
    labels: Sequence[str] | None = None,
) -> ExportPreview:
    """Count what `export_project` with the same filters would write (two count queries)."""
    repo = project.bulk
    return ExportPreview(
        repo.count_documents(status, ids),
        repo.count_entities(status=status, annotator=annotator, ids=ids, labels=labels),
    )
