"""Team use cases on a shared project: roles, assignments, the next document to annotate."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from annotator.services.project import Project
from annotator.storage import assignments as assignment_store
from annotator.storage.roles import (
    ROLES,
    grant_role,
    install_roles,
    is_owner,
    project_members,
    revoke_role,
    roles_of,
)

__all__ = [
    "ROLES",
    "Analyst",
    "analysts",
    "assign",
    "assignment_refusal",
    "assignments",
    "grant",
    "is_team_project",
    "my_roles",
    "next_document",
    "revoke",
    "setup_roles",
    "unassign",
]


@dataclass(frozen=True, slots=True)
class Analyst:
    """Someone documents can be assigned to: a project role holder or a past annotator."""

    name: str
    roles: tuple[str, ...] = ()


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


def is_team_project(project: Project) -> bool:
    """Whether the project lives on a PostgreSQL server (roles and assignments apply)."""
    return project.repo.engine.dialect.name == "postgresql"


def assignment_refusal(project: Project) -> str | None:
    """Why this session may not assign documents, or None when it may.

    Assigning needs a server project and the admin role or ownership of the project.
    """
    if not is_team_project(project):
        return "Assigning documents needs a project on a PostgreSQL server."
    roles = my_roles(project)
    if "admin" in roles or is_owner(project.repo.engine):
        return None
    held = ", ".join(roles) if roles else "none"
    return (
        f"Only the project's owner or an admin can assign documents (your project roles: {held})."
    )


def analysts(project: Project) -> list[Analyst]:
    """Everyone documents can be assigned to, by name: project role holders, analysts who
    have annotated or been assigned, and this session's annotator."""
    members = project_members(project.repo.engine)
    names = set(members) | set(project.repo.annotator_names().values()) | {project.annotator}
    return [Analyst(name, tuple(members.get(name, ()))) for name in sorted(names)]


def assign(project: Project, doc_ids: Iterable[str], annotators: Iterable[str]) -> int:
    """Assign documents to analysts (by name); returns how many assignments are new."""
    ids = [project.repo.annotator_id(name) for name in annotators]
    return assignment_store.assign(project.repo.engine, doc_ids, ids)


def unassign(
    project: Project, doc_ids: Iterable[str], annotators: str | Iterable[str] | None = None
) -> int:
    """Remove the documents' assignments to the given analysts (by name), or to everyone.

    Returns how many assignments were removed.
    """
    ids: list[str] | None = None
    if annotators is not None:
        wanted = {annotators} if isinstance(annotators, str) else set(annotators)
        known = project.repo.annotator_names()
        ids = [aid for aid, name in known.items() if name in wanted]
    return assignment_store.unassign(project.repo.engine, doc_ids, ids)


def assignments(project: Project) -> dict[str, list[str]]:
    """Document id -> annotator names it is assigned to."""
    return assignment_store.assignments(project.repo.engine)


def next_document(project: Project, after: str | None = None) -> str | None:
    """The next unfinished document for this session's annotator, following assignments."""
    return project.repo.next_unfinished(after, annotator=project.annotator)
