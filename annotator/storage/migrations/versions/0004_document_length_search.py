"""document length; the text index document search uses

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 21:20:00

Written by hand to run on SQLite and PostgreSQL alike. `documents.length` (code points of
the text) lets the document list skip reading texts; the index is FTS5 (SQLite) or
pg_trgm (PostgreSQL), see annotator/storage/search.py.
"""

from alembic import op
import sqlalchemy as sa

from annotator.storage.search import install_search, remove_search

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        'documents', sa.Column('length', sa.Integer(), nullable=False, server_default='0')
    )
    bind = op.get_bind()
    # PostgreSQL checks every constraint on an updated row, also those added NOT VALID to
    # keep old unusable rows (0003): set them aside for the update, then restore them as
    # they were (pg_get_constraintdef keeps the NOT VALID).
    unvalidated = []
    if bind.dialect.name == 'postgresql':
        unvalidated = bind.execute(sa.text(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'documents'::regclass AND contype = 'c' AND NOT convalidated"
        )).all()
        for name, _definition in unvalidated:
            op.execute(f'ALTER TABLE documents DROP CONSTRAINT "{name}"')
    op.execute('UPDATE documents SET length = length(text)')  # characters on both back ends
    for name, definition in unvalidated:
        op.execute(f'ALTER TABLE documents ADD CONSTRAINT "{name}" {definition}')
    install_search(op.get_bind())


def downgrade() -> None:
    remove_search(op.get_bind())
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE documents DROP COLUMN length')  # no table rebuild (cascades)
    else:
        op.drop_column('documents', 'length')
