"""Imported annotations for a document that is already in the project: added to it (under
their own annotator), or stored as suggestions; never dropped. A model's predictions (the
item's ``predicted_by``) always become suggestions whose source is the model's name.

What is stored already is not added twice (the same span and label by the same annotator,
the same claim span by the same annotator), so importing a file again changes nothing.
"""

from __future__ import annotations

from dataclasses import replace

from annotator.core.ids import new_id
from annotator.core.model import AnnotatedDocument, Claim, DocumentAnnotations, EntitySpan
from annotator.core.model import TargetSentiment as Target
from annotator.core.suggestions import IMPORT_SOURCE, SpeakerRef, Suggestion, SuggestionKind
from annotator.services.project import Project


def without_annotations(item: AnnotatedDocument) -> AnnotatedDocument:
    """The document alone (its annotations are to become suggestions)."""
    return replace(item, annotations=DocumentAnnotations(), predicted_by=frozenset())


def split_predictions(item: AnnotatedDocument) -> tuple[AnnotatedDocument, AnnotatedDocument]:
    """(the analysts' annotations, the models' predictions) of `item`."""
    models = item.predicted_by
    if not models:
        return item, without_annotations(item)
    ann = item.annotations
    sentiment_predicted = item.annotator in models

    def part(predicted: bool) -> DocumentAnnotations:
        return DocumentAnnotations.of(
            [e for e in ann.entities.values() if (e.annotator in models) is predicted],
            [c for c in ann.claims.values() if (c.annotator in models) is predicted],
            [t for t in ann.targets.values() if (t.annotator in models) is predicted],
            ann.document_sentiment if sentiment_predicted is predicted else None,
        )

    analysts = replace(
        item,
        annotations=part(False),
        annotator=None if sentiment_predicted else item.annotator,
        predicted_by=frozenset(),
    )
    return analysts, replace(item, annotations=part(True))


def attach_annotations(
    project: Project, doc_id: str, item: AnnotatedDocument, as_suggestions: bool
) -> int:
    """Add `item`'s annotations to stored document `doc_id` (the same text); returns how
    many annotations (or suggestions) were added."""
    if item.annotations.is_empty():
        return 0
    if as_suggestions:
        from annotator.services.suggesting import suggestion_store  # SQLAlchemy: on use

        return suggestion_store(project).add(_as_suggestions(doc_id, item))
    return _add_annotations(project, doc_id, item)


def _who(name: str, item: AnnotatedDocument, project: Project) -> str:
    return name or item.annotator or project.annotator


def _add_annotations(project: Project, doc_id: str, item: AnnotatedDocument) -> int:
    repo = project.repo
    stored = repo.load_annotations(doc_id)
    ann = item.annotations
    editor = repo.editor(doc_id, project.annotator)
    have = {(e.start, e.end, e.label, e.annotator): e.id for e in stored.entities.values()}
    ids: dict[str, str] = {}
    new_spans = []
    for e in ann.sorted_entities():
        who = _who(e.annotator, item, project)
        key = (e.start, e.end, e.label, who)
        if key in have:
            ids[e.id] = have[key]
            continue
        span = EntitySpan(new_id(), e.start, e.end, e.label, who)
        ids[e.id] = have[key] = span.id
        new_spans.append(span)
    editor.add_many(new_spans)
    added = len(new_spans)
    claims = {(c.start, c.end, c.annotator) for c in stored.claims.values()}
    for c in ann.sorted_claims():
        who = _who(c.annotator, item, project)
        if (c.start, c.end, who) in claims:
            continue
        speaker = ids.get(c.speaker_id) if c.speaker_id else None
        editor.put_claim(
            Claim(new_id(), c.start, c.end, speaker, c.speaker_text, c.attributes, who)
        )
        claims.add((c.start, c.end, who))
        added += 1
    targets = {(t.entity_id, t.annotator) for t in stored.targets.values()}
    for t in ann.targets.values():
        who = _who(t.annotator, item, project)
        entity = ids.get(t.entity_id)
        if entity is None or (entity, who) in targets:
            continue
        editor.put_target(Target(new_id(), entity, t.label, who))
        targets.add((entity, who))
        added += 1
    if ann.document_sentiment:
        own = repo.editor(doc_id, _who("", item, project))
        if own.get_document_sentiment() is None:
            own.set_document_sentiment(ann.document_sentiment)
            added += 1
    return added


def _as_suggestions(doc_id: str, item: AnnotatedDocument) -> list[Suggestion]:
    """Entity, claim and document sentiment suggestions (target sentiments have no kind of
    suggestion); a model's predictions have the model as their source, the rest the import."""
    ann = item.annotations

    def source(annotator: str | None) -> str:
        return annotator if annotator and annotator in item.predicted_by else IMPORT_SOURCE

    out = [
        Suggestion(
            new_id(), doc_id, SuggestionKind.ENTITY, e.start, e.end, e.label, source(e.annotator)
        )
        for e in ann.sorted_entities()
    ]
    for c in ann.sorted_claims():
        speaker_entity = ann.entities.get(c.speaker_id or "")
        speaker = None
        if speaker_entity is not None:
            speaker = SpeakerRef(speaker_entity.start, speaker_entity.end, speaker_entity.label)
        out.append(
            Suggestion(
                new_id(),
                doc_id,
                SuggestionKind.CLAIM,
                c.start,
                c.end,
                "",
                source(c.annotator),
                speaker=speaker,
            )
        )
    if ann.document_sentiment:
        out.append(
            Suggestion(
                new_id(),
                doc_id,
                SuggestionKind.DOCUMENT_SENTIMENT,
                0,
                0,
                ann.document_sentiment,
                source(item.annotator),
            )
        )
    return out
