"""Documents with hard text (emoji, ZWJ, flags, CJK, combining marks, RTL) for format tests."""

from __future__ import annotations

import contextlib

from annotator.core.model import (
    AnnotatedDocument,
    Claim,
    Document,
    DocumentAnnotations,
    EntitySpan,
    Status,
    TargetSentiment,
)
from annotator.core.text import content_hash

# spaCy and datasets pull in urllib3, which opens an IPv6 socket at import time to probe
# support (no traffic). Import it now, at collection, before the network guard is active.
with contextlib.suppress(ImportError):
    import urllib3  # noqa: F401

TEXT_1 = (
    "Trade talks 👩‍👩‍👧 in 北京 and London 🇬🇧 resumed.\n"
    "Cafe\u0301 owner José Núñez said: “Tariffs will fall by 5% 👍🏽.”\n"
    "\n"
    "The EU‑China summit (שלום) ended; Liu He called it “constructive”."
)
TEXT_2 = "Plain ASCII: Acme Corp. hired Jane Doe in Paris."


def at(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def doc1() -> AnnotatedDocument:
    t = TEXT_1
    ents = [
        EntitySpan("e1", *at(t, "👩‍👩‍👧"), "PERSON", "ann"),
        EntitySpan("e2", *at(t, "北京"), "GPE", "ann"),
        EntitySpan("e3", *at(t, "London 🇬🇧"), "GPE", "ann"),
        EntitySpan("e4", *at(t, "🇬🇧"), "NORP", "ann"),  # nested inside e3: overlap
        EntitySpan("e5", *at(t, "Cafe\u0301"), "ORG", "ann"),
        EntitySpan("e6", *at(t, "José Núñez"), "PERSON", "ann"),
        EntitySpan("e7", *at(t, "5%"), "PERCENT", "ann"),
        EntitySpan("e8", *at(t, "EU‑China summit"), "EVENT", "bob"),
        EntitySpan("e9", *at(t, "Liu He"), "PERSON", "bob"),
        EntitySpan("e10", *at(t, "Tariffs"), "PRODUCT", "ann"),  # inside the claim
        EntitySpan("e11", *at(t, "Jos"), "NORP", "ann"),  # misaligned: ends inside a word
    ]
    claims = [
        Claim(
            "c1",
            *at(t, "Tariffs will fall by 5% 👍🏽."),
            "e6",
            "",
            {"type": "prediction", "stance": "critical"},
            "ann",
        ),
        Claim("c2", *at(t, "constructive"), "e9", "", {"type": "opinion"}, "bob"),
        Claim(
            "c3",
            *at(t, "Trade talks 👩‍👩‍👧 in 北京 and London 🇬🇧 resumed.\nCafe"),
            None,
            "a spokesperson",
            {},
            "ann",
        ),
    ]
    targets = [
        TargetSentiment("t1", "e6", "negative", "ann"),
        TargetSentiment("t2", "e2", "neutral", "ann"),
    ]
    doc = Document("doc-1", "Trade talks", t, "test", {"lang": "en"}, Status.DONE, content_hash(t))
    return AnnotatedDocument(doc, DocumentAnnotations.of(ents, claims, targets, "mixed"))


def doc2() -> AnnotatedDocument:
    t = TEXT_2
    ents = [
        EntitySpan("f1", *at(t, "Acme Corp."), "ORG", "ann"),
        EntitySpan("f2", *at(t, "Jane Doe"), "PERSON", "ann"),
        EntitySpan("f3", *at(t, "Paris"), "GPE", "ann"),
    ]
    doc = Document("doc-2", "Acme", t, "", {}, Status.IN_PROGRESS, content_hash(t))
    return AnnotatedDocument(doc, DocumentAnnotations.of(ents))


def corpus() -> list[AnnotatedDocument]:
    items = [doc1(), doc2()]
    for item in items:
        item.validate()
    return items


def surfaces(item: AnnotatedDocument) -> set[tuple[str, str]]:
    """(label, text) of every entity."""
    t = item.document.text
    return {(e.label, t[e.start : e.end]) for e in item.annotations.entities.values()}


def facts(item: AnnotatedDocument) -> dict[str, object]:
    """Every annotation as comparable values that do not depend on ids."""
    ann = item.annotations
    ents = ann.entities

    def key(entity_id: str | None) -> tuple[int, int, str] | None:
        e = ents.get(entity_id or "")
        return (e.start, e.end, e.label) if e else None

    return {
        "text": item.document.text,
        "entities": sorted((e.start, e.end, e.label) for e in ents.values()),
        "claims": sorted(
            (
                c.start,
                c.end,
                str(key(c.speaker_id)),
                "" if c.speaker_id else c.speaker_text,  # a linked speaker's text is derived
                sorted(c.attributes.items()),
            )
            for c in ann.claims.values()
        ),
        "targets": sorted((str(key(t.entity_id)), t.label) for t in ann.targets.values()),
        "document_sentiment": ann.document_sentiment,
    }


def export_bytes(
    fmt: str, items: list[AnnotatedDocument], **options: object
) -> tuple[bytes, object]:
    """Write `items` in `fmt` to memory; returns (bytes, context)."""
    import io

    from annotator.formats.export_context import ExportContext
    from annotator.formats.registry import export_format

    options.setdefault("offsets", export_format(fmt).default_offsets)  # as export_project
    ctx = ExportContext(**options)  # type: ignore[arg-type]
    buffer = io.BytesIO()
    export_format(fmt).write(items, buffer, ctx)
    return buffer.getvalue(), ctx


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n")
