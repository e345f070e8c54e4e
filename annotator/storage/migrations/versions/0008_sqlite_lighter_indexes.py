"""SQLite projects lose the annotation indexes only project-wide counts used

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 19:00:00

Each index of an annotation table is written by every imported span: on SQLite the label
and created-at indexes cost an import of 10,000 documents x 10 spans 37% of its storage
time (measured), while the queries they served (counts by label, annotations since
midnight) read the whole table anyway. PostgreSQL keeps them (see
`models.SERVER_ONLY_INDEXES`). Written by hand to run on SQLite and PostgreSQL alike.
"""

from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# (index, table, column): models.SERVER_ONLY_INDEXES as they were created
INDEXES = (
    ('ix_entity_spans_label', 'entity_spans', 'label'),
    ('ix_entity_spans_created_at', 'entity_spans', 'created_at'),
    ('ix_claims_created_at', 'claims', 'created_at'),
    ('ix_target_sentiments_created_at', 'target_sentiments', 'created_at'),
    ('ix_document_sentiments_created_at', 'document_sentiments', 'created_at'),
)


def upgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':
        return
    for name, _table, _column in INDEXES:
        op.execute(f'DROP INDEX IF EXISTS {name}')


def downgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':
        return
    for name, table, column in INDEXES:
        op.execute(f'CREATE INDEX IF NOT EXISTS {name} ON {table} ({column})')
