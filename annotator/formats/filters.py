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


def filter_labels(
    items: Iterable[AnnotatedDocument], labels: Collection[str] | None
) -> Iterator[AnnotatedDocument]:
    """Apply `keep_labels` to every item (no-op when labels is None)."""
    if labels is None:
        yield from items
        return
    wanted = frozenset(labels)
    for item in items:
        yield keep_labels(item, wanted)
