"""gold layer: adjudications of documents (gold annotations belong to a reserved annotator)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 21:30:00

Written by hand to run on SQLite and PostgreSQL alike.
"""

from alembic import op
import sqlalchemy as sa

from annotator.storage.roles import install_roles_on, roles_installed

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'adjudications',
        sa.Column('document_id', sa.String(length=64), nullable=False),
        sa.Column('reviewer', sa.String(length=200), nullable=False),
        sa.Column('complete', sa.Boolean(), nullable=False),
        sa.Column('settled', sa.JSON(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['document_id'], ['documents.id'],
            name=op.f('fk_adjudications_document_id_documents'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('document_id', name=op.f('pk_adjudications')),
    )
    conn = op.get_bind()
    if conn.dialect.name == 'postgresql' and roles_installed(conn):
        install_roles_on(conn)  # the team's grants, gold kept to reviewers and admins


def downgrade() -> None:
    op.drop_table('adjudications')
