"""Browsing a project's documents: the list with counts, and navigation."""

from __future__ import annotations

from collections.abc import Collection, Iterator

from annotator.core.model import DocumentSummary, Status
from annotator.services.project import Project


def list_documents(
    project: Project, status: Status | None = None, search: str = "", mine_only: bool = False
) -> list[DocumentSummary]:
    """Documents in import order with entity/claim counts, optionally filtered.

    `search` matches title or text, case-insensitively; blank means no text filter.
    `mine_only` keeps the documents assigned to this session's annotator.
    """
    needle = search.strip()
    return project.repo.list_documents(
        status=status, search=needle or None, assigned_to=project.annotator if mine_only else None
    )


def iter_documents(
    project: Project,
    status: Status | None = None,
    search: str = "",
    mine_only: bool = False,
    first: int = 200,
    batch: int = 5000,
) -> Iterator[list[DocumentSummary]]:
    """`list_documents` in pages: `first` rows, then `batch` at a time (first results fast)."""
    needle = search.strip()
    return project.repo.iter_document_list(
        status=status,
        search=needle or None,
        assigned_to=project.annotator if mine_only else None,
        first=first,
        batch=batch,
    )


def document_summaries(project: Project, ids: Collection[str]) -> dict[str, DocumentSummary]:
    """The list rows of `ids`; ids of documents deleted meanwhile are missing."""
    return project.repo.document_summaries(list(ids))


def next_unfinished(project: Project, after: str | None) -> str | None:
    """The next document (after `after`, wrapping around) whose status is not done.

    Documents assigned to this session's annotator come first; documents assigned only to
    other analysts are skipped (without assignments: every document, in import order).
    """
    return project.repo.next_unfinished(after, annotator=project.annotator)


def first_document(project: Project) -> str | None:
    """The first document in import order (one row read)."""
    page = next(iter(project.repo.iter_document_list(first=1)), [])
    return page[0].id if page else None


def document_exists(project: Project, doc_id: str) -> bool:
    return doc_id in set(project.repo.document_ids())
