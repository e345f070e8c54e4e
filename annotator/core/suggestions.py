"""Suggestions: annotations proposed by a source (gazetteer, quote detector, model, import)
that an analyst accepts or rejects. They are never annotations until accepted.

A suggestion is identified within its document by its key (kind, offsets, label, source):
a source proposing the same thing again is recognised, so a rejected suggestion does not
come back from the same source.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from annotator.core.model import check_span


class SuggestionKind(str, Enum):
    ENTITY = "entity"
    CLAIM = "claim"
    DOCUMENT_SENTIMENT = "document_sentiment"


class SuggestionStatus(str, Enum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


# Source names of the built-in suggesters; models are "spacy:<name>@<version>".
QUOTE_SOURCE = "quotes"
GAZETTEER_SOURCE = "gazetteer"
OCCURRENCES_SOURCE = "all-occurrences"
IMPORT_SOURCE = "import"


@dataclass(frozen=True, slots=True)
class SpeakerRef:
    """The mention a claim suggestion attributes its words to, with the entity label that
    accepting it gives the mention when it is not tagged yet."""

    start: int
    end: int
    label: str = "PERSON"


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A proposed entity (label), claim (speaker) or document sentiment (label, no span)."""

    id: str
    document_id: str
    kind: SuggestionKind
    start: int
    end: int
    label: str
    source: str
    score: float = 1.0
    speaker: SpeakerRef | None = None
    status: SuggestionStatus = SuggestionStatus.PENDING
    decided_by: str = ""

    def key(self) -> tuple[str, str, int, int, str, str]:
        return (self.document_id, self.kind.value, self.start, self.end, self.label, self.source)

    def validate(self, text_length: int) -> None:
        """Raise SpanError/ValueError if the suggestion does not fit a text of this length."""
        if self.kind is SuggestionKind.DOCUMENT_SENTIMENT:
            if (self.start, self.end) != (0, 0) or self.speaker is not None:
                raise ValueError("a document sentiment suggestion has no span and no speaker")
        else:
            check_span(self.start, self.end, text_length)
        if self.speaker is not None:
            if self.kind is not SuggestionKind.CLAIM:
                raise ValueError("only a claim suggestion has a speaker")
            check_span(self.speaker.start, self.speaker.end, text_length)
        if not self.source:
            raise ValueError("a suggestion needs a source")
        if self.kind is not SuggestionKind.CLAIM and not self.label:
            raise ValueError(f"a {self.kind.value} suggestion needs a label")
