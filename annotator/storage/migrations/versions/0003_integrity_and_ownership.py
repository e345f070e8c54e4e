"""stored values checked by the database; no analyst's deletion changes another's rows;
team roles without UPDATE/DELETE grants

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 21:30:00

Written by hand to run on SQLite and PostgreSQL alike. Rows that break the new rules and
were stored before are kept as they are (PostgreSQL's constraints are added NOT VALID and
validated only when every row passes; SQLite's rules are triggers, which check new writes
only): readers skip and report such rows, so the upgrade never fails because of them.
"""

from alembic import op
from sqlalchemy import text

from annotator.storage.integrity import (
    OFFSETS_CHECK,
    STATUS_CHECK,
    install_integrity_checks,
    remove_integrity_checks,
)
from annotator.storage.postgres import install_change_notifications
from annotator.storage.roles import install_roles_on, roles_installed

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

CHECKS = (
    ('documents', 'ck_documents_status', STATUS_CHECK),
    ('entity_spans', 'ck_entity_spans_offsets', OFFSETS_CHECK),
    ('claims', 'ck_claims_offsets', OFFSETS_CHECK),
)


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == 'postgresql':
        for table, name, check in CHECKS:
            conn.execute(text(f'ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({check}) NOT VALID'))
            broken = conn.scalar(text(f'SELECT EXISTS (SELECT 1 FROM {table} WHERE NOT ({check}))'))
            if not broken:
                conn.execute(text(f'ALTER TABLE {table} VALIDATE CONSTRAINT {name}'))
    install_integrity_checks(conn)
    install_change_notifications(conn)  # 'by' names the login (writes may run as the owner)
    if conn.dialect.name == 'postgresql' and roles_installed(conn):
        install_roles_on(conn)  # grants and write functions of this revision


def downgrade() -> None:
    conn = op.get_bind()
    remove_integrity_checks(conn)
    if conn.dialect.name == 'postgresql':
        for table, name, _check in CHECKS:
            conn.execute(text(f'ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}'))
