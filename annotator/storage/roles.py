"""Team roles on a PostgreSQL project: database grants plus row-level security.

Each project database gets three group roles, named after the database so that several
projects can share one server: ``<db>_annotator``, ``<db>_reviewer``, ``<db>_admin``.

- annotator: reads everything; adds, changes and deletes only their own annotations (row-level
  security matches the row's annotator to the login name); sets document status.
- reviewer: like annotator, but may change anyone's annotations.
- admin: may change everything, including the label schema, documents and assignments.

The project's owner (who created the database tables) is always allowed everything.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import Connection, Engine, text

from annotator.storage.errors import translated
from annotator.storage.gold import install_gold_permissions
from annotator.storage.models import Base

ROLES: Final = ("annotator", "reviewer", "admin")
ANNOTATION_TABLES: Final = ("entity_spans", "claims", "target_sentiments", "document_sentiments")
_OWN = "annotator_id = (SELECT a.id FROM annotators a WHERE a.name = current_user)"


class RolesUnsupported(RuntimeError):
    """Roles need a PostgreSQL project."""


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def group_role(conn: Connection, role: str) -> str:
    """The database role standing for `role` in this project's database."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r} (expected one of: {', '.join(ROLES)})")
    database = conn.scalar(text("SELECT current_database()"))
    return f"{database}_{role}"[:63]


def _require_postgres(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        raise RolesUnsupported("roles and permissions need a project on a PostgreSQL server")


def install_roles(engine: Engine) -> dict[str, str]:
    """Create the group roles, grants and row-level security policies (idempotent).

    Must run as the project's owner. Returns role -> database role name.
    """
    _require_postgres(engine)
    tables = sorted(set(Base.metadata.tables) | {"alembic_version"})
    with engine.begin() as conn:
        names = {role: group_role(conn, role) for role in ROLES}
        q = {role: _quote(name) for role, name in names.items()}
        for name in names.values():
            conn.execute(
                text(
                    "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
                    f"'{name}') THEN CREATE ROLE {_quote(name)} NOLOGIN; END IF; END $$"
                )
            )
        everyone = ", ".join(q.values())
        editors = f"{q['annotator']}, {q['reviewer']}"
        conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {everyone}"))
        for table in tables:
            conn.execute(text(f"GRANT SELECT ON {table} TO {everyone}"))
            conn.execute(text(f"GRANT ALL ON {table} TO {q['admin']}"))
        for table in ANNOTATION_TABLES:
            conn.execute(text(f"GRANT INSERT, UPDATE, DELETE ON {table} TO {editors}"))
        conn.execute(text(f"GRANT INSERT ON annotators TO {editors}"))
        conn.execute(text(f"GRANT UPDATE (status, version, updated_at) ON documents TO {editors}"))
        for table in (*ANNOTATION_TABLES, "annotators"):
            conn.execute(text(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"))
            for policy in ("read_all", "own_rows", "all_rows"):
                conn.execute(text(f"DROP POLICY IF EXISTS {policy} ON {table}"))
            conn.execute(text(f"CREATE POLICY read_all ON {table} FOR SELECT USING (true)"))
            conn.execute(
                text(
                    f"CREATE POLICY all_rows ON {table} FOR ALL TO {q['reviewer']}, {q['admin']} "
                    "USING (true) WITH CHECK (true)"
                )
            )
        for table in ANNOTATION_TABLES:
            conn.execute(
                text(
                    f"CREATE POLICY own_rows ON {table} FOR ALL TO {q['annotator']} "
                    f"USING ({_OWN}) WITH CHECK ({_OWN})"
                )
            )
        conn.execute(
            text(
                f"CREATE POLICY own_rows ON annotators FOR INSERT TO {q['annotator']} "
                "WITH CHECK (name = current_user)"
            )
        )
        install_gold_permissions(conn, names)  # gold layer: reviewers and admins only
    return names


def grant_role(engine: Engine, user: str, role: str) -> str:
    """Make database user `user` a member of the project's `role`; returns the group role."""
    _require_postgres(engine)
    install_roles(engine)
    with engine.begin() as conn:
        name = group_role(conn, role)
        conn.execute(text(f"GRANT {_quote(name)} TO {_quote(user)}"))
    return name


def revoke_role(engine: Engine, user: str, role: str) -> None:
    _require_postgres(engine)
    with engine.begin() as conn:
        conn.execute(text(f"REVOKE {_quote(group_role(conn, role))} FROM {_quote(user)}"))


@translated
def roles_of(engine: Engine, user: str | None = None) -> list[str]:
    """The project roles `user` (default: this session's user) holds; [] on SQLite."""
    if engine.dialect.name != "postgresql":
        return []
    with engine.connect() as conn:
        who = user or conn.scalar(text("SELECT current_user"))
        held = []
        for role in ROLES:
            name = group_role(conn, role)
            member = conn.scalar(
                text(
                    "SELECT CASE WHEN EXISTS (SELECT FROM pg_roles WHERE rolname = :r) "
                    "THEN pg_has_role(:u, :r, 'MEMBER') ELSE false END"
                ),
                {"u": who, "r": name},
            )
            if member:
                held.append(role)
        return held


@translated
def project_members(engine: Engine) -> dict[str, list[str]]:
    """Login users holding a project role (directly) -> their roles; {} on SQLite."""
    if engine.dialect.name != "postgresql":
        return {}
    members: dict[str, list[str]] = {}
    with engine.connect() as conn:
        groups = {group_role(conn, role): role for role in ROLES}
        rows = conn.execute(
            text(
                "SELECT u.rolname, g.rolname FROM pg_auth_members m "
                "JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member "
                "WHERE g.rolname = ANY(:groups) AND u.rolcanlogin ORDER BY u.rolname"
            ),
            {"groups": list(groups)},
        )
        for user, group in rows:
            members.setdefault(user, []).append(groups[group])
    return {user: [r for r in ROLES if r in held] for user, held in members.items()}


@translated
def is_owner(engine: Engine) -> bool:
    """Whether this session's user owns the project's tables (or is a superuser)."""
    if engine.dialect.name != "postgresql":
        return False
    with engine.connect() as conn:
        return bool(
            conn.scalar(
                text(
                    "SELECT pg_has_role(current_user, c.relowner, 'MEMBER') "
                    "FROM pg_class c WHERE c.oid = to_regclass('documents')"
                )
            )
        )
