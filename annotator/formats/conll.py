"""CoNLL-2003 style columns: ``token POS chunk NER`` per line, BIO (IOB2) tags.

Export: one ``-DOCSTART- -X- -X- O`` line and a blank line per document; sentences are
the document's lines (a blank line after each). POS and chunk columns are ``_``.
Import: the last column is the tag (IOB1, IOB2, BIOES/BILOU); other columns are ignored;
text is rebuilt with single spaces between tokens and newlines between sentences.
Without ``-DOCSTART-`` lines every sentence is a document.

Cannot express: claims, sentiment, overlapping or nested entities (the longer is kept,
the other reported), the original spacing, titles, ids and metadata.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from annotator.core.model import AnnotatedDocument, DocumentAnnotations
from annotator.formats.bio import entities_from_tags, join_tokens, split_tag
from annotator.formats.export_context import ExportContext
from annotator.formats.problems import ImportProblem, RecordError
from annotator.formats.source_text import annotated, new_document
from annotator.formats.token_spans import aligned_tokens, bio_tags
from annotator.formats.tokenize import Token

DOCSTART = "-DOCSTART-"


def sentences_of(text: str, tokens: list[Token]) -> list[list[int]]:
    """Token indices grouped into sentences: a line break between tokens ends a sentence."""
    groups: list[list[int]] = []
    prev_end = -1
    for i, (start, end) in enumerate(tokens):
        if not groups or "\n" in text[prev_end:start]:
            groups.append([])
        groups[-1].append(i)
        prev_end = end
    return groups


def write_conll(items: Iterable[AnnotatedDocument], out: BinaryIO, ctx: ExportContext) -> int:
    n = 0
    for item in ctx.counted(items):
        text = item.document.text
        tokens = aligned_tokens(item, ctx)
        ctx.lose_unwritten(item)
        tags = bio_tags(item, tokens, ctx, "the CoNLL tags")
        lines = [f"{DOCSTART} -X- -X- O", ""]
        for sentence in sentences_of(text, tokens):
            for i in sentence:
                start, end = tokens[i]
                lines.append(f"{text[start:end]} _ _ {tags[i]}")
            lines.append("")
        out.write(("\n".join(lines) + "\n").encode("utf-8"))
        n += 1
    return n


def read_conll(path: Path, annotator: str = "") -> Iterator[AnnotatedDocument | ImportProblem]:
    """Documents of a CoNLL file; a bad line refuses its document, naming file and line."""
    try:
        handle = path.open("r", encoding="utf-8-sig", newline=None)
        lines = iter(handle)
    except OSError as exc:
        yield ImportProblem(str(path), None, f"cannot read file: {exc.strerror or exc}")
        return
    with handle:
        sentences: list[list[str]] = [[]]
        tags: list[list[str]] = [[]]
        doc_line: int | None = None
        bad: ImportProblem | None = None
        by_docstart: bool | None = None

        def flush() -> Iterator[AnnotatedDocument | ImportProblem]:
            nonlocal sentences, tags, bad, doc_line
            if bad is not None:
                yield bad
            elif doc_line is not None:
                try:
                    yield _document(sentences, tags, annotator, f"{path.name}:{doc_line}")
                except RecordError as exc:
                    yield ImportProblem(str(path), doc_line, str(exc))
            sentences, tags, bad, doc_line = [[]], [[]], None, None

        try:
            for number, raw in enumerate(lines, start=1):
                cols = raw.split()
                if by_docstart is None and cols:
                    by_docstart = cols[0] == DOCSTART
                if cols and cols[0] == DOCSTART:
                    yield from flush()
                elif not cols:
                    if by_docstart:
                        if sentences[-1]:
                            sentences.append([])
                            tags.append([])
                    elif doc_line is not None or bad is not None:
                        yield from flush()
                elif len(cols) < 2:
                    bad = bad or ImportProblem(str(path), number, "expected a token and a tag")
                else:
                    try:
                        split_tag(cols[-1])
                    except RecordError as exc:
                        bad = bad or ImportProblem(str(path), number, str(exc))
                        continue
                    if doc_line is None:
                        doc_line = number
                    sentences[-1].append(cols[0])
                    tags[-1].append(cols[-1])
        except UnicodeDecodeError as exc:
            yield ImportProblem(str(path), None, f"not valid UTF-8 ({exc.reason})")
            return
        yield from flush()


def _document(
    sentences: list[list[str]], tags: list[list[str]], annotator: str, source: str
) -> AnnotatedDocument:
    pairs = [(s, t) for s, t in zip(sentences, tags, strict=True) if s]
    text, offsets = join_tokens([s for s, _ in pairs])
    entities = []
    for row, (_s, sentence_tags) in zip(offsets, pairs, strict=True):
        entities += entities_from_tags(row, sentence_tags, annotator)
    doc = new_document(text, source=source)
    return annotated(doc, DocumentAnnotations.of(entities))
