"""What every exporter gets besides the documents: schema, options, and a place for notes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

from annotator.core.model import AnnotatedDocument
from annotator.core.schema import LabelSchema, default_schema

OffsetUnit = Literal["codepoint", "utf16"]
MAX_KEPT_NOTES = 1000
COUNT_EVERY = 10_000  # labels gathered before they are tallied


class FormatUnavailable(ValueError):
    """A format needs an optional package that is not installed; says how to get it."""


@dataclass(frozen=True, slots=True)
class ExportNote:
    """Something an export could not express exactly, for one document."""

    document_id: str
    kind: str
    message: str

    def __str__(self) -> str:
        return f"document {self.document_id}: {self.message}"


@dataclass
class ExportContext:
    """Options and report of one export run, shared by all writers."""

    schema: LabelSchema = field(default_factory=default_schema)
    offsets: OffsetUnit = "codepoint"
    only_labels: Sequence[str] | None = None  # the labels filter, if any
    on_item: Callable[[int], None] | None = None
    notes: list[ExportNote] = field(default_factory=list)
    note_counts: Counter[str] = field(default_factory=Counter)
    counts: Counter[str] = field(default_factory=Counter)
    label_counts: Counter[str] = field(default_factory=Counter)
    extra_manifest: dict[str, object] = field(default_factory=dict)
    losses: Counter[str] = field(default_factory=Counter)  # kind -> annotations lost

    def note(self, document_id: str, kind: str, message: str) -> None:
        """Record a loss or a change; all are counted, the first 1000 kept verbatim."""
        self.note_counts[kind] += 1
        if len(self.notes) < MAX_KEPT_NOTES:
            self.notes.append(ExportNote(document_id, kind, message))

    def lose(self, document_id: str, kind: str, count: int, what: str) -> None:
        """Count `count` annotations of `kind` the output (or its tool) loses; note them."""
        if count > 0:
            self.losses[kind] += count
            self.note(document_id, kind, f"{count} {what}")

    def lose_unwritten(self, item: AnnotatedDocument, claims: bool = True) -> None:
        """Count the claims (if the format has none) and target sentiments of `item`."""
        ann, doc_id = item.annotations, item.document.id
        if claims:
            self.lose(doc_id, "claims", len(ann.claims), "claims not written")
        self.lose(doc_id, "target_sentiments", len(ann.targets), "target sentiments not written")

    def entity_labels(self) -> list[str]:
        """The exported label set: the filter's labels, or the schema's and any others seen."""
        if self.only_labels is not None:
            return list(dict.fromkeys(self.only_labels))
        seen = dict.fromkeys(self.schema.entity_label_names)
        seen.update(dict.fromkeys(sorted(self.label_counts)))
        return list(seen)

    def counted(self, items: Iterable[AnnotatedDocument]) -> Iterator[AnnotatedDocument]:
        """Pass items through, counting documents and annotations and calling on_item.

        Labels are tallied once COUNT_EVERY have gathered (one Counter update, not one a
        document) and when the stream ends or is closed."""
        counts, on_item = self.counts, self.on_item
        labels: list[str] = []
        n = 0
        try:
            for n, item in enumerate(items, start=1):
                a = item.annotations
                entities = a.entities
                counts["documents"] += 1
                if entities:
                    counts["entities"] += len(entities)
                    labels += [e.label for e in entities.values()]
                if a.claims:
                    counts["claims"] += len(a.claims)
                if a.targets:
                    counts["target_sentiments"] += len(a.targets)
                if a.document_sentiment:
                    counts["document_sentiments"] += 1
                if len(labels) >= COUNT_EVERY:
                    self.label_counts.update(labels)
                    labels.clear()
                yield item
                if on_item is not None:
                    on_item(n)
        finally:
            self.label_counts.update(labels)
            if n:  # these keys are there once a document was counted, even at zero
                for key in ("entities", "claims", "target_sentiments"):
                    counts.setdefault(key, 0)
