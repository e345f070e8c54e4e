"""Tables. Portable SQL types only; ids are strings so they survive a move between databases."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from annotator.storage.integrity import OFFSETS_CHECK, STATUS_CHECK, on_create_all

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID = String(64)
Timestamp = DateTime(timezone=True)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class MetaRow(Base):
    """Project-wide settings: label schema, creation time, format version."""

    __tablename__ = "project_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=1)


class AnnotatorRow(Base):
    __tablename__ = "annotators"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(Timestamp)


def _server_check(condition: str, name: str) -> CheckConstraint:
    """A CHECK constraint on PostgreSQL (on SQLite the same rule is a trigger, see
    `integrity`: SQLite cannot add a constraint to an existing table in place)."""
    return CheckConstraint(condition, name=name).ddl_if(dialect="postgresql")


class DocumentRow(Base):
    __tablename__ = "documents"
    __table_args__ = (_server_check(STATUS_CHECK, "status"),)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    ordinal: Mapped[int] = mapped_column(BigInteger, index=True)
    title: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text)
    length: Mapped[int] = mapped_column(Integer, default=0)  # of text, code points (0004)
    meta: Mapped[Any] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), index=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(Timestamp)
    updated_at: Mapped[datetime] = mapped_column(Timestamp)


def _server_index(name: str, *columns: str) -> Index:
    """An index PostgreSQL keeps and SQLite does not: on SQLite each index of an annotation
    table costs an import a third more time (measured), and the queries such an index
    serves (project-wide counts by label or by day) scan the table once instead."""
    return Index(name, *columns).ddl_if(dialect="postgresql")


# Indexes of `_server_index`, by name: migration 0008 drops them from SQLite projects.
SERVER_ONLY_INDEXES = (
    "ix_entity_spans_label",
    "ix_entity_spans_created_at",
    "ix_claims_created_at",
    "ix_target_sentiments_created_at",
    "ix_document_sentiments_created_at",
)


class EntityRow(Base):
    __tablename__ = "entity_spans"
    __table_args__ = (
        Index("ix_entity_spans_document_start", "document_id", "start_offset"),
        _server_index("ix_entity_spans_label", "label"),
        _server_index("ix_entity_spans_created_at", "created_at"),
        _server_check(OFFSETS_CHECK, "offsets"),
    )
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    annotator_id: Mapped[str] = mapped_column(ForeignKey("annotators.id"), index=True)
    start_offset: Mapped[int] = mapped_column(Integer)
    end_offset: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(Timestamp)
    updated_at: Mapped[datetime] = mapped_column(Timestamp)


class ClaimRow(Base):
    __tablename__ = "claims"
    __table_args__ = (
        Index("ix_claims_document_start", "document_id", "start_offset"),
        _server_index("ix_claims_created_at", "created_at"),
        _server_check(OFFSETS_CHECK, "offsets"),
    )
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    annotator_id: Mapped[str] = mapped_column(ForeignKey("annotators.id"), index=True)
    start_offset: Mapped[int] = mapped_column(Integer)
    end_offset: Mapped[int] = mapped_column(Integer)
    speaker_entity_id: Mapped[str | None] = mapped_column(
        ForeignKey("entity_spans.id", ondelete="SET NULL"), index=True
    )
    speaker_text: Mapped[str] = mapped_column(Text, default="")
    attributes: Mapped[Any] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(Timestamp)
    updated_at: Mapped[datetime] = mapped_column(Timestamp)


class TargetSentimentRow(Base):
    __tablename__ = "target_sentiments"
    __table_args__ = (
        UniqueConstraint("entity_id", "annotator_id"),
        _server_index("ix_target_sentiments_created_at", "created_at"),
    )
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    annotator_id: Mapped[str] = mapped_column(ForeignKey("annotators.id"))
    entity_id: Mapped[str] = mapped_column(ForeignKey("entity_spans.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(Timestamp)


class DocumentSentimentRow(Base):
    __tablename__ = "document_sentiments"
    __table_args__ = (_server_index("ix_document_sentiments_created_at", "created_at"),)
    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    annotator_id: Mapped[str] = mapped_column(ForeignKey("annotators.id"), primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(Timestamp)


class AssignmentRow(Base):
    """Document `document_id` is assigned to annotator `annotator_id` (revision 0002)."""

    __tablename__ = "assignments"
    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    annotator_id: Mapped[str] = mapped_column(
        ForeignKey("annotators.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    assigned_at: Mapped[datetime] = mapped_column(Timestamp)


class SuggestionRow(Base):
    """A proposed annotation and its decision (revision 0005): see annotator.core.suggestions.

    A rejected or accepted row stays, so that its source does not propose it again.
    """

    __tablename__ = "suggestions"
    __table_args__ = (
        UniqueConstraint(
            "document_id",
            "kind",
            "start_offset",
            "end_offset",
            "label",
            "source",
            name="uq_suggestions_key",
        ),
        Index("ix_suggestions_document_status", "document_id", "status"),
    )
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    start_offset: Mapped[int] = mapped_column(Integer)
    end_offset: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(200), index=True)
    speaker_start: Mapped[int | None] = mapped_column(Integer)
    speaker_end: Mapped[int | None] = mapped_column(Integer)
    speaker_label: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(200), index=True)
    score: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20), index=True)
    decided_by: Mapped[str | None] = mapped_column(
        ForeignKey("annotators.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(Timestamp)
    decided_at: Mapped[datetime | None] = mapped_column(Timestamp)


class AdjudicationRow(Base):
    """A document's adjudication into the gold layer (revision 0006, `storage/gold.py`).

    The gold annotations themselves are ordinary rows of the reserved gold annotator.
    """

    __tablename__ = "adjudications"
    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    reviewer: Mapped[str] = mapped_column(String(200))
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    settled: Mapped[Any] = mapped_column(JSON)  # keys of the disagreements settled so far
    updated_at: Mapped[datetime] = mapped_column(Timestamp)


# the triggers of `integrity` (and of nothing else) come with `create_all`
event.listen(Base.metadata, "after_create", on_create_all)
