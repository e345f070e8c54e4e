"""Domain objects. Offsets are code points into `Document.text`, end exclusive."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timezone
from enum import Enum
from typing import Any


class Status(str, Enum):
    """Where a document stands in the annotation workflow."""

    TODO = "todo"
    IN_PROGRESS = "in_progress"
    DONE = "done"

    @classmethod
    def parse(cls, value: str) -> Status:
        try:
            return cls(value)
        except ValueError:
            choices = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown status {value!r} (expected one of: {choices})") from None


STATUSES: Mapping[str, Status] = {status.value: status for status in Status}  # by value


class SpanError(ValueError):
    """Offsets that do not describe a span of the document's text."""


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def check_span(start: int, end: int, text_length: int) -> None:
    """Raise SpanError unless 0 <= start < end <= text_length (all integers)."""
    if type(start) is not int or type(end) is not int:
        raise SpanError(f"offsets must be integers, got {start!r}, {end!r}")
    if not 0 <= start < end <= text_length:
        raise SpanError(
            f"span [{start}, {end}) is not within the text (0 <= start < end <= {text_length})"
        )


@dataclass(frozen=True, slots=True)
class Document:
    id: str
    title: str
    text: str
    source: str = ""
    meta: Mapping[str, Any] = field(default_factory=dict)
    status: Status = Status.TODO
    content_hash: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    """A row of the document list."""

    id: str
    title: str
    status: Status
    entity_count: int
    claim_count: int
    length: int


@dataclass(frozen=True, slots=True)
class EntitySpan:
    id: str
    start: int
    end: int
    label: str
    annotator: str = ""

    def moved(self, start: int, end: int) -> EntitySpan:
        return replace(self, start=start, end=end)


def _slot_setters(cls: type, names: tuple[str, ...]) -> tuple[Any, ...]:
    """The slot descriptors' setters of dataclass `cls`, whose fields must be `names`."""
    if tuple(f.name for f in fields(cls)) != names:
        raise TypeError(f"{cls.__name__}'s fields are not {names}")
    return tuple(cls.__dict__[name].__set__ for name in names)


_SET_ID, _SET_START, _SET_END, _SET_LABEL, _SET_ANNOTATOR = _slot_setters(
    EntitySpan, ("id", "start", "end", "label", "annotator")
)


def entity_span(
    id: str, start: int, end: int, label: str, annotator: str = "", _new: Any = object.__new__
) -> EntitySpan:
    """`EntitySpan(id, start, end, label, annotator)`, made in about half the time (its
    frozen __init__ goes through object.__setattr__ per field): for readers that make a
    million of them. No checks, as the constructor makes none."""
    span: EntitySpan = _new(EntitySpan)
    _SET_ID(span, id)
    _SET_START(span, start)
    _SET_END(span, end)
    _SET_LABEL(span, label)
    _SET_ANNOTATOR(span, annotator)
    return span


@dataclass(frozen=True, slots=True)
class Claim:
    """A claim span: who (speaker) said what (the span), with its attributes."""

    id: str
    start: int
    end: int
    speaker_id: str | None = None  # an EntitySpan id in the same document
    speaker_text: str = ""  # free text, or the speaker entity's text
    attributes: Mapping[str, str] = field(default_factory=dict)
    annotator: str = ""


@dataclass(frozen=True, slots=True)
class TargetSentiment:
    """Sentiment expressed toward one entity span of the document."""

    id: str
    entity_id: str
    label: str
    annotator: str = ""


class TargetTable(dict[str, TargetSentiment]):
    """Target sentiments by id, also indexed by the entity they are about.

    A plain dict to its users; every way of adding or removing an item keeps the index, so
    `for_entity` answers without scanning every target.
    """

    def __init__(self, items: Mapping[str, TargetSentiment] | None = None) -> None:
        super().__init__()
        self._by_entity: dict[str, dict[str, None]] = {}
        for key, value in (items or {}).items():
            self[key] = value

    def __setitem__(self, key: str, value: TargetSentiment) -> None:
        old = dict.get(self, key)
        if old is not None:
            self._unindex(key, old)
        dict.__setitem__(self, key, value)
        self._by_entity.setdefault(value.entity_id, {})[key] = None

    def __delitem__(self, key: str) -> None:
        old = self[key]
        dict.__delitem__(self, key)
        self._unindex(key, old)

    def _unindex(self, key: str, old: TargetSentiment) -> None:
        ids = self._by_entity.get(old.entity_id)
        if ids is not None:
            ids.pop(key, None)
            if not ids:
                del self._by_entity[old.entity_id]

    def pop(self, key: str, *default: Any) -> Any:
        if key in self:
            value = self[key]
            del self[key]
            return value
        if default:
            return default[0]
        raise KeyError(key)

    def popitem(self) -> tuple[str, TargetSentiment]:
        key = next(reversed(self.keys()))
        return key, self.pop(key)

    def setdefault(self, key: str, default: TargetSentiment) -> TargetSentiment:
        if key not in self:
            self[key] = default
        return self[key]

    def update(self, *args: Any, **kwargs: TargetSentiment) -> None:
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def clear(self) -> None:
        dict.clear(self)
        self._by_entity.clear()

    def for_entity(self, entity_id: str) -> list[TargetSentiment]:
        """Every target toward `entity_id` (one per annotator), oldest first."""
        return [self[key] for key in self._by_entity.get(entity_id, ())]


@dataclass(slots=True)
class DocumentAnnotations:
    """Every annotation on one document, keyed by id (targets also by entity)."""

    entities: dict[str, EntitySpan] = field(default_factory=dict)
    claims: dict[str, Claim] = field(default_factory=dict)
    targets: dict[str, TargetSentiment] = field(default_factory=TargetTable)
    document_sentiment: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.targets, TargetTable):
            self.targets = TargetTable(self.targets)

    @classmethod
    def of(
        cls,
        entities: Iterable[EntitySpan] = (),
        claims: Iterable[Claim] = (),
        targets: Iterable[TargetSentiment] = (),
        document_sentiment: str | None = None,
    ) -> DocumentAnnotations:
        return cls(
            {e.id: e for e in entities},
            {c.id: c for c in claims},
            {t.id: t for t in targets},
            document_sentiment,
        )

    def sorted_entities(self) -> list[EntitySpan]:
        return sorted(self.entities.values(), key=lambda e: (e.start, -e.end, e.label, e.id))

    def sorted_claims(self) -> list[Claim]:
        return sorted(self.claims.values(), key=lambda c: (c.start, -c.end, c.id))

    def target_for(self, entity_id: str) -> TargetSentiment | None:
        """The first target sentiment toward `entity_id` (an index look-up, no scan)."""
        targets = self.targets
        if isinstance(targets, TargetTable):
            found = targets.for_entity(entity_id)
            return found[0] if found else None
        return next((t for t in targets.values() if t.entity_id == entity_id), None)

    def is_empty(self) -> bool:
        return not (self.entities or self.claims or self.targets or self.document_sentiment)


@dataclass(frozen=True, slots=True)
class AnnotatedDocument:
    """A document with its annotations: the unit that is imported and exported."""

    document: Document
    annotations: DocumentAnnotations
    annotator: str | None = None
    # annotators whose annotations are a model's predictions (imported as suggestions)
    predicted_by: frozenset[str] = frozenset()

    def validate(self) -> None:
        """Raise SpanError/ValueError if any annotation does not fit the text."""
        n = len(self.document.text)
        for e in self.annotations.entities.values():
            check_span(e.start, e.end, n)
        for c in self.annotations.claims.values():
            check_span(c.start, c.end, n)
            if c.speaker_id is not None and c.speaker_id not in self.annotations.entities:
                raise ValueError(f"claim {c.id} names unknown speaker entity {c.speaker_id}")
        for t in self.annotations.targets.values():
            if t.entity_id not in self.annotations.entities:
                raise ValueError(f"target sentiment {t.id} names unknown entity {t.entity_id}")


@dataclass(frozen=True, slots=True)
class ProjectStats:
    documents: int
    by_status: Mapping[str, int]
    entities: int
    claims: int
    target_sentiments: int
    document_sentiments: int
    labels: Mapping[str, int]
    annotators: Mapping[str, int]
    annotations_today: int = 0
