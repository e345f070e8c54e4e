"""deferred search indexing: a watermark below which every document is in the index

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 18:45:00

SQLite only, and only where the FTS5 index exists (0004 leaves none on a build without
FTS5): `documents_search_state.indexed_upto` starts at the last document (the index is
complete), and the triggers index only documents at or below it, so imports no longer
index their texts inside the import; the app catches up later (see
annotator/storage/search.py). PostgreSQL keeps its pg_trgm indexes: nothing to do there.
The downgrade restores the triggers of 0004 and rebuilds the index from every document.
"""

from alembic import op
import sqlalchemy as sa

from annotator.storage.search import install_deferred_indexing

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

FTS = 'documents_search'
# The triggers as 0004 created them: every document indexed as it is written.
UNCONDITIONAL_TRIGGERS = {
    'documents_search_ai': f"""
        CREATE TRIGGER documents_search_ai AFTER INSERT ON documents BEGIN
            INSERT INTO {FTS}(rowid, title, text) VALUES (new.ordinal, new.title, new.text);
        END""",
    'documents_search_ad': f"""
        CREATE TRIGGER documents_search_ad AFTER DELETE ON documents BEGIN
            INSERT INTO {FTS}({FTS}, rowid, title, text)
            VALUES ('delete', old.ordinal, old.title, old.text);
        END""",
    'documents_search_au': f"""
        CREATE TRIGGER documents_search_au AFTER UPDATE OF title, text, ordinal ON documents
        BEGIN
            INSERT INTO {FTS}({FTS}, rowid, title, text)
            VALUES ('delete', old.ordinal, old.title, old.text);
            INSERT INTO {FTS}(rowid, title, text) VALUES (new.ordinal, new.title, new.text);
        END""",
}


def _has_index() -> bool:
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        return False
    found = bind.scalar(
        sa.text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :n"), {'n': FTS}
    )
    return found is not None


def upgrade() -> None:
    if _has_index():
        install_deferred_indexing(op.get_bind())


def downgrade() -> None:
    if not _has_index():
        return
    op.execute('DROP TABLE IF EXISTS documents_search_state')
    for name, ddl in UNCONDITIONAL_TRIGGERS.items():
        op.execute(f'DROP TRIGGER IF EXISTS {name}')
        op.execute(ddl)
    op.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")
