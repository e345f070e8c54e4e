"""Export filters that work on core objects (status, annotator and ids are applied in storage)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import replace

from annotator.core.model import AnnotatedDocument, DocumentAnnotations


def keep_labels(item: AnnotatedDocument, labels: Collection[str]) -> AnnotatedDocument:
    """Only the entities with one of `labels`; claims stay (a removed speaker becomes
    its text) and target sentiments on removed entities go."""
    ann = item.annotations
    kept = {i: e for i, e in ann.entities.items() if e.label in labels}
    if len(kept) == len(ann.entities):
        return item
    text = item.document.text
    claims = {}
    for cid, c in ann.claims.items():
        if c.speaker_id is not None and c.speaker_id not in kept:
            speaker = ann.entities.get(c.speaker_id)
            spoken = c.speaker_text or (text[speaker.start : speaker.end] if speaker else "")
            c = replace(c, speaker_id=None, speaker_text=spoken)
        claims[cid] = c
    targets = {i: t for i, t in ann.targets.items() if t.entity_id in kept}
    new = DocumentAnnotations(kept, claims, targets, ann.document_sentiment)
    return replace(item, annotations=new)


def drop_dangling(item: AnnotatedDocument) -> AnnotatedDocument:
    """Unlink claims whose speaker entity is not in the item, and drop target sentiment on
    absent entities (an annotator filter can leave such references behind)."""
    ann = item.annotations
    if not ann.claims and not ann.targets:  # most documents: nothing can dangle
        return item
    ents = ann.entities
    if all(c.speaker_id is None or c.speaker_id in ents for c in ann.claims.values()) and all(
        t.entity_id in ents for t in ann.targets.values()
    ):
        return item
    claims = {
        cid: c if c.speaker_id is None or c.speaker_id in ents else replace(c, speaker_id=None)
        for cid, c in ann.claims.items()
    }
    targets = {i: t for i, t in ann.targets.items() if t.entity_id in ents}
    new = DocumentAnnotations(dict(ents), claims, targets, ann.document_sentiment)
    return replace(item, annotations=new)


def filter_labels(
    items: Iterable[AnnotatedDocument], labels: Collection[str] | None
) -> Iterator[AnnotatedDocument]:
    """Apply `keep_labels` (when labels is not None) and `drop_dangling` to every item."""
    wanted = frozenset(labels) if labels is not None else None
    for item in items:
        yield drop_dangling(keep_labels(item, wanted) if wanted is not None else item)
