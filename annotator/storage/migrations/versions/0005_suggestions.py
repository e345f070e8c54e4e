"""suggestions: proposed annotations and their decisions

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 21:30:00

Written by hand to run on SQLite and PostgreSQL alike.
"""

from alembic import op
import sqlalchemy as sa

from annotator.storage.roles import install_roles_on, roles_installed

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'suggestions',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('document_id', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('start_offset', sa.Integer(), nullable=False),
        sa.Column('end_offset', sa.Integer(), nullable=False),
        sa.Column('label', sa.String(length=200), nullable=False),
        sa.Column('speaker_start', sa.Integer(), nullable=True),
        sa.Column('speaker_end', sa.Integer(), nullable=True),
        sa.Column('speaker_label', sa.String(length=200), nullable=True),
        sa.Column('source', sa.String(length=200), nullable=False),
        sa.Column('score', sa.Float(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('decided_by', sa.String(length=64), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['document_id'], ['documents.id'],
            name=op.f('fk_suggestions_document_id_documents'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['decided_by'], ['annotators.id'],
            name=op.f('fk_suggestions_decided_by_annotators'), ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_suggestions')),
        sa.UniqueConstraint(
            'document_id', 'kind', 'start_offset', 'end_offset', 'label', 'source',
            name='uq_suggestions_key',
        ),
    )
    op.create_index(
        'ix_suggestions_document_status', 'suggestions', ['document_id', 'status'], unique=False
    )
    for column in ('label', 'source', 'status', 'decided_by'):
        op.create_index(
            op.f(f'ix_suggestions_{column}'), 'suggestions', [column], unique=False
        )
    conn = op.get_bind()
    if conn.dialect.name == 'postgresql' and roles_installed(conn):
        install_roles_on(conn)  # the team's grants on the new table


def downgrade() -> None:
    for column in ('label', 'source', 'status', 'decided_by'):
        op.drop_index(op.f(f'ix_suggestions_{column}'), table_name='suggestions')
    op.drop_index('ix_suggestions_document_status', table_name='suggestions')
    op.drop_table('suggestions')
