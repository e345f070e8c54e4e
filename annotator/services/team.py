"""Team use cases on a shared project: roles, assignments, the next document to annotate."""

from __future__ import annotations

from collections.abc import Iterable

from annotator.services.project import Project
from annotator.storage import assignments as assignment_store
from annotator.storage.roles import ROLES, grant_role, install_roles, revoke_role, roles_of

__all__ = [
    "ROLES",
    "assign",
    "assignments",
    "grant",
    "my_roles",
    "next_document",
    "revoke",
    "setup_roles",
    "unassign",
]


def setup_roles(project: Project) -> dict[str, str]:
    """Create the project's roles and row-level security (run by the project's owner)."""
    return install_roles(project.repo.engine)


def grant(project: Project, user: str, role: str) -> str:
    """Give database user `user` the project role annotator, reviewer or admin."""
    return grant_role(project.repo.engine, user, role)


def revoke(project: Project, user: str, role: str) -> None:
    revoke_role(project.repo.engine, user, role)


def my_roles(project: Project) -> list[str]:
    """This session's project roles (empty for SQLite projects, where everything is allowed)."""
    return roles_of(project.repo.engine)


def assign(project: Project, doc_ids: Iterable[str], annotators: Iterable[str]) -> int:
    """Assign documents to analysts (by name); returns how many assignments are new."""
    ids = [project.repo.annotator_id(name) for name in annotators]
    return assignment_store.assign(project.repo.engine, doc_ids, ids)


def unassign(project: Project, doc_ids: Iterable[str], annotator: str | None = None) -> None:
    aid = project.repo.annotator_id(annotator) if annotator else None
    assignment_store.unassign(project.repo.engine, doc_ids, aid)


def assignments(project: Project) -> dict[str, list[str]]:
    """Document id -> annotator names it is assigned to."""
    return assignment_store.assignments(project.repo.engine)


def next_document(project: Project, after: str | None = None) -> str | None:
    """The next unfinished document for this session's annotator, following assignments."""
    return project.repo.next_unfinished(after, annotator=project.annotator)
