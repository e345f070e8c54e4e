"""Team roles on a PostgreSQL project: database grants plus row-level security.

Each project database gets three group roles, named after the database so that several
projects can share one server (see `role_name`): ``<db>_annotator``, ``<db>_reviewer``,
``<db>_admin``.

- annotator: reads everything; adds, changes and deletes only their own annotations; sets
  document status.
- reviewer: like annotator, but may change and delete anyone's annotations.
- admin: may change everything, including the label schema, documents and assignments.

Every row carries its writer's identity: annotators and reviewers insert rows under their
own annotator only (row-level security), and a reviewer's correction keeps the row's
annotator. Annotators and reviewers hold no UPDATE or DELETE privilege on any table, so
they cannot `LOCK TABLE` a shared table (which needs one of those) or lock others' rows with
`SELECT ... FOR UPDATE`: their changes and deletions go through the ``SECURITY DEFINER``
functions below (`WRITE_FUNCTIONS`), which check the caller's identity themselves.

The project's owner (who created the database tables) is always allowed everything.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Final, ParamSpec, TypeVar

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import DBAPIError

from annotator.storage.errors import StorageError, first_line, translated
from annotator.storage.gold import install_gold_permissions
from annotator.storage.models import Base

P = ParamSpec("P")
T = TypeVar("T")

ROLES: Final = ("annotator", "reviewer", "admin")
ANNOTATION_TABLES: Final = ("entity_spans", "claims", "target_sentiments", "document_sentiments")
# rows a reviewer deleted although another analyst wrote them: only those may be put back
# (an undo) under that analyst's name by the reviewer
DELETED_TABLE: Final = "annotator_deleted_rows"
MAX_IDENTIFIER: Final = 63  # bytes; PostgreSQL cuts longer names
# The team's shared proposals: no owner per row. Editors insert them; decisions go through
# `annotator_decide_suggestions` (no UPDATE or DELETE grant, so no LOCK TABLE either).
SUGGESTION_TABLES: Final = ("suggestions",)
_OWN = "annotator_id = (SELECT a.id FROM annotators a WHERE a.name = current_user)"
_RESTORED = (
    "EXISTS (SELECT FROM {deleted} d WHERE d.table_name = '{table}' AND d.row_id = id "
    "AND d.annotator_id = {table}.annotator_id)"
)


class RolesUnsupported(RuntimeError):
    """Roles need a PostgreSQL project."""


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    """A SQL string literal (standard_conforming_strings, the default since PostgreSQL 9.1)."""
    return "'" + value.replace("'", "''") + "'"


def role_name(database: str, role: str) -> str:
    """The group role standing for `role` in `database`: ``<db>_<role>`` when that fits in
    63 bytes, else a cut database name, a hash of the whole name and the role, so that
    names never collide between roles or between databases sharing a long prefix."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r} (expected one of: {', '.join(ROLES)})")
    plain = f"{database}_{role}"
    if len(plain.encode()) <= MAX_IDENTIFIER:
        return plain
    suffix = f"_{hashlib.sha256(database.encode()).hexdigest()[:12]}_{role}"
    room = MAX_IDENTIFIER - len(suffix.encode())
    prefix = database.encode()[:room].decode(errors="ignore")  # whole characters only
    return prefix + suffix


def group_role(conn: Connection, role: str) -> str:
    """The database role standing for `role` in this project's database."""
    database = conn.scalar(text("SELECT current_database()"))
    return role_name(str(database), role)


def _require_postgres(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        raise RolesUnsupported("roles and permissions need a project on a PostgreSQL server")


def _one_line(action: str) -> Callable[[Callable[P, T]], Callable[P, T]]:
    """Decorator: a refused statement becomes a StorageError of one line."""

    def decorate(function: Callable[P, T]) -> Callable[P, T]:
        translated_function = translated(function)

        def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
            try:
                return translated_function(*args, **kwargs)
            except DBAPIError as exc:
                raise StorageError(f"{action} was refused: {first_line(exc.orig)}") from None

        wrapper.__doc__ = function.__doc__
        wrapper.__name__ = function.__name__
        return wrapper

    return decorate


def _write_functions(names: dict[str, str]) -> str:
    """The SECURITY DEFINER functions annotators and reviewers change rows through.

    They run as the project's owner (row-level security does not apply to them) and check
    the caller, `session_user`, themselves: an annotator may change only rows of their own,
    a reviewer anyone's; a row keeps its annotator unless it is given to the caller; admins
    and the owner may do anything.
    """
    lit = {role: quote_literal(name) for role, name in names.items()}
    header = "LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp"
    return f"""
CREATE OR REPLACE FUNCTION annotator_me() RETURNS text {header} STABLE AS $$
BEGIN
    RETURN (SELECT id FROM annotators WHERE name = session_user);
END $$;

CREATE OR REPLACE FUNCTION annotator_is_privileged() RETURNS boolean {header} STABLE AS $$
BEGIN
    RETURN pg_has_role(session_user, {lit["admin"]}, 'MEMBER')
        OR pg_has_role(session_user,
                       (SELECT relowner FROM pg_class WHERE oid = 'documents'::regclass),
                       'MEMBER');
END $$;

CREATE OR REPLACE FUNCTION annotator_check_writer(p_owner text, p_new_owner text, p_kind text)
RETURNS void {header} AS $$
DECLARE
    me text := annotator_me();
BEGIN
    IF p_owner = me AND p_new_owner = me THEN  -- one's own row, staying one's own: the usual
        RETURN;
    END IF;
    IF annotator_is_privileged() THEN
        RETURN;
    END IF;
    IF p_owner IS DISTINCT FROM me
       AND NOT pg_has_role(session_user, {lit["reviewer"]}, 'MEMBER') THEN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
            MESSAGE = format('permission denied: this %s belongs to another analyst', p_kind);
    END IF;
    IF p_new_owner IS DISTINCT FROM p_owner AND p_new_owner IS DISTINCT FROM me THEN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
            MESSAGE = format('permission denied: a %s may not be given to another analyst', p_kind);
    END IF;
END $$;

CREATE OR REPLACE FUNCTION annotator_update_span(
    p_id text, p_doc text, p_start integer, p_end integer, p_label text, p_annotator text,
    p_updated timestamptz) RETURNS integer {header} AS $$
DECLARE
    owner_id text;
BEGIN
    SELECT annotator_id INTO owner_id FROM entity_spans
        WHERE id = p_id AND document_id || '' = p_doc FOR UPDATE;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;
    PERFORM annotator_check_writer(owner_id, p_annotator, 'span');
    UPDATE entity_spans SET start_offset = p_start, end_offset = p_end, label = p_label,
        annotator_id = p_annotator, updated_at = p_updated WHERE id = p_id;
    RETURN 1;
END $$;

CREATE OR REPLACE FUNCTION annotator_update_claim(
    p_id text, p_doc text, p_start integer, p_end integer, p_speaker text, p_speaker_text text,
    p_attributes json, p_annotator text, p_updated timestamptz) RETURNS integer {header} AS $$
DECLARE
    owner_id text;
BEGIN
    SELECT annotator_id INTO owner_id FROM claims
        WHERE id = p_id AND document_id || '' = p_doc FOR UPDATE;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;
    PERFORM annotator_check_writer(owner_id, p_annotator, 'claim');
    UPDATE claims SET start_offset = p_start, end_offset = p_end, speaker_entity_id = p_speaker,
        speaker_text = p_speaker_text, attributes = p_attributes, annotator_id = p_annotator,
        updated_at = p_updated WHERE id = p_id;
    RETURN 1;
END $$;

CREATE OR REPLACE FUNCTION annotator_delete_row(p_table text, p_id text, p_doc text)
RETURNS integer {header} AS $$
DECLARE
    owner_id text;
    me text := annotator_me();
BEGIN
    IF p_table NOT IN ('entity_spans', 'claims', 'target_sentiments') THEN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
            MESSAGE = format('permission denied for table %s', p_table);
    END IF;
    EXECUTE format('SELECT annotator_id FROM %I WHERE id = $1 AND document_id || '''' = $2 '
                   'FOR UPDATE', p_table) INTO owner_id USING p_id, p_doc;
    IF owner_id IS NULL THEN
        RETURN 0;
    END IF;
    PERFORM annotator_check_writer(owner_id, owner_id, 'annotation');
    IF owner_id IS DISTINCT FROM me THEN  -- a reviewer's deletion: it may be undone
        INSERT INTO {DELETED_TABLE} VALUES (p_table, p_id, owner_id) ON CONFLICT DO NOTHING;
        IF p_table = 'entity_spans' THEN  -- the targets the deletion takes along
            INSERT INTO {DELETED_TABLE}
                SELECT 'target_sentiments', t.id, t.annotator_id FROM target_sentiments t
                WHERE t.entity_id = p_id AND t.annotator_id IS DISTINCT FROM me
                ON CONFLICT DO NOTHING;
        END IF;
    END IF;
    EXECUTE format('DELETE FROM %I WHERE id = $1', p_table) USING p_id;
    RETURN 1;
END $$;

CREATE OR REPLACE FUNCTION annotator_delete_document_sentiment(p_doc text, p_annotator text)
RETURNS integer {header} AS $$
DECLARE
    done integer;
BEGIN
    PERFORM annotator_check_writer(p_annotator, p_annotator, 'document sentiment');
    DELETE FROM document_sentiments WHERE document_id = p_doc AND annotator_id = p_annotator;
    GET DIAGNOSTICS done = ROW_COUNT;
    RETURN done;
END $$;

CREATE OR REPLACE FUNCTION annotator_set_status(
    p_doc text, p_status text, p_expected integer, p_updated timestamptz)
RETURNS integer {header} AS $$
DECLARE
    new_version integer;
BEGIN
    UPDATE documents SET status = p_status, version = version + 1, updated_at = p_updated
        WHERE id = p_doc AND (p_expected IS NULL OR version = p_expected)
        RETURNING version INTO new_version;
    RETURN new_version;
END $$;

CREATE OR REPLACE FUNCTION annotator_touch(p_doc text, p_stamp timestamptz, p_before timestamptz)
RETURNS integer {header} AS $$
DECLARE
    done integer;
BEGIN
    -- only a timestamp: when another session holds the row (a status change in an open
    -- transaction), skip it rather than make the edit wait
    UPDATE documents SET updated_at = p_stamp WHERE id = (
        SELECT id FROM documents WHERE id = p_doc AND updated_at < p_before
        FOR UPDATE SKIP LOCKED);
    GET DIAGNOSTICS done = ROW_COUNT;
    RETURN done;
END $$;

CREATE OR REPLACE FUNCTION annotator_decide_suggestions(
    p_ids text[], p_status text, p_when timestamptz
) RETURNS integer {header} AS $$
DECLARE
    done integer;
    me text := annotator_me();
BEGIN
    IF p_status NOT IN ('pending', 'accepted', 'rejected') THEN
        RAISE EXCEPTION 'unknown suggestion status %', p_status USING ERRCODE = '22023';
    END IF;
    IF me IS NULL THEN
        RAISE EXCEPTION 'you are not an annotator of this project' USING ERRCODE = '42501';
    END IF;
    -- a decision is recorded under the caller's own name; taking it back clears it
    UPDATE suggestions SET status = p_status,
        decided_by = CASE WHEN p_status = 'pending' THEN NULL ELSE me END,
        decided_at = CASE WHEN p_status = 'pending' THEN NULL ELSE p_when END
        WHERE id = ANY(p_ids);
    GET DIAGNOSTICS done = ROW_COUNT;
    RETURN done;
END $$;
"""


WRITE_FUNCTIONS: Final = (
    "annotator_me()",
    "annotator_is_privileged()",
    "annotator_check_writer(text, text, text)",
    "annotator_update_span(text, text, integer, integer, text, text, timestamptz)",
    "annotator_update_claim(text, text, integer, integer, text, text, json, text, timestamptz)",
    "annotator_delete_row(text, text, text)",
    "annotator_delete_document_sentiment(text, text)",
    "annotator_set_status(text, text, integer, timestamptz)",
    "annotator_touch(text, timestamptz, timestamptz)",
    "annotator_decide_suggestions(text[], text, timestamptz)",
)


@_one_line("setting up the project's roles")
def install_roles(engine: Engine) -> dict[str, str]:
    """Create the group roles, grants, row-level security policies and write functions
    (idempotent; also brings an older project's roles up to date).

    Must run as the project's owner. Returns role -> database role name.
    """
    _require_postgres(engine)
    with engine.begin() as conn:
        return install_roles_on(conn)


def roles_installed(conn: Connection) -> bool:
    """Whether this PostgreSQL project's roles were set up (by `install_roles`)."""
    names = [group_role(conn, role) for role in ROLES]
    return bool(
        conn.scalar(
            text("SELECT count(*) = :n FROM pg_roles WHERE rolname = ANY(:names)"),
            {"n": len(names), "names": names},
        )
    )


def install_roles_on(conn: Connection) -> dict[str, str]:
    """`install_roles` in the caller's transaction (a schema upgrade's)."""
    # the tables of the revision being set up (an upgrade runs this before later
    # revisions have created theirs; each revision that adds a table runs it again)
    existing = set(inspect(conn).get_table_names()) | {DELETED_TABLE}
    tables = sorted((set(Base.metadata.tables) | {"alembic_version", DELETED_TABLE}) & existing)
    if not _is_owner(conn):
        raise StorageError(f"only the project's owner can set up its roles (you are {_me(conn)})")
    names = {role: group_role(conn, role) for role in ROLES}
    q = {role: quote_identifier(name) for role, name in names.items()}
    for name in names.values():
        conn.execute(
            text(
                "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
                f"{quote_literal(name)}) THEN CREATE ROLE {quote_identifier(name)} NOLOGIN; "
                "END IF; END $$"
            )
        )
    conn.execute(
        text(
            f"CREATE TABLE IF NOT EXISTS {DELETED_TABLE} (table_name text NOT NULL, "
            "row_id text NOT NULL, annotator_id text NOT NULL, "
            "PRIMARY KEY (table_name, row_id, annotator_id))"
        )
    )
    everyone = ", ".join(q.values())
    editors = f"{q['annotator']}, {q['reviewer']}"
    conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {everyone}"))
    for table in tables:
        conn.execute(text(f"REVOKE ALL ON {table} FROM {editors}"))  # and column grants
        conn.execute(text(f"GRANT SELECT ON {table} TO {everyone}"))
        conn.execute(text(f"GRANT ALL ON {table} TO {q['admin']}"))
    for table in (*ANNOTATION_TABLES, "annotators"):
        conn.execute(text(f"GRANT INSERT ON {table} TO {editors}"))
    for table in (t for t in SUGGESTION_TABLES if t in existing):
        conn.execute(text(f"GRANT INSERT ON {table} TO {editors}"))
    conn.execute(text(_write_functions(names)))
    for function in WRITE_FUNCTIONS:
        conn.execute(text(f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC"))
        conn.execute(text(f"GRANT EXECUTE ON FUNCTION {function} TO {everyone}"))
    for table in (*ANNOTATION_TABLES, "annotators"):
        conn.execute(text(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"))
        for policy in ("read_all", "own_rows", "all_rows", "restored_rows"):
            conn.execute(text(f"DROP POLICY IF EXISTS {policy} ON {table}"))
        conn.execute(text(f"CREATE POLICY read_all ON {table} FOR SELECT USING (true)"))
        conn.execute(
            text(
                f"CREATE POLICY all_rows ON {table} FOR ALL TO {q['admin']} "
                "USING (true) WITH CHECK (true)"
            )
        )
    for table in ANNOTATION_TABLES:
        conn.execute(
            text(f"CREATE POLICY own_rows ON {table} FOR INSERT TO {editors} WITH CHECK ({_OWN})")
        )
    for table in ("entity_spans", "claims", "target_sentiments"):
        restored = _RESTORED.format(deleted=DELETED_TABLE, table=table)
        conn.execute(
            text(
                f"CREATE POLICY restored_rows ON {table} FOR INSERT TO {q['reviewer']} "
                f"WITH CHECK ({restored})"
            )
        )
    conn.execute(
        text(
            f"CREATE POLICY own_rows ON annotators FOR INSERT TO {editors} "
            "WITH CHECK (name = current_user)"
        )
    )
    if "adjudications" in existing:
        install_gold_permissions(conn, names)  # gold layer: reviewers and admins only
    return names


def _me(conn: Connection) -> str:
    return str(conn.scalar(text("SELECT current_user")))


def _is_owner(conn: Connection) -> bool:
    return bool(
        conn.scalar(
            text(
                "SELECT pg_has_role(current_user, c.relowner, 'MEMBER') "
                "FROM pg_class c WHERE c.oid = to_regclass('documents')"
            )
        )
    )


def _check_grant(conn: Connection, user: str) -> None:
    """Refuse, in one line, a grant that cannot work: not the owner, or no such user."""
    if not _is_owner(conn):
        raise StorageError(
            f"only the project's owner can grant or revoke roles (you are {_me(conn)})"
        )
    known = conn.scalar(
        text("SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = :u)"), {"u": user}
    )
    if not known:
        raise StorageError(
            f"there is no database user {user!r} on this server; "
            "create the login first (CREATE ROLE ... LOGIN)"
        )


@_one_line("the grant")
def grant_role(engine: Engine, user: str, role: str) -> str:
    """Make database user `user` a member of the project's `role`; returns the group role."""
    _require_postgres(engine)
    with engine.connect() as conn:
        _check_grant(conn, user)
    install_roles(engine)
    with engine.begin() as conn:
        name = group_role(conn, role)
        conn.execute(text(f"GRANT {quote_identifier(name)} TO {quote_identifier(user)}"))
    return name


@_one_line("the revocation")
def revoke_role(engine: Engine, user: str, role: str) -> None:
    _require_postgres(engine)
    with engine.begin() as conn:
        _check_grant(conn, user)
        name = group_role(conn, role)
        exists = conn.scalar(
            text("SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = :r)"), {"r": name}
        )
        if exists:
            conn.execute(text(f"REVOKE {quote_identifier(name)} FROM {quote_identifier(user)}"))


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
        return _is_owner(conn)
