"""document assignments; change notifications on PostgreSQL

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 14:40:00

Written by hand to run on SQLite and PostgreSQL alike.
"""

from alembic import op
import sqlalchemy as sa

from annotator.storage.postgres import install_change_notifications, remove_change_notifications

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'assignments',
        sa.Column('document_id', sa.String(length=64), nullable=False),
        sa.Column('annotator_id', sa.String(length=64), nullable=False),
        sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['document_id'], ['documents.id'],
            name=op.f('fk_assignments_document_id_documents'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['annotator_id'], ['annotators.id'],
            name=op.f('fk_assignments_annotator_id_annotators'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('document_id', 'annotator_id', name=op.f('pk_assignments')),
    )
    op.create_index(
        op.f('ix_assignments_annotator_id'), 'assignments', ['annotator_id'], unique=False
    )
    install_change_notifications(op.get_bind())


def downgrade() -> None:
    remove_change_notifications(op.get_bind())
    op.drop_index(op.f('ix_assignments_annotator_id'), table_name='assignments')
    op.drop_table('assignments')
