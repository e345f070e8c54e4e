"""Running suggesters over documents: the quote detector, "all occurrences" of a span's
text, and the shared runner that the gazetteer and spaCy suggesters use too.

A run stores its suggestions (known keys are skipped, see `SuggestionStore.add`) and
reports counts; it can show progress and be cancelled between documents.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from annotator.core.ids import new_id
from annotator.core.model import AnnotatedDocument
from annotator.core.quotation import Mention, detect_quotations
from annotator.core.schema import LabelSchema
from annotator.core.suggestions import (
    OCCURRENCES_SOURCE,
    QUOTE_SOURCE,
    SpeakerRef,
    Suggestion,
    SuggestionKind,
)
from annotator.services.project import Project
from annotator.services.suggesting import SuggestionFilter, suggestion_store

Propose = Callable[[AnnotatedDocument], list[Suggestion]]
BATCH = 1000  # documents whose suggestions are stored together


@dataclass
class SuggestRun:
    """What a run proposed and stored, by kind."""

    source: str
    documents: int = 0
    proposed: int = 0
    stored: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    document_ids: list[str] = field(default_factory=list)
    cancelled: bool = False

    def summary(self) -> str:
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(self.by_kind.items())) or "nothing"
        text = (
            f"{self.source}: {self.documents} documents, proposed {kinds}; "
            f"{self.stored} new suggestions stored"
        )
        skipped = self.proposed - self.stored
        if skipped:
            text += f", {skipped} known already (pending or decided)"
        return text + (" (cancelled)" if self.cancelled else "")


def run_suggester(
    project: Project,
    source: str,
    propose: Propose,
    documents: Sequence[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> SuggestRun:
    """Propose suggestions for each document (all, or `documents`) and store them."""
    store = suggestion_store(project)
    total = project.repo.count_documents(None, documents)
    run = SuggestRun(source)
    pending: list[Suggestion] = []

    def flush() -> None:
        run.stored += store.add(pending)
        pending.clear()

    for item in project.repo.iter_annotated(ids=documents):
        if cancelled is not None and cancelled():
            run.cancelled = True
            break
        found = propose(item)
        run.documents += 1
        run.document_ids.append(item.document.id)
        run.proposed += len(found)
        for s in found:
            run.by_kind[s.kind.value] = run.by_kind.get(s.kind.value, 0) + 1
        pending.extend(found)
        if run.documents % BATCH == 0:
            flush()
        if progress is not None and (run.documents % 50 == 0 or run.documents == total):
            progress(run.documents, total)
    flush()
    return run


def run_pending(project: Project, run: SuggestRun) -> list[Suggestion]:
    """The pending suggestions of `run`'s source on the documents it went through."""
    store = suggestion_store(project)
    out: list[Suggestion] = []
    ids = run.document_ids
    for i in range(0, len(ids), BATCH):
        out += store.find(SuggestionFilter(documents=ids[i : i + BATCH], source=run.source))
    return out


# -- the quote detector ----------------------------------------------------------------
SPEAKER_LABELS = ("PERSON", "ORG", "GPE", "NORP")


def quote_proposer(schema: LabelSchema) -> Propose:
    """Claims for attributed quotations, with speaker links, and an entity suggestion for
    each speaker mention that is not tagged yet."""
    names = {label.name for label in schema.entity_labels}
    fallback = next((lab for lab in ("PERSON", "ORG") if lab in names), None)

    def propose(item: AnnotatedDocument) -> list[Suggestion]:
        doc = item.document
        entities = item.annotations.entities.values()
        known = [Mention(e.start, e.end, e.label) for e in entities if e.label in SPEAKER_LABELS]
        tagged = {(e.start, e.end) for e in entities}
        out: list[Suggestion] = []
        speakers: set[tuple[int, int]] = set()
        for a in detect_quotations(doc.text, known):
            speaker = None
            if a.speaker is not None:
                label = a.speaker.label if a.speaker.label in names else fallback
                if label is not None:
                    speaker = SpeakerRef(a.speaker.start, a.speaker.end, label)
            score = round(a.score, 3)
            out.append(
                Suggestion(
                    new_id(),
                    doc.id,
                    SuggestionKind.CLAIM,
                    a.start,
                    a.end,
                    "",
                    QUOTE_SOURCE,
                    score,
                    speaker,
                )
            )
            if speaker is not None:
                span = (speaker.start, speaker.end)
                if span not in tagged and span not in speakers:
                    speakers.add(span)
                    out.append(
                        Suggestion(
                            new_id(),
                            doc.id,
                            SuggestionKind.ENTITY,
                            speaker.start,
                            speaker.end,
                            speaker.label,
                            QUOTE_SOURCE,
                            score,
                        )
                    )
        return out

    return propose


def suggest_quotes(
    project: Project,
    documents: Sequence[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> SuggestRun:
    return run_suggester(
        project, QUOTE_SOURCE, quote_proposer(project.schema), documents, progress, cancelled
    )


# -- all occurrences of a span's text ---------------------------------------------------
def occurrences(text: str, needle: str) -> Iterable[tuple[int, int]]:
    """Where `needle` occurs in `text` as whole words (case-sensitive), in order."""
    if not needle.strip():
        return
    left = r"(?<!\w)" if needle[0].isalnum() or needle[0] == "_" else ""
    right = r"(?!\w)" if needle[-1].isalnum() or needle[-1] == "_" else ""
    for m in re.finditer(left + re.escape(needle) + right, text):
        yield m.start(), m.end()


def occurrence_proposer(needle: str, label: str) -> Propose:
    def propose(item: AnnotatedDocument) -> list[Suggestion]:
        doc = item.document
        tagged = {(e.start, e.end) for e in item.annotations.entities.values() if e.label == label}
        return [
            Suggestion(new_id(), doc.id, SuggestionKind.ENTITY, s, e, label, OCCURRENCES_SOURCE)
            for s, e in occurrences(doc.text, needle)
            if (s, e) not in tagged
        ]

    return propose


def preview_occurrences(
    project: Project, doc_id: str, start: int, end: int, label: str, every_document: bool = False
) -> int:
    """How many untagged occurrences `suggest_occurrences` would propose."""
    needle = project.repo.get_document(doc_id).text[start:end]
    propose = occurrence_proposer(needle, label)
    ids = None if every_document else [doc_id]
    return sum(len(propose(item)) for item in project.repo.iter_annotated(ids=ids))


def suggest_occurrences(
    project: Project,
    doc_id: str,
    start: int,
    end: int,
    label: str,
    every_document: bool = False,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> SuggestRun:
    """Suggest `label` for every other occurrence of text[start:end], in this document or
    in every document."""
    if label not in {lab.name for lab in project.schema.entity_labels}:
        raise ValueError(f"label {label!r} is not in the project's schema")
    needle = project.repo.get_document(doc_id).text[start:end]
    ids = None if every_document else [doc_id]
    return run_suggester(
        project, OCCURRENCES_SOURCE, occurrence_proposer(needle, label), ids, progress, cancelled
    )
