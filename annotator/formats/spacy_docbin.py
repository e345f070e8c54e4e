"""spaCy ``.spacy`` files (DocBin), for ``spacy train`` and ``DocBin().from_disk``.

Each document becomes a ``Doc`` whose tokens come from `annotator.formats.tokenize`,
cut where any span starts or ends inside a token (noted in the report), so that
``doc.char_span`` finds every entity and claim. ``doc.ents`` holds a non-overlapping
subset of the entities (longest first); every entity left out is reported. All
entities are in ``doc.spans["entities"]``, claims in ``doc.spans["claims"]`` (label
``CLAIM``), target sentiment in ``doc.spans["target_sentiment"]`` (label = sentiment),
document sentiment in ``doc.cats`` (1.0 for the label, 0.0 for the others of the
schema). ``doc.user_data["annotator"]`` keeps ids, title, status, claim speakers and
attributes, so that nothing is lost; it is read back by `read_docbin`.

An output name without ``.spacy`` gives a folder of shards of 5,000 documents
(``spacy train`` takes the folder), so that memory stays bounded on large exports.
Needs spaCy: ``pip install 'annotator[spacy]'``.

Cannot express: nothing is lost (overlapping entities are only missing from
``doc.ents``); who made each annotation is kept only in ``user_data``.
"""

from __future__ import annotations

import importlib.util
import itertools
import logging
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from annotator.core.model import (
    AnnotatedDocument,
    Claim,
    DocumentAnnotations,
    EntitySpan,
    TargetSentiment,
)
from annotator.formats.export_context import ExportContext, FormatUnavailable
from annotator.formats.limits import ImportLimits, current_limits, read_whole
from annotator.formats.problems import FormatError, ImportProblem, RecordError
from annotator.formats.source_text import SourceText, annotated, new_document
from annotator.formats.token_spans import aligned_tokens, non_overlapping, note_overlaps
from annotator.formats.tokenize import split_at

INSTALL_HINT = "the spaCy formats need spaCy: pip install 'annotator[spacy]'"
USER_KEY = "annotator"
CLAIM_LABEL = "CLAIM"
SHARD_SIZE = 5000
# Only what the export sets: far less memory than the default attributes (tags, deps...).
DOCBIN_ATTRS = ["ORTH", "ENT_IOB", "ENT_TYPE", "ENT_KB_ID"]
log = logging.getLogger(__name__)


def spacy_missing() -> str | None:
    """Why the spaCy format cannot be used here, or None (looks, without importing spaCy)."""
    return INSTALL_HINT if importlib.util.find_spec("spacy") is None else None


def _require() -> Any:
    try:
        import spacy
    except ImportError:
        raise FormatUnavailable(INSTALL_HINT) from None
    return spacy


def words_and_spaces(item: AnnotatedDocument, ctx: ExportContext) -> tuple[list[str], list[bool]]:
    """spaCy words and trailing-space flags that rebuild the text exactly, with a token
    boundary at every span edge."""
    text, ann = item.document.text, item.annotations
    tokens = aligned_tokens(item, ctx, with_claims=True)
    pieces: list[tuple[int, int]] = []
    pos = 0
    for s, e in tokens:
        if s > pos:
            pieces.append((pos, s))
        pieces.append((s, e))
        pos = e
    if pos < len(text):
        pieces.append((pos, len(text)))
    edges = {b for e in ann.entities.values() for b in (e.start, e.end)}
    edges |= {b for c in ann.claims.values() for b in (c.start, c.end)}
    pieces, _ = split_at(pieces, edges)
    words: list[str] = []
    spaces: list[bool] = []
    for s, e in pieces:
        piece = text[s:e]
        if piece == " " and words and not spaces[-1] and not words[-1].isspace() and s not in edges:
            spaces[-1] = True
            continue
        words.append(piece)
        spaces.append(False)
    return words, spaces


def to_doc(item: AnnotatedDocument, ctx: ExportContext, vocab: Any) -> Any:
    from spacy.tokens import Doc

    doc_obj, ann = item.document, item.annotations
    words, spaces = words_and_spaces(item, ctx)
    doc = Doc(vocab, words=words, spaces=spaces)
    entities = ann.sorted_entities()

    def span(start: int, end: int, label: str) -> Any:
        found = doc.char_span(start, end, label=label)
        if found is None:  # cannot happen: tokens are cut at every edge
            raise RecordError(f"span [{start}, {end}) does not align with tokens")
        return found

    kept, dropped = non_overlapping(entities)
    note_overlaps(item, dropped, ctx, "doc.ents (it is in doc.spans['entities'])")
    doc.ents = [span(e.start, e.end, e.label) for e in kept]
    doc.spans["entities"] = [span(e.start, e.end, e.label) for e in entities]
    claims = ann.sorted_claims()
    doc.spans["claims"] = [span(c.start, c.end, CLAIM_LABEL) for c in claims]
    targets = [(e, ann.target_for(e.id)) for e in entities]
    doc.spans["target_sentiment"] = [span(e.start, e.end, t.label) for e, t in targets if t]
    if ann.document_sentiment:
        names = dict.fromkeys([*ctx.schema.sentiment_names, ann.document_sentiment])
        doc.cats = {name: float(name == ann.document_sentiment) for name in names}
    index = {e.id: i for i, e in enumerate(entities)}
    doc.user_data[USER_KEY] = {
        "id": doc_obj.id,
        "title": doc_obj.title,
        "source": doc_obj.source,
        "status": doc_obj.status.value,
        "annotator": item.annotator,
        "entities": [{"id": e.id, "annotator": e.annotator} for e in entities],
        "claims": [
            {
                "id": c.id,
                "speaker": index.get(c.speaker_id) if c.speaker_id else None,
                "speaker_text": c.speaker_text,
                "attributes": dict(c.attributes),
                "annotator": c.annotator,
            }
            for c in claims
        ],
        "target_annotators": [t.annotator for _e, t in targets if t],
    }
    return doc


def write_docbin(items: Iterable[AnnotatedDocument], out: BinaryIO, ctx: ExportContext) -> int:
    """One ``.spacy`` file (a DocBin holds all its documents in memory until written)."""
    spacy = _require()
    nlp = spacy.blank("xx")
    docbin = _new_docbin()
    n = 0
    for item in ctx.counted(items):
        docbin.add(to_doc(item, ctx, nlp.vocab))
        n += 1
    out.write(docbin.to_bytes())
    ctx.extra_manifest["spacy_version"] = spacy.__version__
    return n


def write_docbin_folder(
    items: Iterable[AnnotatedDocument], folder: Path, ctx: ExportContext
) -> int:
    """A folder of ``part-NNNN.spacy`` shards of `SHARD_SIZE` documents: memory stays
    bounded, and ``spacy train`` reads a folder of .spacy files as one corpus."""
    spacy = _require()
    nlp = spacy.blank("xx")
    docbin = _new_docbin()
    n = shards = 0

    def flush() -> None:
        nonlocal docbin, shards
        (folder / f"part-{shards:04d}.spacy").write_bytes(docbin.to_bytes())
        shards += 1
        docbin = _new_docbin()

    for item in ctx.counted(items):
        docbin.add(to_doc(item, ctx, nlp.vocab))
        n += 1
        if n % SHARD_SIZE == 0:
            flush()
    if n % SHARD_SIZE or not shards:
        flush()
    ctx.extra_manifest["spacy_version"] = spacy.__version__
    return n


def _new_docbin() -> Any:
    from spacy.tokens import DocBin

    return DocBin(attrs=DOCBIN_ATTRS, store_user_data=True)


def read_docbin(path: Path, annotator: str = "") -> Iterator[AnnotatedDocument | ImportProblem]:
    """Documents of a ``.spacy`` file (any DocBin; ours come back complete).

    The file is read whole within the file limit and inflated within it too (a small
    file can inflate to gigabytes). A document spaCy cannot rebuild ends the file with a
    problem; the documents before it are kept.
    """
    spacy = _require()
    from spacy.tokens import DocBin

    limits = current_limits()
    try:
        data = read_whole(path)
        _check_inflated_size(path, data, limits)
    except FormatError as exc:
        yield exc.problem
        return
    except zlib.error as exc:
        yield ImportProblem(str(path), None, f"not a spaCy DocBin (not zlib data: {exc})")
        return
    try:
        docbin = DocBin().from_bytes(data)
    except Exception as exc:  # spaCy, msgpack and numpy raise many types for a bad file
        log.info("not a DocBin: %s", path, exc_info=True)
        yield ImportProblem(str(path), None, f"not a spaCy DocBin ({_reason(exc)})")
        return
    docs = docbin.get_docs(spacy.blank("xx").vocab)
    for number in itertools.count(1):
        try:
            doc = next(docs)
        except StopIteration:
            return
        except Exception as exc:  # damaged tokens, spans or user data of one document
            log.info("damaged DocBin document %d in %s", number, path, exc_info=True)
            yield ImportProblem(
                str(path), None, f"document {number}: damaged, cannot be read ({_reason(exc)})"
            )
            return
        try:
            item = from_doc(doc, annotator)
        except RecordError as exc:
            yield ImportProblem(str(path), None, f"document {number}: {exc}")
        except (KeyError, IndexError, ValueError) as exc:  # spaCy, on spans it cannot rebuild
            log.info("damaged DocBin document %d in %s", number, path, exc_info=True)
            yield ImportProblem(
                str(path), None, f"document {number}: damaged, cannot be read ({_reason(exc)})"
            )
        else:
            yield item


def _reason(exc: BaseException) -> str:
    detail = (str(exc).strip().splitlines() or [""])[0][:200]
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


def _check_inflated_size(path: Path, data: bytes, limits: ImportLimits) -> None:
    """Raise FormatError if `data` (zlib) inflates past the file limit, without inflating
    more than a megabyte at a time (a zip bomb is refused, not inflated)."""
    inflater = zlib.decompressobj()
    size, pending = 0, data
    while pending and not inflater.eof:
        size += len(inflater.decompress(pending, 1 << 20))
        pending = inflater.unconsumed_tail
        if size > limits.max_file_bytes:
            raise FormatError(path, None, f"inflates past the limit: {limits.file_refusal()}")


def _dicts(value: Any, count: int) -> list[dict[str, Any]]:
    """`value` if it is a list of `count` objects (our per-span user data), else empty ones."""
    if isinstance(value, (list, tuple)) and len(value) == count:
        return [v if isinstance(v, dict) else {} for v in value]
    return [{} for _ in range(count)]


def _ref(value: Any) -> str | None:
    """An id or name from user data: strings and integers only."""
    if isinstance(value, str) and value:
        return value
    if type(value) is int:
        return str(value)
    return None


def _label(label: Any, what: str) -> str:
    if not isinstance(label, str) or not label.strip():
        raise RecordError(f"{what}: the span has no label")
    return label.strip()


def from_doc(doc: Any, annotator: str = "") -> AnnotatedDocument:
    from annotator.core.ids import new_id

    source = SourceText(doc.text)

    def edges(s: Any, what: str) -> tuple[int, int]:
        return source.span(s.start_char, s.end_char, what)

    data = doc.user_data.get(USER_KEY) or {}
    if not isinstance(data, dict):
        data = {}
    spans = list(doc.spans["entities"]) if "entities" in doc.spans else list(doc.ents)
    info = _dicts(data.get("entities"), len(spans))
    entities = [
        EntitySpan(
            _ref(meta.get("id")) or new_id(),
            *edges(s, f"entity {s.text!r}"),
            _label(s.label_, f"entity {s.text!r}"),
            _ref(meta.get("annotator")) or annotator,
        )
        for s, meta in zip(spans, info, strict=True)
    ]
    by_span = {(e.start, e.end, e.label): e for e in entities}
    claims = []
    claim_spans = list(doc.spans["claims"]) if "claims" in doc.spans else []
    claim_info = _dicts(data.get("claims"), len(claim_spans))
    for s, meta in zip(claim_spans, claim_info, strict=True):
        speaker = meta.get("speaker")
        speaker_id = (
            entities[speaker].id if type(speaker) is int and 0 <= speaker < len(entities) else None
        )
        attributes, speaker_text = meta.get("attributes"), meta.get("speaker_text")
        claims.append(
            Claim(
                _ref(meta.get("id")) or new_id(),
                *edges(s, f"claim {s.text!r}"),
                speaker_id,
                speaker_text if isinstance(speaker_text, str) else "",
                {
                    k: v
                    for k, v in (attributes.items() if isinstance(attributes, dict) else ())
                    if isinstance(k, str) and isinstance(v, str)
                },
                _ref(meta.get("annotator")) or annotator,
            )
        )
    targets = []
    target_spans = list(doc.spans["target_sentiment"]) if "target_sentiment" in doc.spans else []
    who = data.get("target_annotators")
    who = list(who) if isinstance(who, (list, tuple)) else []
    for i, s in enumerate(target_spans):
        start, end = edges(s, "target sentiment")
        entity = next((e for (a, b, _), e in by_span.items() if (a, b) == (start, end)), None)
        if entity is not None:
            name = who[i] if i < len(who) and isinstance(who[i], str) else annotator
            targets.append(
                TargetSentiment(new_id(), entity.id, _label(s.label_, "target sentiment"), name)
            )
    sentiment = None
    cats = {k: v for k, v in doc.cats.items() if isinstance(k, str) and isinstance(v, (int, float))}
    if cats:
        best = max(cats, key=lambda k: cats[k])
        sentiment = best if cats[best] > 0.5 else None
    fields = {
        key: data.get(key) if isinstance(data.get(key), (str, int)) else None
        for key in ("id", "title", "source", "status")
    }
    document = new_document(
        source.text,
        doc_id=fields["id"],
        title=fields["title"],
        source=fields["source"],
        status=fields["status"],
    )
    ann = DocumentAnnotations.of(entities, claims, targets, sentiment)
    who_doc = data.get("annotator")
    return annotated(document, ann, who_doc if isinstance(who_doc, str) else None)
