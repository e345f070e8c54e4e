"""Rules the database itself enforces on stored values (revision 0003), on both back ends.

- A document's status is one of `Status`; span and claim offsets satisfy 0 <= start < end.
  PostgreSQL: CHECK constraints (see `models`); SQLite: triggers, because adding a CHECK
  constraint to an existing SQLite table means rebuilding it, and dropping the old table
  under ``foreign_keys=ON`` would cascade-delete every annotation.
- A claim's attributes are a JSON object of strings (triggers on both).
- PostgreSQL only (a colleague's direct SQL): offsets do not run past the text (bounded by
  its size in bytes, which the server knows without reading a 3 MB text; readers check the
  exact length), and annotators and reviewers use only the labels of the stored schema.
- No analyst's deletion changes another's rows: a span that another analyst's claim (as
  speaker) or target sentiment refers to cannot be deleted (triggers on both); deleting a
  document still removes everything in it.

Refusals raised here start with `errors.REFUSAL_PREFIX`, so that the storage layer turns
them into readable `StorageError`s.
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import Connection, text

from annotator.core.model import Status
from annotator.core.schema import default_schema
from annotator.storage.errors import NOT_PERMITTED_PREFIX, REFUSAL_PREFIX

STATUSES: Final = tuple(s.value for s in Status)
STATUS_CHECK: Final = "status IN (" + ", ".join(f"'{s}'" for s in STATUSES) + ")"
OFFSETS_CHECK: Final = "start_offset >= 0 AND end_offset > start_offset"
OFFSET_TABLES: Final = ("entity_spans", "claims")

_REFERENCED = (
    f"{NOT_PERMITTED_PREFIX}another analyst's claim or target sentiment refers to this span; "
    "it can be deleted once they (or a reviewer) remove theirs"
)
_OFFSETS = f"{REFUSAL_PREFIX}offsets must satisfy 0 <= start < end"
_STATUS = f"{REFUSAL_PREFIX}a document's status must be one of: {', '.join(STATUSES)}"
_ATTRIBUTES = f"{REFUSAL_PREFIX}claim attributes must be a JSON object of strings"


def _sqlite_statements() -> list[tuple[str, str]]:
    """(trigger name, CREATE TRIGGER statement) for SQLite."""
    out = []
    for op, of in (("insert", "INSERT"), ("update", "UPDATE OF status")):
        out.append(
            (
                f"annotator_status_{op}",
                f"CREATE TRIGGER annotator_status_{op} BEFORE {of} ON documents "
                f"WHEN NEW.status NOT IN ({', '.join(repr(s) for s in STATUSES)}) "
                f"BEGIN SELECT RAISE(ABORT, '{_sql(_STATUS)}'); END",
            )
        )
    for table in OFFSET_TABLES:
        for op, of in (("insert", "INSERT"), ("update", "UPDATE OF start_offset, end_offset")):
            out.append(
                (
                    f"annotator_{table}_offsets_{op}",
                    f"CREATE TRIGGER annotator_{table}_offsets_{op} BEFORE {of} ON {table} "
                    "WHEN typeof(NEW.start_offset) <> 'integer' "
                    "OR typeof(NEW.end_offset) <> 'integer' "
                    "OR NEW.start_offset < 0 OR NEW.end_offset <= NEW.start_offset "
                    f"BEGIN SELECT RAISE(ABORT, '{_sql(_OFFSETS)}'); END",
                )
            )
    for op, of in (("insert", "INSERT"), ("update", "UPDATE OF attributes")):
        out.append(
            (
                f"annotator_claims_attributes_{op}",
                f"CREATE TRIGGER annotator_claims_attributes_{op} BEFORE {of} ON claims "
                "WHEN json_valid(NEW.attributes) = 0 "
                "OR json_type(NEW.attributes) <> 'object' "
                "OR EXISTS (SELECT 1 FROM json_each(NEW.attributes) WHERE type <> 'text') "
                f"BEGIN SELECT RAISE(ABORT, '{_sql(_ATTRIBUTES)}'); END",
            )
        )
    out.append(
        (
            "annotator_keep_others_references",
            "CREATE TRIGGER annotator_keep_others_references BEFORE DELETE ON entity_spans "
            "WHEN (EXISTS (SELECT 1 FROM claims c WHERE c.speaker_entity_id = OLD.id "
            "AND c.annotator_id <> OLD.annotator_id) "
            "OR EXISTS (SELECT 1 FROM target_sentiments t WHERE t.entity_id = OLD.id "
            "AND t.annotator_id <> OLD.annotator_id)) "
            "AND EXISTS (SELECT 1 FROM documents d WHERE d.id = OLD.document_id) "
            f"BEGIN SELECT RAISE(ABORT, '{_sql(_REFERENCED)}'); END",
        )
    )
    return out


def _sql(message: str) -> str:
    return message.replace("'", "''")


def _names_array(names: list[str]) -> str:
    return "ARRAY[" + ", ".join("'" + _sql(n) + "'" for n in names) + "]::text[]"


def _postgres_functions() -> str:
    schema = default_schema()
    entity_defaults = _names_array([lab.name for lab in schema.entity_labels])
    sentiment_defaults = _names_array([s.name for s in schema.sentiment_labels])
    return f"""
CREATE OR REPLACE FUNCTION annotator_schema_names(p_key text) RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT COALESCE(
        (SELECT array_agg(l->>'name') FROM project_meta m,
                json_array_elements(m.value->p_key) l
         WHERE m.key = 'label_schema' AND json_typeof(m.value->p_key) = 'array'),
        CASE p_key WHEN 'entity_labels' THEN {entity_defaults}
                   ELSE {sentiment_defaults} END)
$$;

CREATE OR REPLACE FUNCTION annotator_is_string_map(p_value json) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF p_value IS NULL OR json_typeof(p_value) <> 'object' THEN
        RETURN false;
    END IF;
    RETURN NOT EXISTS (SELECT 1 FROM json_each(p_value) j WHERE json_typeof(j.value) <> 'string');
END $$;

CREATE OR REPLACE FUNCTION annotator_check_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
    free boolean := has_table_privilege(session_user, TG_TABLE_NAME::regclass, 'UPDATE');
BEGIN
    IF TG_TABLE_NAME IN ('entity_spans', 'claims') THEN
        SELECT n.id, n.end_offset INTO bad FROM annotator_new n
            JOIN documents d ON d.id = n.document_id
            WHERE n.end_offset > octet_length(d.text) LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE = format(
                '{REFUSAL_PREFIX}offset %s is beyond the end of the text', bad.end_offset);
        END IF;
    END IF;
    IF TG_TABLE_NAME = 'claims' THEN
        PERFORM 1 FROM annotator_new n WHERE NOT annotator_is_string_map(n.attributes);
        IF FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE = '{_sql(_ATTRIBUTES)}';
        END IF;
    END IF;
    IF free THEN  -- the owner and admins (imports, schema edits) may use any label
        RETURN NULL;
    END IF;
    IF TG_TABLE_NAME = 'entity_spans' THEN
        SELECT n.label INTO bad FROM annotator_new n
            WHERE n.label <> ALL (annotator_schema_names('entity_labels')) LIMIT 1;
    ELSIF TG_TABLE_NAME IN ('target_sentiments', 'document_sentiments') THEN
        SELECT n.label INTO bad FROM annotator_new n
            WHERE n.label <> ALL (annotator_schema_names('sentiment_labels')) LIMIT 1;
    ELSE
        RETURN NULL;
    END IF;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE = format(
            '{REFUSAL_PREFIX}the label %s is not in the project''s label schema', bad.label);
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION annotator_keep_others_references() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (EXISTS (SELECT 1 FROM claims c WHERE c.speaker_entity_id = OLD.id
                AND c.annotator_id <> OLD.annotator_id)
        OR EXISTS (SELECT 1 FROM target_sentiments t WHERE t.entity_id = OLD.id
                   AND t.annotator_id <> OLD.annotator_id))
       AND EXISTS (SELECT 1 FROM documents d WHERE d.id = OLD.document_id) THEN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
            MESSAGE = '{_sql(_REFERENCED)}';
    END IF;
    RETURN OLD;
END $$;
"""


CHECKED_TABLES: Final = (
    "entity_spans",
    "claims",
    "target_sentiments",
    "document_sentiments",
)


def _postgres_triggers() -> list[tuple[str, str, str]]:
    """(trigger name, table, CREATE TRIGGER statement) for PostgreSQL."""
    out = []
    for table in CHECKED_TABLES:
        for op in ("INSERT", "UPDATE"):
            name = f"annotator_check_{op.lower()}"
            out.append(
                (
                    name,
                    table,
                    f"CREATE TRIGGER {name} AFTER {op} ON {table} "
                    "REFERENCING NEW TABLE AS annotator_new FOR EACH STATEMENT "
                    "EXECUTE FUNCTION annotator_check_rows()",
                )
            )
    out.append(
        (
            "annotator_keep_others_references",
            "entity_spans",
            "CREATE TRIGGER annotator_keep_others_references BEFORE DELETE ON entity_spans "
            "FOR EACH ROW EXECUTE FUNCTION annotator_keep_others_references()",
        )
    )
    return out


POSTGRES_FUNCTIONS: Final = (
    "annotator_check_rows()",
    "annotator_keep_others_references()",
    "annotator_is_string_map(json)",
    "annotator_schema_names(text)",
)


def install_integrity_checks(conn: Connection) -> None:
    """Create (or replace) the triggers above; the CHECK constraints come with the tables."""
    if conn.dialect.name == "sqlite":
        for name, statement in _sqlite_statements():
            conn.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
            conn.execute(text(statement))
    elif conn.dialect.name == "postgresql":
        conn.execute(text(_postgres_functions()))
        for name, table, statement in _postgres_triggers():
            conn.execute(text(f"DROP TRIGGER IF EXISTS {name} ON {table}"))
            conn.execute(text(statement))


def remove_integrity_checks(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        for name, _statement in _sqlite_statements():
            conn.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
    elif conn.dialect.name == "postgresql":
        for name, table, _statement in _postgres_triggers():
            conn.execute(text(f"DROP TRIGGER IF EXISTS {name} ON {table}"))
        for function in POSTGRES_FUNCTIONS:
            conn.execute(text(f"DROP FUNCTION IF EXISTS {function}"))


def on_create_all(_metadata: Any, connection: Connection, **_kw: Any) -> None:
    """`Base.metadata` after_create hook: new projects get the same rules as upgraded ones."""
    install_integrity_checks(connection)
