"""Which annotations an export writes: `--layer gold|all|annotator:NAME`.

- `all` (the default): every analyst's annotations, and the gold layer's, as stored.
- `annotator:NAME`: only NAME's annotations (the same as `--only-annotator NAME`).
- `gold`: an adjudicated document (Review ▸ Adjudicate marked it complete) is written with
  its gold annotations only. A document not adjudicated is written with the one version
  it has when exactly one analyst annotated it, or when all its analysts' versions are
  identical (the first analyst's by name); without any annotation, bare; otherwise (the
  analysts disagree and nobody adjudicated) it is left out, with a note in the manifest.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from annotator.core.model import AnnotatedDocument, DocumentAnnotations, Status
from annotator.formats.export_context import ExportContext
from annotator.services.project import Project

LAYERS_HELP = "gold, all, or annotator:NAME"


def parse_layer(layer: str) -> tuple[str, str | None]:
    """("all"|"gold"|"annotator", name) from a --layer value; ValueError if malformed."""
    if layer in ("all", "gold"):
        return layer, None
    kind, sep, name = layer.partition(":")
    if kind == "annotator" and sep and name.strip():
        return "annotator", name.strip()
    raise ValueError(f"unknown layer {layer!r} (expected {LAYERS_HELP})")


def _who(ann: DocumentAnnotations) -> set[str]:
    names = {e.annotator for e in ann.entities.values()}
    names |= {c.annotator for c in ann.claims.values()}
    names |= {t.annotator for t in ann.targets.values()}
    return names


def _content(ann: DocumentAnnotations) -> tuple[Any, ...]:
    """What a version says, without ids and annotator (to see whether versions agree)."""
    ents = ann.entities
    entities = tuple(sorted((e.start, e.end, e.label) for e in ents.values()))

    def span(entity_id: str | None) -> Any:
        e = ents.get(entity_id) if entity_id else None
        return (e.start, e.end, e.label) if e else ()

    claims = tuple(
        sorted(
            (
                c.start,
                c.end,
                span(c.speaker_id),
                c.speaker_text,
                tuple(sorted(c.attributes.items())),
            )
            for c in ann.claims.values()
        )
    )
    targets = tuple(sorted((span(t.entity_id), t.label) for t in ann.targets.values()))
    return (entities, claims, targets, ann.document_sentiment)


def gold_layer(
    project: Project,
    ctx: ExportContext,
    status: Status | None = None,
    ids: Sequence[str] | None = None,
) -> Iterator[AnnotatedDocument]:
    """The documents of a `gold` export (see the module docstring for the rule)."""
    from annotator.storage.gold import GOLD_ANNOTATOR, adjudicated_documents

    repo = project.repo
    adjudicated = adjudicated_documents(repo.engine)
    for item in repo.iter_annotated(status=status, ids=ids):
        doc = item.document
        if doc.id in adjudicated:
            gold = repo.load_annotations(doc.id, GOLD_ANNOTATOR)
            yield AnnotatedDocument(doc, gold, GOLD_ANNOTATOR)
            continue
        names = _who(item.annotations) - {GOLD_ANNOTATOR}
        sentiment_only = item.annotations.document_sentiment is not None
        if not names and not sentiment_only:
            yield replace(item, annotations=DocumentAnnotations(), annotator=None)
            continue
        if not names:  # only document sentiments: find whose
            names = set(repo.annotator_names().values()) - {GOLD_ANNOTATOR}
        versions = {}
        for name in sorted(names):
            version = repo.load_annotations(doc.id, name)
            if not version.is_empty():
                versions[name] = version
        contents = {_content(v) for v in versions.values()}
        if len(contents) <= 1:
            first = min(versions) if versions else None
            yield AnnotatedDocument(doc, versions[first] if first else DocumentAnnotations(), first)
            continue
        ctx.note(
            doc.id,
            "not adjudicated",
            f"{len(versions)} analysts disagree ({', '.join(sorted(versions))}) and the "
            "document has not been adjudicated: left out of the gold layer",
        )
